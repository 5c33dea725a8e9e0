// Secret sources that keep secret values out of dist/: the External Secrets Operator
// (ExternalSecret, external-secrets.io/v1) and the Secrets Store CSI driver with the Azure Key
// Vault provider (SecretProviderClass, secrets-store.csi.x-k8s.io/v1). Both are rendered through
// typed bindings generated from the CRDs (plain Secret data never belongs in git:
// https://kubernetes.io/docs/concepts/security/secrets-good-practices/).
import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type * as ExternalSecretsCrds from '../imports/external-secrets.io';
import type * as SecretsStoreCrds from '../imports/secrets-store.csi.x-k8s.io';
import { Checker } from './private/checks';
import { S, enumNames, validateArgs, validateProps } from './private/validate';
// The CRD bindings load on first use (an app that mounts no secret never needs them).
/* eslint-disable @typescript-eslint/no-require-imports */
const externalSecretsCrds = (): typeof ExternalSecretsCrds => require('../imports/external-secrets.io');
const secretsStoreCrds = (): typeof SecretsStoreCrds => require('../imports/secrets-store.csi.x-k8s.io');
/* eslint-enable @typescript-eslint/no-require-imports */

/** A key of a Kubernetes Secret (and, through `envFrom`, the environment variable name). */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** AWS Secrets Manager secret names (1-512 of `A-Za-z0-9/_+=.@-`) or a full secret ARN. */
const AWS_SECRET_ID = /^(?:[A-Za-z0-9/_+=.@-]{1,512}|arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+)$/;
/** Azure Key Vault object names: 1-127 letters, digits and "-". */
const AKV_OBJECT_NAME = /^[0-9a-zA-Z-]{1,127}$/;
/** Azure Key Vault names: 3-24 letters, digits and "-", starting with a letter, ending with a letter or digit, no "--". */
const AKV_NAME = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * The SecretStore or ClusterSecretStore an ExternalSecret reads through (an enum-like class).
 *
 * The store holds the provider and its credentials (for AWS Secrets Manager: `provider.aws` with
 * `service: SecretsManager`, the region and an IRSA service account; for Azure Key Vault:
 * `provider.azurekv` with `authType: WorkloadIdentity` and the vault URL). Stores are cluster set-up
 * and are referenced by name only.
 * @see https://external-secrets.io/latest/api/secretstore/
 */
export class SecretStoreRef {
  /** A namespaced `SecretStore` in the ExternalSecret's namespace. */
  public static secretStore(name: string): SecretStoreRef {
    validateArgs('SecretStoreRef.secretStore', 'SecretStoreRef', { name }, { name: S.req(S.str(), '"aws"') });
    return new SecretStoreRef(externalSecretsCrds().ExternalSecretSpecSecretStoreRefKind.SECRET_STORE, name);
  }

  /** A cluster-wide `ClusterSecretStore`. */
  public static clusterSecretStore(name: string): SecretStoreRef {
    validateArgs('SecretStoreRef.clusterSecretStore', 'SecretStoreRef', { name }, { name: S.req(S.str(), '"aws"') });
    return new SecretStoreRef(externalSecretsCrds().ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name);
  }

  private constructor(
    /** `SecretStore` or `ClusterSecretStore`. */
    public readonly kind: ExternalSecretsCrds.ExternalSecretSpecSecretStoreRefKind,
    /** Name of the store. */
    public readonly name: string,
  ) {}
}

/** Object types of Azure Key Vault. */
export enum KeyVaultObjectType {
  /** A secret (`secret/<name>` for ESO, `objectType: secret` for the CSI driver). */
  SECRET = 'secret',
  /** A key (public part only). */
  KEY = 'key',
  /** A certificate (public part; the private key is read as a secret of the same name). */
  CERT = 'cert',
}

/** One value of a remote secret for {@link RemoteSecret.keys}: a key, optionally a JSON property and a version. */
export interface RemoteRef {
  /** The remote key, in the provider's format (a secret name, a path, `secret/<name>` for Azure). */
  readonly key: string;
  /** A property of a JSON value (ESO reads nested properties with a dot path, e.g. `db.password`). @default - the whole value */
  readonly property?: string;
  /** A provider version of the value. @default - the provider's latest */
  readonly version?: string;
}

/** Options of the whole-JSON and property helpers of {@link RemoteSecret}. */
export interface RemoteVersionOptions {
  /** A provider version of the value. @default - the provider's latest */
  readonly version?: string;
}

type Provider = 'generic' | 'aws' | 'azure' | 'gcp' | 'vault';

interface RemoteEntry {
  readonly secretKey: string;
  readonly key: string;
  readonly property?: string;
  readonly version?: string;
}

/** Remote key formats per provider, checked when the ExternalSecret is rendered. */
const REMOTE_KEY: Record<Provider, { readonly re: RegExp; readonly allowed: string; readonly fix: string }> = {
  generic: { re: /^[^\s\u0000-\u001f\u007f]{1,2048}$/, allowed: 'be a remote key of 1-2048 characters without spaces or control characters', fix: 'copy the key as the provider shows it' },
  aws: { re: AWS_SECRET_ID, allowed: 'be an AWS Secrets Manager secret name (1-512 of letters, digits and "/_+=.@-") or a secret ARN', fix: 'copy the name or ARN from Secrets Manager' },
  azure: { re: /^(?:secret|key|cert)\/[0-9a-zA-Z-]{1,127}$/, allowed: 'be an Azure Key Vault object name (1-127 letters, digits and "-")', fix: 'use the name shown in the vault' },
  // https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/create (secretId)
  gcp: { re: /^[A-Za-z0-9_-]{1,255}$/, allowed: 'be a Secret Manager secret id: 1-255 letters, digits, "-" and "_" (the name, not the projects/.../secrets/... resource path: the store names the project)', fix: 'use the secret\'s id as `gcloud secrets list` shows it' },
  // A path below the store's KV mount (`provider.vault.path`), e.g. "team/app".
  vault: { re: /^(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/, allowed: 'be a Vault path below the store\'s KV mount: segments of letters, digits, "_", "." and "-" joined by "/", with no leading or trailing "/" and no "." or ".." segment', fix: 'drop the mount and any "data/" prefix (the SecretStore sets path and KV version), e.g. "team/app"' },
};

/**
 * What an {@link ExternalSecretSource} reads from the provider (an enum-like class).
 *
 * The generic helpers ({@link RemoteSecret.keys}, {@link RemoteSecret.properties},
 * {@link RemoteSecret.json}) work with any External Secrets Operator provider: ESO maps
 * `remoteRef.key` / `property` / `version` onto each provider's own terms. The provider helpers
 * check the key format of one provider (AWS Secrets Manager, Azure Key Vault, GCP Secret Manager,
 * HashiCorp Vault). The store the ExternalSecret names must be of that provider.
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export class RemoteSecret {
  /**
   * Whole remote values, each into one key of the target Secret
   * (`data: [{ secretKey, remoteRef: { key, property?, version? } }]`), for any provider.
   * @param entries target Secret key -> remote key (or `{ key, property, version }`)
   * @see https://external-secrets.io/latest/guides/all-keys-one-secret/
   */
  public static keys(entries: Record<string, string | RemoteRef>): RemoteSecret {
    validateArgs('RemoteSecret.keys', 'RemoteSecret', { entries }, { entries: S.req(S.rec(S.or('a remote key or { key, property?, version? }', S.str(), S.obj('RemoteRef', { key: S.req(S.str(), '"prod/db-password"'), property: S.str(), version: S.str() }))), '{ DB_PASSWORD: "prod/db-password" }') });
    const out = Object.entries(entries).map(([secretKey, ref]) => (typeof ref === 'string' ? { secretKey, key: ref } : { secretKey, key: ref?.key, property: ref?.property, version: ref?.version }));
    return new RemoteSecret('generic', 'keys', out as RemoteEntry[], undefined);
  }

  /**
   * Chosen properties of one remote JSON value, each into a key of the target Secret
   * (`data: [{ secretKey, remoteRef: { key, property } }]`), for any provider.
   * @param key the remote key
   * @param properties target Secret key -> property of the remote JSON value
   */
  public static properties(key: string, properties: Record<string, string>, options: RemoteVersionOptions = {}): RemoteSecret {
    validateArgs('RemoteSecret.properties', 'RemoteSecret', { key, properties, options }, { key: S.req(S.str(), '"prod/db"'), properties: S.req(S.rec(S.str()), '{ DB_PASSWORD: "password" }'), options: S.obj('RemoteVersionOptions', { version: S.str() }) });
    return RemoteSecret.propertiesOf('generic', key, properties, options);
  }

  /**
   * Every key of one remote JSON object becomes a key of the target Secret
   * (`dataFrom: [{ extract: { key, version? } }]`), for any provider. With `envFrom`, each JSON key
   * becomes one environment variable.
   * @param key the remote key
   */
  public static json(key: string, options: RemoteVersionOptions = {}): RemoteSecret {
    validateArgs('RemoteSecret.json', 'RemoteSecret', { key, options }, { key: S.req(S.str(), '"prod/app-env"'), options: S.obj('RemoteVersionOptions', { version: S.str() }) });
    return new RemoteSecret('generic', 'json', [], { key, version: options.version });
  }

  /**
   * Every key of one AWS Secrets Manager secret holding a JSON object becomes a key of the target
   * Secret (`dataFrom: [{ extract: { key } }]`). With `envFrom`, each JSON key becomes one
   * environment variable: the shape of a secret like `suna-env-prod`.
   * @param secretId the secret's name or ARN
   * @see https://external-secrets.io/latest/provider/aws-secrets-manager/
   */
  public static awsSecretsManagerJson(secretId: string): RemoteSecret {
    validateArgs('RemoteSecret.awsSecretsManagerJson', 'RemoteSecret', { secretId }, { secretId: S.req(S.str(), '"app/prod"') });
    return new RemoteSecret('aws', 'json', [], { key: secretId });
  }

  /**
   * Chosen JSON properties of one AWS Secrets Manager secret, each into a key of the target Secret
   * (`data: [{ secretKey, remoteRef: { key, property } }]`).
   * @param secretId the secret's name or ARN
   * @param properties target Secret key -> JSON property of the remote secret
   */
  public static awsSecretsManagerProperties(secretId: string, properties: Record<string, string>): RemoteSecret {
    validateArgs('RemoteSecret.awsSecretsManagerProperties', 'RemoteSecret', { secretId, properties }, { secretId: S.req(S.str(), '"app/prod"'), properties: S.req(S.rec(S.str()), '{ DB_PASSWORD: "db_password" }') });
    return RemoteSecret.propertiesOf('aws', secretId, properties, {});
  }

  /**
   * Azure Key Vault objects, each into a key of the target Secret
   * (`data: [{ secretKey, remoteRef: { key: "<type>/<name>" } }]`).
   * @param objects target Secret key -> Key Vault object name
   * @param type the object type of all of them
   * @see https://external-secrets.io/latest/provider/azure-key-vault/
   */
  public static azureKeyVault(objects: Record<string, string>, type: KeyVaultObjectType = KeyVaultObjectType.SECRET): RemoteSecret {
    validateArgs('RemoteSecret.azureKeyVault', 'RemoteSecret', { objects, type }, { objects: S.req(S.rec(S.str()), '{ DB_PASSWORD: "db-password" }'), type: S.enumOf(enumNames('KeyVaultObjectType', KeyVaultObjectType)) });
    return new RemoteSecret('azure', 'keys', Object.entries(objects).map(([secretKey, name]) => ({ secretKey, key: typeof name === 'string' ? `${type}/${name}` : name })), undefined);
  }

  /**
   * GCP Secret Manager secrets, each into a key of the target Secret
   * (`data: [{ secretKey, remoteRef: { key: "<secret id>", version } }]`). The store
   * (`provider.gcpsm`, with the project and Workload Identity) names the project.
   * @param secrets target Secret key -> Secret Manager secret id
   * @param options `version`: a version number, or "latest" (the default)
   * @see https://external-secrets.io/latest/provider/google-secrets-manager/
   */
  public static gcpSecretManager(secrets: Record<string, string>, options: RemoteVersionOptions = {}): RemoteSecret {
    validateArgs('RemoteSecret.gcpSecretManager', 'RemoteSecret', { secrets, options }, { secrets: S.req(S.rec(S.str()), '{ DB_PASSWORD: "db-password" }'), options: S.obj('RemoteVersionOptions', { version: S.str() }) });
    return new RemoteSecret('gcp', 'keys', Object.entries(secrets).map(([secretKey, key]) => ({ secretKey, key, version: options.version })), undefined);
  }

  /**
   * Every key of one GCP Secret Manager secret holding a JSON object becomes a key of the target
   * Secret (`dataFrom: [{ extract: { key, version } }]`).
   * @param secretId the Secret Manager secret id
   * @see https://external-secrets.io/latest/provider/google-secrets-manager/
   */
  public static gcpSecretManagerJson(secretId: string, options: RemoteVersionOptions = {}): RemoteSecret {
    validateArgs('RemoteSecret.gcpSecretManagerJson', 'RemoteSecret', { secretId, options }, { secretId: S.req(S.str(), '"app-env"'), options: S.obj('RemoteVersionOptions', { version: S.str() }) });
    return new RemoteSecret('gcp', 'json', [], { key: secretId, version: options.version });
  }

  /**
   * Chosen properties of one HashiCorp Vault KV secret, each into a key of the target Secret
   * (`data: [{ secretKey, remoteRef: { key: "<path>", property } }]`). The path is below the
   * store's KV mount (`provider.vault.path` and `version: v2` are set on the SecretStore), e.g.
   * `team/app` for `vault kv get secret/team/app`.
   * @param path the secret's path below the KV mount
   * @param properties target Secret key -> field of the Vault secret
   * @see https://external-secrets.io/latest/provider/hashicorp-vault/
   */
  public static vault(path: string, properties: Record<string, string>, options: RemoteVersionOptions = {}): RemoteSecret {
    validateArgs('RemoteSecret.vault', 'RemoteSecret', { path, properties, options }, { path: S.req(S.str(), '"team/app"'), properties: S.req(S.rec(S.str()), '{ DB_PASSWORD: "password" }'), options: S.obj('RemoteVersionOptions', { version: S.str() }) });
    return RemoteSecret.propertiesOf('vault', path, properties, options);
  }

  /**
   * Every field of one HashiCorp Vault KV secret becomes a key of the target Secret
   * (`dataFrom: [{ extract: { key: "<path>" } }]`).
   * @param path the secret's path below the KV mount, e.g. `team/app`
   * @see https://external-secrets.io/latest/provider/hashicorp-vault/
   */
  public static vaultJson(path: string, options: RemoteVersionOptions = {}): RemoteSecret {
    validateArgs('RemoteSecret.vaultJson', 'RemoteSecret', { path, options }, { path: S.req(S.str(), '"team/app"'), options: S.obj('RemoteVersionOptions', { version: S.str() }) });
    return new RemoteSecret('vault', 'json', [], { key: path, version: options.version });
  }

  private static propertiesOf(provider: Provider, key: string, properties: Record<string, string>, options: RemoteVersionOptions): RemoteSecret {
    return new RemoteSecret(provider, 'properties', Object.entries(properties).map(([secretKey, property]) => ({ secretKey, key, property, version: options.version })), undefined);
  }

  private constructor(
    /** Whose key format applies. @internal */
    public readonly _provider: Provider,
    /** `keys` (whole values), `properties` (of one JSON value) or `json` (every key of one JSON value). @internal */
    public readonly _shape: 'keys' | 'properties' | 'json',
    /** Target key -> remote reference (keys and properties). @internal */
    public readonly _entries: readonly RemoteEntry[],
    /** The remote value to extract (json). @internal */
    public readonly _extract: { readonly key: string; readonly version?: string } | undefined,
  ) {}

  /** @internal */
  public _render(check: Checker, prop: string): { data: ExternalSecretsCrds.ExternalSecretSpecData[]; dataFrom: ExternalSecretsCrds.ExternalSecretSpecDataFrom[] } {
    const format = REMOTE_KEY[this._provider];
    const checkKey = (at: string, key: unknown) => {
      if (typeof key !== 'string' || !format.re.test(key)) check.fail(at, key, format.allowed, format.fix);
    };
    const checkVersion = (at: string, version: unknown) => {
      if (version === undefined) return;
      const ok = typeof version === 'string' && (this._provider === 'gcp' ? /^(?:latest|[1-9][0-9]{0,18})$/.test(version) : /^[^\s\u0000-\u001f\u007f]{1,256}$/.test(version));
      if (!ok) check.fail(at, version, this._provider === 'gcp' ? 'be "latest" or a version number' : 'be a version without spaces (1-256 characters)', this._provider === 'gcp' ? 'pass e.g. "3", or leave it out for the latest' : 'copy the version as the provider shows it, or leave it out for the latest');
    };
    if (this._shape === 'json') {
      const { key, version } = this._extract!;
      checkKey(`${prop}.${this._provider === 'aws' ? 'secretId' : this._provider === 'vault' ? 'path' : this._provider === 'gcp' ? 'secretId' : 'key'}`, key);
      checkVersion(`${prop}.version`, version);
      return { data: [], dataFrom: [{ extract: { key, ...(version !== undefined ? { version } : {}) } }] };
    }
    if (this._shape === 'properties') {
      const key = this._entries[0]?.key;
      if (key !== undefined) checkKey(`${prop}.${this._provider === 'aws' ? 'secretId' : this._provider === 'vault' ? 'path' : 'key'}`, key);
    }
    if (this._entries.length === 0) check.fail(prop, {}, 'map at least one Secret key', 'pass e.g. { DATABASE_URL: "database-url" }');
    const data = this._entries.map(({ secretKey, key, property, version }) => {
      const at = `${prop}["${secretKey}"]`;
      checkSecretKey(check, at, secretKey);
      if (this._shape === 'keys') {
        if (this._provider === 'azure' && typeof key === 'string') {
          if (!format.re.test(key)) check.fail(at, key.replace(/^(?:secret|key|cert)\//, ''), format.allowed, format.fix);
        } else checkKey(this._provider === 'generic' ? `${at}.key` : at, key);
      }
      if (property !== undefined && (typeof property !== 'string' || property.length === 0 || /\s/.test(property))) {
        check.fail(this._shape === 'keys' ? `${at}.property` : at, property, 'be a JSON property of the remote secret (no spaces)', 'use the key as it appears in the secret\'s JSON');
      }
      checkVersion(this._shape === 'keys' && this._provider === 'generic' ? `${at}.version` : `${prop}.version`, version);
      return { secretKey, remoteRef: { key, ...(property !== undefined ? { property } : {}), ...(version !== undefined ? { version } : {}) } };
    });
    return { data, dataFrom: [] };
  }
}

/** Properties of {@link ExternalSecretSource}. */
export interface ExternalSecretSourceProps {
  /** Name of the ExternalSecret and of the Secret it writes. */
  readonly name: string;
  /** Namespace. @default - the Chart's namespace */
  readonly namespace?: string;
  /** The SecretStore or ClusterSecretStore to read through. */
  readonly store: SecretStoreRef;
  /** What to read; several sources are merged into one Secret in order. */
  readonly data: RemoteSecret[];
  /**
   * How often ESO re-reads the provider. Pods read `envFrom` only when they start: roll the
   * Deployment after a rotation.
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
}

/** The shape of {@link ExternalSecretSourceProps}, checked before anything reads the props. @internal */
export const EXTERNAL_SECRET_SOURCE_PROPS = S.obj('ExternalSecretSourceProps', {
  name: S.req(S.str(), '"app-env"'),
  namespace: S.str(),
  store: S.req(S.inst(() => SecretStoreRef, 'a SecretStoreRef', 'use SecretStoreRef.secretStore("name") or SecretStoreRef.clusterSecretStore("name")'), 'SecretStoreRef.clusterSecretStore("aws")'),
  data: S.req(S.arr(S.inst(() => RemoteSecret, 'a RemoteSecret', 'use RemoteSecret.keys({...}), .properties(key, {...}), .json(key), or a provider helper (.awsSecretsManagerJson(id), .azureKeyVault({...}), .gcpSecretManager({...}), .vault(path, {...}))')), '[RemoteSecret.json("app/prod")]'),
  refreshInterval: S.dur(),
});

/** The shape of {@link KeyVaultSecretProviderClassProps}, checked before anything reads the props. @internal */
export const KEY_VAULT_SECRET_PROVIDER_CLASS_PROPS = S.obj('KeyVaultSecretProviderClassProps', {
  name: S.req(S.str(), '"app-kv"'),
  namespace: S.str(),
  keyVaultName: S.req(S.str(), '"my-vault"'),
  tenantId: S.req(S.str(), '"00000000-0000-0000-0000-000000000000"'),
  clientId: S.req(S.str(), '"00000000-0000-0000-0000-000000000000"'),
  serviceAccountName: S.req(S.str(), '"app"'),
  objects: S.req(S.arr(S.obj('KeyVaultObject', { name: S.req(S.str(), '"db-password"'), type: S.enumOf(enumNames('KeyVaultObjectType', KeyVaultObjectType)), alias: S.str(), version: S.str() })), '[{ name: "db-password" }]'),
  sync: S.obj('KeyVaultSecretSync', { secretName: S.req(S.str(), '"app-kv"'), keys: S.req(S.rec(S.str()), '{ DB_PASSWORD: "db-password" }'), type: S.str() }),
});

/**
 * An External Secrets Operator `ExternalSecret` (external-secrets.io/v1): the operator reads the
 * provider and writes a Secret of the same name in the namespace, owned by the ExternalSecret
 * (`creationPolicy: Owner`, so it goes when the ExternalSecret is pruned). No secret value is ever
 * part of the synthesized YAML.
 *
 * Consume it with {@link ExternalSecretSource.envFrom} in a workload's `secrets`.
 *
 * Child: `Resource` (the ExternalSecret).
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export class ExternalSecretSource extends Construct {
  /** The ExternalSecret (escape hatch). */
  public readonly resource: ExternalSecretsCrds.ExternalSecret;
  /** Name of the ExternalSecret. */
  public readonly name: string;
  /** Namespace. */
  public readonly namespace: string;
  /** Name of the Secret the operator writes (the ExternalSecret's name). */
  public readonly secretName: string;
  /** Keys of the target Secret known at synthesis (none for a JSON extract: they live in the provider). */
  public readonly keys: string[];

  constructor(scope: Construct, id: string, props: ExternalSecretSourceProps) {
    super(scope, id);
    const check: Checker = new Checker(this, 'ExternalSecretSource');
    validateProps(this, 'ExternalSecretSource', props, EXTERNAL_SECRET_SOURCE_PROPS);
    const name = (this.name = this.secretName = check.objectName('name', props.name));
    const namespace = (this.namespace = check.namespace('namespace', props.namespace ?? Chart.of(this).namespace));
    if (!(props.store instanceof SecretStoreRef)) check.fail('store', props.store, 'be a SecretStoreRef', 'use SecretStoreRef.clusterSecretStore("...") or SecretStoreRef.secretStore("...")');
    check.objectName('store.name', props.store.name);
    if (props.data.length === 0) check.fail('data', props.data, 'list at least one RemoteSecret', 'add e.g. RemoteSecret.awsSecretsManagerJson("my-app-env")');
    const data: ExternalSecretsCrds.ExternalSecretSpecData[] = [];
    const dataFrom: ExternalSecretsCrds.ExternalSecretSpecDataFrom[] = [];
    const seen = new Map<string, number>();
    props.data.forEach((d, i) => {
      const r = d._render(check, `data[${i}]`);
      for (const e of r.data) {
        if (seen.has(e.secretKey)) check.fail(`data[${i}]["${e.secretKey}"]`, e.secretKey, `be unique (data[${seen.get(e.secretKey)}] already writes it)`, 'rename one of the keys');
        seen.set(e.secretKey, i);
      }
      data.push(...r.data);
      dataFrom.push(...r.dataFrom);
    });
    this.keys = [...seen.keys()];
    const refresh = check.seconds('refreshInterval', props.refreshInterval ?? Duration.hours(1), 0, 30 * 86400, 'use Duration.seconds(0) (read once) up to Duration.days(30)');
    this.resource = new (externalSecretsCrds().ExternalSecret)(this, 'Resource', {
      metadata: { name, namespace },
      spec: {
        refreshInterval: goDuration(refresh),
        secretStoreRef: { kind: props.store.kind, name: props.store.name },
        target: { name, creationPolicy: externalSecretsCrds().ExternalSecretSpecTargetCreationPolicy.OWNER },
        ...(data.length ? { data } : {}),
        ...(dataFrom.length ? { dataFrom } : {}),
      },
    });
  }

  /** Loads every key of the Secret as environment variables (`envFrom: [{ secretRef }]`). */
  public envFrom(): SecretMount {
    return SecretMount._of(`ExternalSecret ${this.name}`, this.namespace, { envFrom: [{ secretRef: { name: this.secretName } }] });
  }
}

/** One Azure Key Vault object a {@link KeyVaultSecretProviderClass} mounts. */
export interface KeyVaultObject {
  /** Object name in the vault. */
  readonly name: string;
  /** Object type. @default KeyVaultObjectType.SECRET */
  readonly type?: KeyVaultObjectType;
  /** File name in the mount. @default - the object name */
  readonly alias?: string;
  /** Object version. @default - the latest */
  readonly version?: string;
}

/** Also sync mounted objects into a Kubernetes Secret (`secretObjects`). */
export interface KeyVaultSecretSync {
  /** Name of the Secret the driver writes. */
  readonly secretName: string;
  /** Secret key -> mounted object (its alias, or its name when it has none). */
  readonly keys: Record<string, string>;
  /** Secret type. @default 'Opaque' */
  readonly type?: string;
}

/** Properties of {@link KeyVaultSecretProviderClass}. */
export interface KeyVaultSecretProviderClassProps {
  /** Name of the SecretProviderClass. */
  readonly name: string;
  /** Namespace (a SecretProviderClass serves pods of its own namespace only). @default - the Chart's namespace */
  readonly namespace?: string;
  /** Key Vault name (`<name>.vault.azure.net`). */
  readonly keyVaultName: string;
  /** Entra tenant id of the vault (a GUID). */
  readonly tenantId: string;
  /**
   * Client id (a GUID) of the user-assigned managed identity or app registration used through
   * workload identity (`usePodIdentity: "false"`, `clientID`). Its federated credential must trust
   * the service account the pods run as.
   */
  readonly clientId: string;
  /**
   * The service account the pods run as: the subject of the identity's federated credential,
   * annotated `azure.workload.identity/client-id`. Workloads mounting this class run as it.
   * Referenced by name; created with the identity set-up.
   */
  readonly serviceAccountName: string;
  /** The objects to mount. */
  readonly objects: KeyVaultObject[];
  /**
   * Also sync objects into a Kubernetes Secret, e.g. to load them with `envFrom`. The driver writes
   * the Secret only while a pod mounts the volume.
   * @default - files in the mount only
   */
  readonly sync?: KeyVaultSecretSync;
}

/**
 * A Secrets Store CSI driver `SecretProviderClass` (secrets-store.csi.x-k8s.io/v1) for the Azure Key
 * Vault provider, in workload-identity mode. Objects appear as files in a CSI volume (the `csi`
 * volume type is allowed by Pod Security "restricted"), and optionally in a synced Secret.
 *
 * Consume it with {@link KeyVaultSecretProviderClass.mount} (files) or
 * {@link KeyVaultSecretProviderClass.envFrom} (the synced Secret as environment variables; the
 * volume is mounted too, because the driver only syncs while a pod mounts it).
 *
 * Child: `Resource` (the SecretProviderClass).
 * @see https://azure.github.io/secrets-store-csi-driver-provider-azure/docs/configurations/identity-access-modes/workload-identity-mode/
 */
export class KeyVaultSecretProviderClass extends Construct {
  /** The SecretProviderClass (escape hatch). */
  public readonly resource: SecretsStoreCrds.SecretProviderClass;
  /** Name of the SecretProviderClass. */
  public readonly name: string;
  /** Namespace. */
  public readonly namespace: string;
  /** Name of the synced Secret, if `sync` is set. */
  public readonly secretName?: string;
  /** The service account pods mounting the class run as. */
  public readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: KeyVaultSecretProviderClassProps) {
    super(scope, id);
    const check: Checker = new Checker(this, 'KeyVaultSecretProviderClass');
    validateProps(this, 'KeyVaultSecretProviderClass', props, KEY_VAULT_SECRET_PROVIDER_CLASS_PROPS);
    const name = (this.name = check.objectName('name', props.name));
    const namespace = (this.namespace = check.namespace('namespace', props.namespace ?? Chart.of(this).namespace));
    if (!AKV_NAME.test(props.keyVaultName)) {
      check.fail('keyVaultName', props.keyVaultName, 'be a Key Vault name: 3-24 letters, digits and "-", starting with a letter, ending with a letter or digit, without "--"', 'use the name of the vault, not its URL');
    }
    if (!GUID.test(props.tenantId)) check.fail('tenantId', props.tenantId, 'be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)', 'copy the Directory (tenant) ID from Entra ID');
    if (!GUID.test(props.clientId)) check.fail('clientId', props.clientId, 'be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)', 'copy the Client ID of the managed identity');
    this.serviceAccountName = check.objectName('serviceAccountName', props.serviceAccountName);
    if (props.objects.length === 0) check.fail('objects', props.objects, 'list at least one Key Vault object', 'add e.g. { name: "db-password" }');
    const files = new Map<string, number>();
    const objects = props.objects.map((o, i) => {
      const at = `objects[${i}]`;
      if (!AKV_OBJECT_NAME.test(o.name)) check.fail(`${at}.name`, o.name, 'be an Azure Key Vault object name (1-127 letters, digits and "-")', 'use the name shown in the vault');
      const type = o.type ?? KeyVaultObjectType.SECRET;
      if (!Object.values(KeyVaultObjectType).includes(type)) check.fail(`${at}.type`, type, 'be KeyVaultObjectType.SECRET, KEY or CERT', 'use the KeyVaultObjectType enum');
      if (o.alias !== undefined && !SECRET_KEY.test(o.alias)) check.fail(`${at}.alias`, o.alias, 'be a file name of letters, digits, "-", "_" and "."', 'use e.g. "db-password"');
      if (o.version !== undefined && !/^[0-9a-fA-F]{32}$/.test(o.version)) check.fail(`${at}.version`, o.version, 'be a Key Vault object version (32 hex digits)', 'copy the version id from the vault, or omit it for the latest');
      const file = o.alias ?? o.name;
      if (files.has(file)) check.fail(`${at}`, file, `mount under a unique file name (objects[${files.get(file)}] already uses "${file}")`, 'set a distinct alias');
      files.set(file, i);
      return [`objectName: ${o.name}`, `objectType: ${type}`, ...(o.alias ? [`objectAlias: ${o.alias}`] : []), ...(o.version ? [`objectVersion: ${o.version}`] : [])];
    });
    // The provider reads `objects` as a YAML string holding `array:`, a list of YAML strings.
    const objectsYaml = ['array:', ...objects.flatMap((lines) => ['  - |', ...lines.map((l) => `    ${l}`)])].join('\n') + '\n';
    let secretObjects;
    if (props.sync) {
      const s = props.sync;
      this.secretName = check.objectName('sync.secretName', s.secretName);
      const entries = Object.entries(s.keys);
      if (entries.length === 0) check.fail('sync.keys', s.keys, 'map at least one Secret key to a mounted object', 'add e.g. { DB_PASSWORD: "db-password" }');
      const data = entries.map(([key, objectName]) => {
        checkSecretKey(check, `sync.keys["${key}"]`, key);
        if (!files.has(objectName)) check.fail(`sync.keys["${key}"]`, objectName, `name a mounted object (${[...files.keys()].join(', ')})`, 'use the object\'s alias, or its name when it has none');
        return { key, objectName };
      });
      secretObjects = [{ secretName: this.secretName, type: s.type ?? 'Opaque', data }];
    }
    this.resource = new (secretsStoreCrds().SecretProviderClass)(this, 'Resource', {
      metadata: { name, namespace },
      spec: {
        provider: 'azure',
        parameters: {
          usePodIdentity: 'false',
          clientID: props.clientId,
          keyvaultName: props.keyVaultName,
          tenantId: props.tenantId,
          objects: objectsYaml,
        },
        ...(secretObjects ? { secretObjects } : {}),
      },
    });
  }

  /**
   * Mounts the objects as files (read-only) at `path`.
   * @param path mount path in the container @default `/mnt/secrets/<name>`
   */
  public mount(path?: string): SecretMount {
    checkMountPath(this, path);
    return SecretMount._of(`SecretProviderClass ${this.name}`, this.namespace, { ...this.volume(path ?? `/mnt/secrets/${this.name}`), serviceAccountName: this.serviceAccountName });
  }

  /**
   * Loads the synced Secret as environment variables, and mounts the volume at `path` (without a pod
   * mounting it, the driver never writes the Secret and the pod would wait for it forever).
   * @param path mount path in the container @default `/mnt/secrets/<name>`
   */
  public envFrom(path?: string): SecretMount {
    checkMountPath(this, path);
    const check: Checker = new Checker(this, 'KeyVaultSecretProviderClass');
    if (!this.secretName) {
      check.fail('sync', undefined, 'be set to load the objects with envFrom (only a synced Secret can be loaded as environment variables)', 'set `sync: { secretName, keys }`, or use mount() and read the files');
    }
    return SecretMount._of(`SecretProviderClass ${this.name}`, this.namespace, {
      ...this.volume(path ?? `/mnt/secrets/${this.name}`),
      serviceAccountName: this.serviceAccountName,
      envFrom: [{ secretRef: { name: this.secretName } }],
    });
  }

  private volume(path: string) {
    const volumeName = `spc-${this.name}`.slice(0, 63).replace(/[^a-z0-9-]/g, '-').replace(/-+$/, '');
    return {
      volumes: [{ name: volumeName, csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: this.name } } }],
      volumeMounts: [{ name: volumeName, mountPath: path, readOnly: true }],
    };
  }
}

/** What a {@link SecretMount} adds to a pod. @internal */
export interface SecretMountParts {
  readonly envFrom?: Array<{ secretRef: { name: string } }>;
  readonly volumes?: Array<{ name: string; csi: Record<string, unknown> }>;
  readonly volumeMounts?: Array<{ name: string; mountPath: string; readOnly: boolean }>;
  readonly serviceAccountName?: string;
}

/**
 * How a workload consumes a secret source: environment variables from a Secret (`envFrom`), or a
 * CSI volume (an enum-like class). Get one from {@link ExternalSecretSource.envFrom},
 * {@link KeyVaultSecretProviderClass.mount} or {@link KeyVaultSecretProviderClass.envFrom}, or
 * reference an existing Secret by name with {@link SecretMount.envFromSecret}.
 */
export class SecretMount {
  /**
   * Loads an existing Secret (created by another operator, e.g. cert-manager) by name only.
   * Its data is never part of this app.
   */
  public static envFromSecret(secretName: string): SecretMount {
    validateArgs('SecretMount.envFromSecret', 'SecretMount', { secretName }, { secretName: S.req(S.str(), '"app-env"') });
    return new SecretMount(`Secret ${secretName}`, undefined, { envFrom: [{ secretRef: { name: secretName } }] });
  }

  /** @internal */
  public static _of(description: string, namespace: string, parts: SecretMountParts): SecretMount {
    return new SecretMount(description, namespace, parts);
  }

  private constructor(
    /** What is mounted, for messages and diagrams. */
    public readonly description: string,
    /** Namespace of the source, if it is declared in this app. @internal */
    public readonly _namespace: string | undefined,
    /** @internal */
    public readonly _parts: SecretMountParts,
  ) {}
}

/** The pod parts of a workload's secret mounts. @internal */
export interface ResolvedSecretMounts {
  readonly envFrom: Array<{ secretRef: { name: string } }>;
  readonly volumes: Array<{ name: string; csi: Record<string, unknown> }>;
  readonly volumeMounts: Array<{ name: string; mountPath: string; readOnly: boolean }>;
  readonly serviceAccountName?: string;
}

/**
 * Checks a workload's secret mounts (same namespace, no repeated Secret, volume or path, one
 * service account) and merges them into pod parts.
 * @param reserved mount paths the workload already uses (e.g. `/tmp`)
 * @internal
 */
export function resolveSecretMounts(check: Checker, prop: string, namespace: string, mounts: SecretMount[] = [], reserved: string[] = []): ResolvedSecretMounts {
  const envFrom: ResolvedSecretMounts['envFrom'] = [];
  const volumes: ResolvedSecretMounts['volumes'] = [];
  const volumeMounts: ResolvedSecretMounts['volumeMounts'] = [];
  let serviceAccountName: string | undefined;
  let saFrom = -1;
  mounts.forEach((m, i) => {
    const at = `${prop}[${i}]`;
    if (!(m instanceof SecretMount)) check.fail(at, m, 'be a SecretMount', 'use source.envFrom(), source.mount() or SecretMount.envFromSecret("...")');
    if (m._namespace !== undefined && m._namespace !== namespace) {
      check.fail(at, m.description, `be in the workload's namespace (${namespace}), not ${m._namespace}: pods can only read Secrets and SecretProviderClasses of their own namespace`, `declare the source in namespace ${namespace}`);
    }
    for (const e of m._parts.envFrom ?? []) {
      check.objectName(`${at}.secretName`, e.secretRef.name);
      if (envFrom.some((x) => x.secretRef.name === e.secretRef.name)) check.fail(at, m.description, `not load Secret ${e.secretRef.name} twice`, 'remove the duplicate');
      envFrom.push(e);
    }
    for (const v of m._parts.volumes ?? []) {
      if (volumes.some((x) => x.name === v.name)) check.fail(at, m.description, `not mount volume ${v.name} twice`, 'remove the duplicate');
      volumes.push(v);
    }
    for (const vm of m._parts.volumeMounts ?? []) {
      if (!vm.mountPath.startsWith('/') || /\s/.test(vm.mountPath)) check.fail(`${at}.path`, vm.mountPath, 'be an absolute path without spaces', 'use e.g. "/mnt/secrets/app"');
      const clash = [...reserved, ...volumeMounts.map((x) => x.mountPath)].find((p) => p === vm.mountPath || vm.mountPath.startsWith(`${p}/`) || p.startsWith(`${vm.mountPath}/`));
      if (clash) check.fail(`${at}.path`, vm.mountPath, `not overlap another mount (${clash})`, 'pick a separate path such as "/mnt/secrets/<name>"');
      volumeMounts.push(vm);
    }
    const sa = m._parts.serviceAccountName;
    if (sa !== undefined) {
      if (serviceAccountName !== undefined && sa !== serviceAccountName) {
        check.fail(at, m.description, `run as the same service account as ${prop}[${saFrom}] (${serviceAccountName}), not ${sa}: a pod has one service account`, 'federate both identities with one service account');
      }
      serviceAccountName = sa;
      saFrom = i;
    }
  });
  return { envFrom, volumes, volumeMounts, ...(serviceAccountName ? { serviceAccountName } : {}) };
}

function checkSecretKey(check: Checker, prop: string, key: string): void {
  if (!SECRET_KEY.test(key) || key.length > 253) check.fail(prop, key, 'be a Secret key: 1-253 letters, digits, "-", "_" and "."', 'rename the key, e.g. "DATABASE_URL"');
}

/** Whole seconds as Go's `time.Duration.String()` (`1h0m0s`, `10m0s`, `30s`), as the API server stores it. @internal */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}


/** A container mount path: absolute, no spaces, no "." or ".." segments, not ":" (Windows-style). */
function checkMountPath(scope: Construct, path: string | undefined): void {
  validateProps(scope, 'KeyVaultSecretProviderClass', { path }, S.obj('mount', { path: S.str() }));
  if (path === undefined) return;
  if (!path.startsWith('/') || path.split('/').some((seg) => seg === '.' || seg === '..') || path.includes(':')) {
    new Checker(scope, 'KeyVaultSecretProviderClass').fail('path', path, 'be an absolute container path without "." or ".." segments or ":", e.g. "/mnt/secrets/app"',
      path.startsWith('/') ? 'remove the "." / ".." segments' : `use "/${path.replace(/^\.?\/*/, '')}"`);
  }
}
