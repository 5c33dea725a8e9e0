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

// Any ESO provider (the store decides which): whole values, JSON properties, or a whole JSON object
const generic = new ExternalSecretSource(chart, 'Generic', {
  name: 'game-secrets',
  store: SecretStoreRef.secretStore('game-store'),
  data: [
    RemoteSecret.keys({ API_TOKEN: 'prod/api-token', DB_PASSWORD: { key: 'prod/db', property: 'password' } }),
    RemoteSecret.properties('prod/redis', { REDIS_URL: 'url' }),
    RemoteSecret.json('prod/feature-flags'),                       // dataFrom: [{ extract }]
  ],
});
// GCP Secret Manager (secret ids; the ClusterSecretStore's provider.gcpsm names the project)
const gcp = new ExternalSecretSource(chart, 'Gcp', {
  name: 'game-gcp',
  store: SecretStoreRef.clusterSecretStore('gcp-secret-manager'),
  data: [RemoteSecret.gcpSecretManager({ STRIPE_KEY: 'stripe-key' }), RemoteSecret.gcpSecretManagerJson('game-env', { version: '3' })],
});
// HashiCorp Vault KV (paths below the store's mount: `vault kv get secret/team/game`)
const vault = new ExternalSecretSource(chart, 'Vault', {
  name: 'game-vault',
  store: SecretStoreRef.clusterSecretStore('vault'),
  data: [RemoteSecret.vault('team/game', { SIGNING_KEY: 'signing_key' }), RemoteSecret.vaultJson('team/game-env')],
});

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
  secrets: [env.envFrom(), kv.envFrom(), generic.envFrom(), gcp.envFrom(), vault.envFrom(), SecretMount.envFromSecret('legacy-env')],
});
// kv.mount('/mnt/secrets/kv') mounts files only; SecretMount.envFromSecret('name') loads an
// existing Secret by name.
