// Extracted from README.md by tools/readme-examples.js: edit the README, then rerun it.
import { App, Chart } from 'cdk8s';
import { DependencyPort, ManagedDependency, RealtimeService } from 'cdk8s-realtime';

const chart = new Chart(new App(), 'voice-agents', { namespace: 'voice-agents' });
const db = new ManagedDependency(chart, 'Postgres', {
  name: 'postgres',
  externalName: 'myserver.postgres.database.azure.com',
  ports: [DependencyPort.postgres()],        // 5432; azureRedisTls() is 6380, mysql() 3306
  cidrs: ['10.20.30.0/24'],                  // the private endpoint's subnet (or its IP as /32)
});
new RealtimeService(chart, 'Api', {
  name: 'agent-api',
  image: 'ghcr.io/example/agent-api:1.0.0',
  http: { port: 8080 },
  networkPolicy: { allowTo: [db.egressRule()] },
});
