// Extracted from README.md by tools/readme-examples.js: edit the README, then rerun it.
import { App, Chart } from 'cdk8s';
import { ExternalSecretSource, KeyVaultSecretProviderClass, RealtimeService, RemoteSecret, SecretMount, SecretStoreRef } from 'cdk8s-realtime';

const chart = new Chart(new App(), 'suna', { namespace: 'suna' });
// External Secrets Operator: every key of the JSON secret suna-env-prod -> Secret suna-env
const env = new ExternalSecretSource(chart, 'Env', {
  name: 'suna-env',
  store: SecretStoreRef.clusterSecretStore('aws-secrets-manager'),
  data: [RemoteSecret.awsSecretsManagerJson('suna-env-prod')],   // dataFrom: [{ extract }]
});
// or per key: RemoteSecret.awsSecretsManagerProperties('prod/db', { DB_PASSWORD: 'password' })
// or Azure:   RemoteSecret.azureKeyVault({ 'db-password': 'db-password' })   // key: secret/db-password

// Secrets Store CSI driver, Azure Key Vault provider in workload-identity mode
const kv = new KeyVaultSecretProviderClass(chart, 'Kv', {
  name: 'media-kv', keyVaultName: 'media-kv',
  tenantId: '00000000-0000-0000-0000-000000000000', clientId: '00000000-0000-0000-0000-000000000001',
  serviceAccountName: 'media-workload',           // federated with the identity; pods run as it
  objects: [{ name: 'db-password' }],
  sync: { secretName: 'db-creds', keys: { DB_PASSWORD: 'db-password' } },   // optional
});

new RealtimeService(chart, 'Api', {
  name: 'suna-api',
  image: 'ghcr.io/kortix/suna-api:2.4.0',
  http: { port: 8000 },
  secrets: [env.envFrom(), kv.envFrom(), SecretMount.envFromSecret('legacy-env')],
});
// kv.mount('/mnt/secrets/kv') mounts files only; SecretMount.envFromSecret('name') loads an
// existing Secret by name.
