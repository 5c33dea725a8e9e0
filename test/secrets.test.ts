import { ApiObject, Chart, Duration } from 'cdk8s';
import { parse } from 'yaml';
import {
  ExternalSecretSource, ExternalSecretSourceProps, KeyVaultObjectType, KeyVaultSecretProviderClass, KeyVaultSecretProviderClassProps,
  RealtimeService, RealtimeServiceProps, RemoteSecret, SecretMount, SecretStoreRef, checkObject,
} from '../lib';
import { goDuration } from '../lib/secrets';
import { scanObjects } from './security-scan';
import { chart, errorOf, find, objects, yaml } from './util';

const TENANT = '8f6b0e2a-1c3d-4e5f-9a7b-0c1d2e3f4a5b';
const CLIENT = '2d4e6f80-a1b2-4c3d-8e9f-0a1b2c3d4e5f';

function externalSecret(c: Chart, overrides: Partial<ExternalSecretSourceProps> = {}): ExternalSecretSource {
  return new ExternalSecretSource(c, 'Env', {
    name: 'suna-env',
    store: SecretStoreRef.clusterSecretStore('aws-secrets-manager'),
    data: [RemoteSecret.awsSecretsManagerJson('suna-env-prod')],
    ...overrides,
  });
}

function providerClass(c: Chart, overrides: Partial<KeyVaultSecretProviderClassProps> = {}): KeyVaultSecretProviderClass {
  return new KeyVaultSecretProviderClass(c, 'Kv', {
    name: 'azure-kv-wi',
    keyVaultName: 'media-kv',
    tenantId: TENANT,
    clientId: CLIENT,
    serviceAccountName: 'media-workload',
    objects: [{ name: 'db-password' }],
    ...overrides,
  });
}

function service(c: Chart, overrides: Partial<RealtimeServiceProps> = {}): RealtimeService {
  return new RealtimeService(c, 'Svc', { name: 'api', image: 'ghcr.io/acme/api:1.0.0', http: { port: 8080 }, ...overrides });
}

function pod(c: Chart, name = 'api'): any {
  return find(c, 'Deployment', name).spec.template.spec;
}

describe('ExternalSecretSource', () => {
  test('extracts every key of an AWS Secrets Manager JSON secret (dataFrom extract)', () => {
    // GIVEN
    const c = chart();
    // WHEN
    const es = externalSecret(c);
    // THEN
    expect(es.resource.toJson()).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'suna-env', namespace: 'demo' },
      spec: {
        refreshInterval: '1h0m0s',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
        target: { name: 'suna-env', creationPolicy: 'Owner' },
        dataFrom: [{ extract: { key: 'suna-env-prod' } }],
      },
    });
    expect([es.name, es.namespace, es.secretName, es.keys]).toEqual(['suna-env', 'demo', 'suna-env', []]);
    expect(es.resource.node.path).toBe('test/Env/Resource');
  });

  test('picks JSON properties of AWS secrets into named keys (data with remoteRef.property)', () => {
    const es = externalSecret(chart(), {
      store: SecretStoreRef.secretStore('aws-store'),
      data: [
        RemoteSecret.awsSecretsManagerProperties('prod/db', { DATABASE_PASSWORD: 'password', DATABASE_USER: 'username' }),
        RemoteSecret.awsSecretsManagerProperties('arn:aws:secretsmanager:us-west-2:123456789012:secret:prod/redis-AbCdEf', { REDIS_URL: 'url' }),
      ],
    });
    expect(es.resource.toJson().spec).toEqual({
      refreshInterval: '1h0m0s',
      secretStoreRef: { kind: 'SecretStore', name: 'aws-store' },
      target: { name: 'suna-env', creationPolicy: 'Owner' },
      data: [
        { secretKey: 'DATABASE_PASSWORD', remoteRef: { key: 'prod/db', property: 'password' } },
        { secretKey: 'DATABASE_USER', remoteRef: { key: 'prod/db', property: 'username' } },
        { secretKey: 'REDIS_URL', remoteRef: { key: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:prod/redis-AbCdEf', property: 'url' } },
      ],
    });
    expect(es.keys).toEqual(['DATABASE_PASSWORD', 'DATABASE_USER', 'REDIS_URL']);
  });

  test('reads Azure Key Vault objects with their type prefix (secret/, cert/, key/)', () => {
    const es = externalSecret(chart(), {
      name: 'database-credentials',
      store: SecretStoreRef.secretStore('azure-store'),
      data: [
        RemoteSecret.azureKeyVault({ 'database-username': 'database-username', 'database-password': 'database-password' }),
        RemoteSecret.azureKeyVault({ 'tls.crt': 'api-cert' }, KeyVaultObjectType.CERT),
        RemoteSecret.azureKeyVault({ 'signing.pub': 'signing-key' }, KeyVaultObjectType.KEY),
      ],
    });
    expect(es.resource.toJson().spec.data).toEqual([
      { secretKey: 'database-username', remoteRef: { key: 'secret/database-username' } },
      { secretKey: 'database-password', remoteRef: { key: 'secret/database-password' } },
      { secretKey: 'tls.crt', remoteRef: { key: 'cert/api-cert' } },
      { secretKey: 'signing.pub', remoteRef: { key: 'key/signing-key' } },
    ]);
    expect(es.resource.toJson().spec).not.toHaveProperty('dataFrom');
  });

  test('writes the refresh interval as Go prints a duration, so the API server round-trips it unchanged', () => {
    expect(externalSecret(chart(), { refreshInterval: Duration.minutes(15) }).resource.toJson().spec.refreshInterval).toBe('15m0s');
    expect(externalSecret(chart(), { refreshInterval: Duration.seconds(0) }).resource.toJson().spec.refreshInterval).toBe('0s');
    expect([0, 30, 60, 90, 3600, 5400, 86400, 3661].map(goDuration)).toEqual(['0s', '30s', '1m0s', '1m30s', '1h0m0s', '1h30m0s', '24h0m0s', '1h1m1s']);
  });

  test('every prop (Required<Props>) reaches the typed binding, which keeps every field set', () => {
    // GIVEN
    const all: Required<ExternalSecretSourceProps> = {
      name: 'app-env',
      namespace: 'media',
      store: SecretStoreRef.clusterSecretStore('aws'),
      data: [RemoteSecret.awsSecretsManagerJson('app/env'), RemoteSecret.awsSecretsManagerProperties('app/db', { DB_PASSWORD: 'password' })],
      refreshInterval: Duration.hours(2),
    };
    // WHEN
    const es = new ExternalSecretSource(chart(), 'Env', all);
    // THEN: the generated toJson() drops unknown fields, so compare with what the construct passed in
    const json = es.resource.toJson();
    expect(json).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'app-env', namespace: 'media' },
      spec: {
        refreshInterval: '2h0m0s',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws' },
        target: { name: 'app-env', creationPolicy: 'Owner' },
        data: [{ secretKey: 'DB_PASSWORD', remoteRef: { key: 'app/db', property: 'password' } }],
        dataFrom: [{ extract: { key: 'app/env' } }],
      },
    });
    expect(checkObject({ path: es.node.path, json })).toEqual([]);
  });

  test('loads the target Secret with envFrom', () => {
    // GIVEN
    const c = chart();
    const es = externalSecret(c);
    // WHEN
    service(c, { secrets: [es.envFrom()] });
    // THEN
    const k = pod(c).containers[0];
    expect(k.envFrom).toEqual([{ secretRef: { name: 'suna-env' } }]);
    expect(pod(c)).not.toHaveProperty('serviceAccountName');
    expect(pod(c).volumes.map((v: any) => v.name)).toEqual(['tmp']);
  });

  test('YAML snapshot', () => {
    const c = chart();
    externalSecret(c, { data: [RemoteSecret.awsSecretsManagerJson('suna-env-prod'), RemoteSecret.awsSecretsManagerProperties('prod/db', { DATABASE_PASSWORD: 'password' })] });
    expect(yaml(c)).toMatchSnapshot();
  });

  test('fails when no remote secret is listed', () => {
    expect(errorOf(() => externalSecret(chart(), { data: [] }))).toBe(
      '[test/Env] ExternalSecretSource \'data\' is []: must list at least one RemoteSecret. Fix: add e.g. RemoteSecret.awsSecretsManagerJson("my-app-env")');
  });

  test('fails when the AWS secret id has characters Secrets Manager refuses', () => {
    expect(errorOf(() => externalSecret(chart(), { data: [RemoteSecret.awsSecretsManagerJson('suna env prod')] }))).toBe(
      '[test/Env] ExternalSecretSource \'data[0].secretId\' is "suna env prod": must be an AWS Secrets Manager secret name (1-512 of letters, digits and "/_+=.@-") or a secret ARN. Fix: copy the name or ARN from Secrets Manager');
  });

  test('fails when a property map is empty', () => {
    expect(errorOf(() => externalSecret(chart(), { data: [RemoteSecret.awsSecretsManagerProperties('prod/db', {})] }))).toBe(
      '[test/Env] ExternalSecretSource \'data[0]\' is {}: must map at least one Secret key. Fix: pass e.g. { DATABASE_URL: "database-url" }');
  });

  test('fails when a JSON property is empty', () => {
    expect(errorOf(() => externalSecret(chart(), { data: [RemoteSecret.awsSecretsManagerProperties('prod/db', { DB: '' })] }))).toBe(
      '[test/Env] ExternalSecretSource \'data[0]["DB"]\' is "": must be a JSON property of the remote secret (no spaces). Fix: use the key as it appears in the secret\'s JSON');
  });

  test('fails when a Secret key is not a valid key', () => {
    expect(errorOf(() => externalSecret(chart(), { data: [RemoteSecret.awsSecretsManagerProperties('prod/db', { 'DB PASSWORD': 'password' })] }))).toBe(
      '[test/Env] ExternalSecretSource \'data[0]["DB PASSWORD"]\' is "DB PASSWORD": must be a Secret key: 1-253 letters, digits, "-", "_" and ".". Fix: rename the key, e.g. "DATABASE_URL"');
  });

  test('fails when two sources write the same key', () => {
    expect(errorOf(() => externalSecret(chart(), {
      data: [RemoteSecret.awsSecretsManagerProperties('a', { DB: 'x' }), RemoteSecret.awsSecretsManagerProperties('b', { DB: 'y' })],
    }))).toBe('[test/Env] ExternalSecretSource \'data[1]["DB"]\' is "DB": must be unique (data[0] already writes it). Fix: rename one of the keys');
  });

  test('fails when an Azure Key Vault object name has characters the vault refuses', () => {
    expect(errorOf(() => externalSecret(chart(), { data: [RemoteSecret.azureKeyVault({ password: 'db_password' })] }))).toBe(
      '[test/Env] ExternalSecretSource \'data[0]["password"]\' is "db_password": must be an Azure Key Vault object name (1-127 letters, digits and "-"). Fix: use the name shown in the vault');
  });

  test('fails when the store name is not a valid object name', () => {
    expect(errorOf(() => externalSecret(chart(), { store: SecretStoreRef.clusterSecretStore('AWS Store') }))).toBe(
      '[test/Env] ExternalSecretSource \'store.name\' is "AWS Store": must be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters). Fix: use a name such as "aws-store"');
  });

  test('fails when the refresh interval is not whole seconds', () => {
    expect(errorOf(() => externalSecret(chart(), { refreshInterval: Duration.millis(1500) }))).toBe(
      '[test/Env] ExternalSecretSource \'refreshInterval\' is "1500ms": must be a whole number of seconds. Fix: use Duration.seconds(2)');
  });
});

describe('KeyVaultSecretProviderClass', () => {
  test('renders the Azure provider in workload-identity mode, objects as the YAML string the provider parses', () => {
    // GIVEN
    const c = chart();
    // WHEN
    const spc = providerClass(c, { objects: [{ name: 'db-password' }, { name: 'api-cert', type: KeyVaultObjectType.CERT, alias: 'api.pem' }] });
    // THEN
    const json = spc.resource.toJson();
    expect(json).toEqual({
      apiVersion: 'secrets-store.csi.x-k8s.io/v1',
      kind: 'SecretProviderClass',
      metadata: { name: 'azure-kv-wi', namespace: 'demo' },
      spec: {
        provider: 'azure',
        parameters: {
          usePodIdentity: 'false',
          clientID: CLIENT,
          keyvaultName: 'media-kv',
          tenantId: TENANT,
          objects: [
            'array:',
            '  - |',
            '    objectName: db-password',
            '    objectType: secret',
            '  - |',
            '    objectName: api-cert',
            '    objectType: cert',
            '    objectAlias: api.pem',
            '',
          ].join('\n'),
        },
      },
    });
    // `objects` is YAML holding `array:`, a list of YAML documents, one per object
    const array: string[] = parse(json.spec.parameters.objects).array;
    expect(array.map((doc) => parse(doc))).toEqual([
      { objectName: 'db-password', objectType: 'secret' },
      { objectName: 'api-cert', objectType: 'cert', objectAlias: 'api.pem' },
    ]);
    expect(spc.resource.node.path).toBe('test/Kv/Resource');
    expect(checkObject({ path: spc.node.path, json })).toEqual([]);
  });

  test('every prop (Required<Props>) reaches the typed binding, secretObjects included', () => {
    const all: Required<KeyVaultSecretProviderClassProps> = {
      name: 'kv', namespace: 'media', keyVaultName: 'media-kv', tenantId: TENANT, clientId: CLIENT, serviceAccountName: 'media-workload',
      objects: [{ name: 'db-password', type: KeyVaultObjectType.SECRET, alias: 'password', version: '0123456789abcdef0123456789abcdef' }],
      sync: { secretName: 'db-creds', keys: { DB_PASSWORD: 'password' }, type: 'Opaque' },
    };
    const spc = new KeyVaultSecretProviderClass(chart(), 'Kv', all);
    const spec = spc.resource.toJson().spec;
    expect(parse(parse(spec.parameters.objects).array[0])).toEqual({ objectName: 'db-password', objectType: 'secret', objectAlias: 'password', objectVersion: '0123456789abcdef0123456789abcdef' });
    expect(spec.secretObjects).toEqual([{ secretName: 'db-creds', type: 'Opaque', data: [{ key: 'DB_PASSWORD', objectName: 'password' }] }]);
    expect([spc.name, spc.namespace, spc.secretName, spc.serviceAccountName]).toEqual(['kv', 'media', 'db-creds', 'media-workload']);
  });

  test('mount() adds a read-only CSI volume and runs the pod as the federated service account', () => {
    // GIVEN
    const c = chart();
    const spc = providerClass(c);
    // WHEN
    service(c, { secrets: [spc.mount()] });
    // THEN
    const spec = pod(c);
    expect(spec.serviceAccountName).toBe('media-workload');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.volumes).toEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'spc-azure-kv-wi', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'azure-kv-wi' } } },
    ]);
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'spc-azure-kv-wi', mountPath: '/mnt/secrets/azure-kv-wi', readOnly: true },
    ]);
    expect(spec.containers[0]).not.toHaveProperty('envFrom');
  });

  test('envFrom() loads the synced Secret and still mounts the volume (the driver syncs only while mounted)', () => {
    const c = chart();
    const spc = providerClass(c, { sync: { secretName: 'db-creds', keys: { DB_PASSWORD: 'db-password' } } });
    service(c, { secrets: [spc.envFrom('/var/run/secrets/kv')] });
    const k = pod(c).containers[0];
    expect(k.envFrom).toEqual([{ secretRef: { name: 'db-creds' } }]);
    expect(k.volumeMounts).toContainEqual({ name: 'spc-azure-kv-wi', mountPath: '/var/run/secrets/kv', readOnly: true });
  });

  test('a pod with a CSI secret volume stays Pod Security "restricted"', () => {
    const c = chart();
    service(c, { secrets: [providerClass(c).mount()] });
    const deny = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'demo' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    expect(scanObjects([...objects(c), deny])).toEqual([]);
  });

  test('YAML snapshot', () => {
    const c = chart();
    providerClass(c, { objects: [{ name: 'db-password' }, { name: 'api-cert', type: KeyVaultObjectType.CERT, alias: 'api.pem' }], sync: { secretName: 'db-creds', keys: { password: 'db-password' } } });
    expect(yaml(c)).toMatchSnapshot();
  });

  test('fails when envFrom() is asked for without a synced Secret', () => {
    const spc = providerClass(chart());
    expect(errorOf(() => spc.envFrom())).toBe(
      '[test/Kv] KeyVaultSecretProviderClass \'sync\' is not set: must be set to load the objects with envFrom (only a synced Secret can be loaded as environment variables). Fix: set `sync: { secretName, keys }`, or use mount() and read the files');
  });

  test('fails when the vault is given by URL', () => {
    expect(errorOf(() => providerClass(chart(), { keyVaultName: 'https://media-kv.vault.azure.net' }))).toBe(
      '[test/Kv] KeyVaultSecretProviderClass \'keyVaultName\' is "https://media-kv.vault.azure.net": must be a Key Vault name: 3-24 letters, digits and "-", starting with a letter, ending with a letter or digit, without "--". Fix: use the name of the vault, not its URL');
  });

  test('fails when the tenant id is not a GUID', () => {
    expect(errorOf(() => providerClass(chart(), { tenantId: 'contoso.onmicrosoft.com' }))).toBe(
      '[test/Kv] KeyVaultSecretProviderClass \'tenantId\' is "contoso.onmicrosoft.com": must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx). Fix: copy the Directory (tenant) ID from Entra ID');
  });

  test('fails when the client id is not a GUID', () => {
    expect(errorOf(() => providerClass(chart(), { clientId: '<uami-client-id>' }))).toBe(
      '[test/Kv] KeyVaultSecretProviderClass \'clientId\' is "<uami-client-id>": must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx). Fix: copy the Client ID of the managed identity');
  });

  test('fails when no object is listed', () => {
    expect(errorOf(() => providerClass(chart(), { objects: [] }))).toBe(
      '[test/Kv] KeyVaultSecretProviderClass \'objects\' is []: must list at least one Key Vault object. Fix: add e.g. { name: "db-password" }');
  });

  test('fails when two objects would be the same file', () => {
    expect(errorOf(() => providerClass(chart(), { objects: [{ name: 'db-password' }, { name: 'db-password-v2', alias: 'db-password' }] }))).toBe(
      '[test/Kv] KeyVaultSecretProviderClass \'objects[1]\' is "db-password": must mount under a unique file name (objects[0] already uses "db-password"). Fix: set a distinct alias');
  });

  test('fails when an object version is not 32 hex digits', () => {
    expect(errorOf(() => providerClass(chart(), { objects: [{ name: 'db-password', version: 'latest' }] }))).toBe(
      '[test/Kv] KeyVaultSecretProviderClass \'objects[0].version\' is "latest": must be a Key Vault object version (32 hex digits). Fix: copy the version id from the vault, or omit it for the latest');
  });

  test('fails when a synced key names an object that is not mounted', () => {
    expect(errorOf(() => providerClass(chart(), { sync: { secretName: 'db-creds', keys: { DB_PASSWORD: 'db-pasword' } } }))).toBe(
      '[test/Kv] KeyVaultSecretProviderClass \'sync.keys["DB_PASSWORD"]\' is "db-pasword": must name a mounted object (db-password). Fix: use the object\'s alias, or its name when it has none');
  });
});

describe('SecretMount', () => {
  test('envFromSecret() references an existing Secret by name only', () => {
    const c = chart();
    service(c, { secrets: [SecretMount.envFromSecret('api-tls-env')] });
    expect(pod(c).containers[0].envFrom).toEqual([{ secretRef: { name: 'api-tls-env' } }]);
    expect(objects(c, 'Secret')).toEqual([]);
  });

  test('without secrets the pod is unchanged: no envFrom, no extra volume, no service account', () => {
    const c = chart();
    service(c);
    const spec = pod(c);
    expect(spec).not.toHaveProperty('serviceAccountName');
    expect(spec.containers[0]).not.toHaveProperty('envFrom');
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }]);
  });

  test('no secret value reaches the synthesized objects', () => {
    const c = chart();
    const es = externalSecret(c);
    const spc = providerClass(c, { sync: { secretName: 'db-creds', keys: { DB_PASSWORD: 'db-password' } } });
    service(c, { secrets: [es.envFrom(), spc.envFrom()] });
    const all = c.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson());
    expect(all.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(all.flatMap((o) => checkObject({ path: 'test', json: o }))).toEqual([]);
  });

  test('fails when a source lives in another namespace', () => {
    const c = chart();
    const es = externalSecret(c, { namespace: 'other' });
    expect(errorOf(() => service(c, { secrets: [es.envFrom()] }))).toBe(
      '[test/Svc] RealtimeService \'secrets[0]\' is "ExternalSecret suna-env": must be in the workload\'s namespace (demo), not other: pods can only read Secrets and SecretProviderClasses of their own namespace. Fix: declare the source in namespace demo');
  });

  test('fails when the same Secret is loaded twice', () => {
    const c = chart();
    const es = externalSecret(c);
    expect(errorOf(() => service(c, { secrets: [es.envFrom(), SecretMount.envFromSecret('suna-env')] }))).toBe(
      '[test/Svc] RealtimeService \'secrets[1]\' is "Secret suna-env": must not load Secret suna-env twice. Fix: remove the duplicate');
  });

  test('fails when a mount path overlaps /tmp', () => {
    const c = chart();
    const spc = providerClass(c);
    expect(errorOf(() => service(c, { secrets: [spc.mount('/tmp/kv')] }))).toBe(
      '[test/Svc] RealtimeService \'secrets[0].path\' is "/tmp/kv": must not overlap another mount (/tmp). Fix: pick a separate path such as "/mnt/secrets/<name>"');
  });

  test('fails when two CSI mounts need different service accounts', () => {
    const c = chart();
    const a = providerClass(c);
    const b = new KeyVaultSecretProviderClass(c, 'Kv2', { name: 'other-kv', keyVaultName: 'other-kv', tenantId: TENANT, clientId: CLIENT, serviceAccountName: 'other-workload', objects: [{ name: 'x' }] });
    expect(errorOf(() => service(c, { secrets: [a.mount(), b.mount()] }))).toBe(
      '[test/Svc] RealtimeService \'secrets[1]\' is "SecretProviderClass other-kv": must run as the same service account as secrets[0] (media-workload), not other-workload: a pod has one service account. Fix: federate both identities with one service account');
  });

  test('fails when a secret-looking literal is passed as env instead (the alternative this module offers)', () => {
    expect(errorOf(() => service(chart(), { env: { OPENAI_API_KEY: 'sk-live' } }))).toBe(
      '[test/Svc] RealtimeService \'env["OPENAI_API_KEY"]\' is "OPENAI_API_KEY": must not carry a secret-looking value as a literal: it would be committed to dist/ in plain text. Fix: load it from a Secret (envFrom with an ExternalSecret or the Secrets Store CSI driver)');
  });
});

describe('RemoteSecret: any provider, GCP Secret Manager, HashiCorp Vault', () => {
  const spec = (data: RemoteSecret[]) => externalSecret(chart(), { store: SecretStoreRef.clusterSecretStore('store'), data }).resource.toJson().spec;

  test('keys: whole remote values, with an optional property and version per key, for any provider', () => {
    expect(spec([RemoteSecret.keys({ API_TOKEN: 'prod/api-token', DB_PASSWORD: { key: 'prod/db', property: 'password', version: '7' } })]).data).toEqual([
      { secretKey: 'API_TOKEN', remoteRef: { key: 'prod/api-token' } },
      { secretKey: 'DB_PASSWORD', remoteRef: { key: 'prod/db', property: 'password', version: '7' } },
    ]);
  });

  test('properties: chosen properties of one remote JSON value; json: every key of it (dataFrom extract)', () => {
    const s = spec([RemoteSecret.properties('prod/db', { DB_USER: 'username', DB_HOST: 'conn.host' }, { version: 'v3' }), RemoteSecret.json('prod/app-env')]);
    expect(s.data).toEqual([
      { secretKey: 'DB_USER', remoteRef: { key: 'prod/db', property: 'username', version: 'v3' } },
      { secretKey: 'DB_HOST', remoteRef: { key: 'prod/db', property: 'conn.host', version: 'v3' } },
    ]);
    expect(s.dataFrom).toEqual([{ extract: { key: 'prod/app-env' } }]);
    expect(spec([RemoteSecret.json('prod/app-env', { version: '2' })]).dataFrom).toEqual([{ extract: { key: 'prod/app-env', version: '2' } }]);
  });

  test('gcpSecretManager: secret ids into keys, the latest version unless one is given; gcpSecretManagerJson extracts one', () => {
    const s = spec([RemoteSecret.gcpSecretManager({ DB_PASSWORD: 'db-password', STRIPE_KEY: 'stripe_key' }), RemoteSecret.gcpSecretManager({ OLD: 'db-password' }, { version: '3' }), RemoteSecret.gcpSecretManagerJson('game-env')]);
    expect(s.data).toEqual([
      { secretKey: 'DB_PASSWORD', remoteRef: { key: 'db-password' } },
      { secretKey: 'STRIPE_KEY', remoteRef: { key: 'stripe_key' } },
      { secretKey: 'OLD', remoteRef: { key: 'db-password', version: '3' } },
    ]);
    expect(s.dataFrom).toEqual([{ extract: { key: 'game-env' } }]);
  });

  test('vault: fields of a KV secret below the store\'s mount; vaultJson extracts every field', () => {
    const s = spec([RemoteSecret.vault('team/game', { DB_PASSWORD: 'password' }), RemoteSecret.vaultJson('team/game-env', { version: '4' })]);
    expect(s.data).toEqual([{ secretKey: 'DB_PASSWORD', remoteRef: { key: 'team/game', property: 'password' } }]);
    expect(s.dataFrom).toEqual([{ extract: { key: 'team/game-env', version: '4' } }]);
  });

  test('the helpers\' output passes the ExternalSecret schema and rules, and keeps values out of the YAML', () => {
    const c = chart();
    externalSecret(c, { data: [RemoteSecret.keys({ A: 'a' }), RemoteSecret.gcpSecretManager({ B: 'b' }), RemoteSecret.vault('x/y', { C: 'c' })] });
    for (const o of objects(c)) expect(checkObject({ path: 'test', json: o })).toEqual([]);
    expect(scanObjects(objects(c))).toEqual([]);
  });

  test.each([
    [() => RemoteSecret.gcpSecretManager({ DB: 'projects/p/secrets/db' }), '[test/Env] ExternalSecretSource \'data[0]["DB"]\' is "projects/p/secrets/db": must be a Secret Manager secret id: 1-255 letters, digits, "-" and "_" (the name, not the projects/.../secrets/... resource path: the store names the project). Fix: use the secret\'s id as `gcloud secrets list` shows it'],
    [() => RemoteSecret.gcpSecretManager({ DB: 'db' }, { version: 'newest' }), '[test/Env] ExternalSecretSource \'data[0].version\' is "newest": must be "latest" or a version number. Fix: pass e.g. "3", or leave it out for the latest'],
    [() => RemoteSecret.gcpSecretManagerJson('my env'), '[test/Env] ExternalSecretSource \'data[0].secretId\' is "my env": must be a Secret Manager secret id: 1-255 letters, digits, "-" and "_" (the name, not the projects/.../secrets/... resource path: the store names the project). Fix: use the secret\'s id as `gcloud secrets list` shows it'],
    [() => RemoteSecret.vault('/secret/data/team/app', { P: 'password' }), '[test/Env] ExternalSecretSource \'data[0].path\' is "/secret/data/team/app": must be a Vault path below the store\'s KV mount: segments of letters, digits, "_", "." and "-" joined by "/", with no leading or trailing "/" and no "." or ".." segment. Fix: drop the mount and any "data/" prefix (the SecretStore sets path and KV version), e.g. "team/app"'],
    [() => RemoteSecret.vaultJson('team/../other'), '[test/Env] ExternalSecretSource \'data[0].path\' is "team/../other": must be a Vault path below the store\'s KV mount: segments of letters, digits, "_", "." and "-" joined by "/", with no leading or trailing "/" and no "." or ".." segment. Fix: drop the mount and any "data/" prefix (the SecretStore sets path and KV version), e.g. "team/app"'],
    [() => RemoteSecret.vault('team/app', { P: 'pass word' }), '[test/Env] ExternalSecretSource \'data[0]["P"]\' is "pass word": must be a JSON property of the remote secret (no spaces). Fix: use the key as it appears in the secret\'s JSON'],
    [() => RemoteSecret.keys({ TOKEN: 'prod token' }), '[test/Env] ExternalSecretSource \'data[0]["TOKEN"].key\' is "prod token": must be a remote key of 1-2048 characters without spaces or control characters. Fix: copy the key as the provider shows it'],
    [() => RemoteSecret.keys({ TOKEN: { key: 'prod/token', property: '' } }), '[test/Env] ExternalSecretSource \'data[0]["TOKEN"].property\' is "": must be a JSON property of the remote secret (no spaces). Fix: use the key as it appears in the secret\'s JSON'],
    [() => RemoteSecret.keys({}), '[test/Env] ExternalSecretSource \'data[0]\' is {}: must map at least one Secret key. Fix: pass e.g. { DATABASE_URL: "database-url" }'],
    [() => RemoteSecret.keys({ 'BAD KEY': 'x' }), null],
  ])('fails when a helper gets a value its provider cannot read (%#)', (make, message) => {
    const err = errorOf(() => externalSecret(chart(), { data: [make()] }));
    if (message === null) expect(err).toMatch(/^\[test\/Env\] ExternalSecretSource 'data\[0\]\["BAD KEY"\]' is "BAD KEY": must /);
    else expect(err).toBe(message);
  });

  test('fails when a JavaScript caller passes a wrong shape to a helper', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const js = RemoteSecret as any;
    expect(errorOf(() => js.keys({ TOKEN: 42 }))).toBe('[RemoteSecret.keys] RemoteSecret \'entries["TOKEN"]\' is 42: must be a remote key or { key, property?, version? }. Fix: pass a remote key or { key, property?, version? }');
    expect(errorOf(() => js.vault('team/app'))).toBe('[RemoteSecret.vault] RemoteSecret \'properties\' is not set: must be set (RemoteSecret.vault requires it). Fix: add properties: { DB_PASSWORD: "password" }');
    expect(errorOf(() => js.gcpSecretManager({ A: 'a' }, { versoin: '1' }))).toMatch(/^\[RemoteSecret\.gcpSecretManager\] RemoteSecret 'options\.versoin'/);
  });
});
