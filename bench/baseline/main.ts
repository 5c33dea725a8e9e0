// Baseline entry point: one plain cdk8s App, one Chart per target, `app.synth()`.
import { App } from 'cdk8s';
import { S1_TARGETS, S1Chart } from './chart';

const app = new App();
for (const t of S1_TARGETS) new S1Chart(app, `mentra-cloud-${t.cluster}-${t.env}`, t);
app.synth();
