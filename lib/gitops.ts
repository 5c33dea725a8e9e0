import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Checker } from './private/checks';
import { AppSpec, Target } from './synth/synthesizer';
import { S, validateArgs, validateProps } from './private/validate';

// Argo CD Applications are emitted as plain `ApiObject`s typed by the small hand-written
// interfaces below rather than by `cdk8s import` bindings of the argoproj.io group:
//  - tools/import.sh imports every CRD file of a group, and argoproj.io ships Application,
//    ApplicationSet and AppProject (~31,000 lines of CRD; the Application alone generates ~5,900
//    lines of TypeScript), which would land in imports/ and, through tsconfig.build.json, in the
//    published package, for the ~15 fields written here;
//  - the generated classes map camelCase props through their own `toJson_*` mappers, which drop
//    nothing here but would hide the JSON shape the reviewer sees in dist/;
//  - the synthesizer cannot schema-check custom resources anyway (lib/synth/schema.ts knows core
//    kinds only); the construct checks its inputs at the point of input, the core rules
//    (lib/synth/rules.ts) check the metadata, and test/cluster applies the objects to a real API
//    server with the upstream CRD installed.

/** The annotation Argo CD orders a sync by (lower waves are applied, and must be healthy, first). */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/**
 * Default sync waves by kind: Namespaces and CustomResourceDefinitions go first, so the objects
 * that live in them, or are instances of them, never race them.
 */
export const DEFAULT_SYNC_WAVES: Readonly<Record<string, number>> = { Namespace: -2, CustomResourceDefinition: -2 };

/**
 * Tags an object, or every object under a construct, with an Argo CD sync wave
 * (`argocd.argoproj.io/sync-wave`).
 *
 * Within a wave Argo CD already orders by kind (Namespaces, then CRDs, then the rest); waves are
 * for orderings it cannot know, e.g. a custom resource after the operator that serves it.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
 */
export function setSyncWave(scope: IConstruct, wave: number): void {
  const check = new Checker(scope, 'SyncWave');
  if (!Number.isInteger(wave) || Math.abs(wave) > 1000) check.fail('wave', wave, 'be a whole number from -1000 to 1000', 'pass e.g. -1 to apply before the default wave 0');
  for (const o of apiObjects(scope)) o.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(wave));
}

/**
 * Tags the objects under a construct (usually a Chart) with a sync wave by kind; objects of
 * other kinds, and objects that already carry a wave, are left alone. Call it last in `define`,
 * after every object exists.
 * @param waves wave per kind. @default DEFAULT_SYNC_WAVES
 * @returns how many objects were tagged
 */
export function applySyncWaves(scope: IConstruct, waves: Readonly<Record<string, number>> = DEFAULT_SYNC_WAVES): number {
  let tagged = 0;
  for (const o of apiObjects(scope)) {
    const wave = waves[o.kind];
    if (wave === undefined || o.metadata.toJson().annotations?.[SYNC_WAVE_ANNOTATION] !== undefined) continue;
    setSyncWave(o, wave);
    tagged++;
  }
  return tagged;
}

function apiObjects(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}

/** The cluster an Application deploys to (an enum-like class). */
export class ArgoCdCluster {
  /** A cluster registered in Argo CD under this name (`argocd cluster add --name`). */
  public static named(name: string): ArgoCdCluster {
    validateArgs('ArgoCdCluster.named', 'ArgoCdCluster', { name }, { name: S.req(S.str('name', 'us-central'), '"us-central"') });
    return new ArgoCdCluster({ name }, name);
  }

  /** A cluster by API server URL. */
  public static server(url: string): ArgoCdCluster {
    validateArgs('ArgoCdCluster.server', 'ArgoCdCluster', { url }, { url: S.req(S.str('url', 'https://kubernetes.default.svc'), '"https://kubernetes.default.svc"') });
    return new ArgoCdCluster({ server: url }, url);
  }

  /** The cluster Argo CD itself runs in (`https://kubernetes.default.svc`). */
  public static inCluster(): ArgoCdCluster {
    return ArgoCdCluster.server('https://kubernetes.default.svc');
  }

  private constructor(
    /** `spec.destination` without the namespace. @internal */
    public readonly _json: { name?: string; server?: string },
    /** The name or URL, for messages and diagrams. */
    public readonly description: string,
  ) {}
}

/** `spec.source` of an Application (a directory source; the fields this library writes). */
export interface ArgoCdDirectorySource {
  readonly repoURL: string;
  readonly targetRevision: string;
  readonly path: string;
  readonly directory: { readonly recurse: boolean; readonly include: string };
}

/** `spec.syncPolicy` of an Application (the fields this library writes). */
export interface ArgoCdSyncPolicy {
  readonly automated: { readonly prune: boolean; readonly selfHeal: boolean };
  readonly syncOptions: string[];
  readonly retry: { readonly limit: number; readonly backoff: { readonly duration: string; readonly factor: number; readonly maxDuration: string } };
}

/**
 * The `argoproj.io/v1alpha1` Application object, as written (hand-typed: the fields written
 * here, rather than ~31,000 lines of generated CRD bindings).
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#applications
 */
export interface ArgoCdApplicationObject {
  readonly apiVersion: 'argoproj.io/v1alpha1';
  readonly kind: 'Application';
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec: {
    readonly project: string;
    readonly source: ArgoCdDirectorySource;
    readonly destination: { readonly name?: string; readonly server?: string; readonly namespace?: string };
    readonly syncPolicy: ArgoCdSyncPolicy;
  };
}

/** Properties of {@link ArgoCdApplication}. */
export interface ArgoCdApplicationProps {
  /** Application name: a DNS-1123 label (Argo CD also uses it as a label value, at most 63 characters). */
  readonly name: string;
  /** Namespace Argo CD runs in. @default - the Chart's namespace */
  readonly namespace?: string;
  /** The Argo CD project. @default 'default' */
  readonly project?: string;
  /** Git repository holding dist/, e.g. `https://git.example.com/platform/realtime.git`. */
  readonly repoURL: string;
  /** Branch, tag or commit to sync, e.g. `main`. */
  readonly targetRevision: string;
  /** Folder of the repository with the YAML files, e.g. `dist/mentra-cloud/us-central/prod`. */
  readonly path: string;
  /** The cluster to deploy to. */
  readonly destination: ArgoCdCluster;
  /**
   * Namespace for objects that carry none. Every object this library writes names its namespace.
   * @default - none
   */
  readonly destinationNamespace?: string;
  /**
   * Delete live objects whose files are gone. The synthesizer deletes the files of objects that
   * are no longer generated; with `prune` Argo CD then deletes the objects.
   * @default true
   */
  readonly prune?: boolean;
  /** Revert changes made to live objects outside git. @default true */
  readonly selfHeal?: boolean;
  /** Sync wave of the Application itself, when an app-of-apps syncs it. @default - none (wave 0) */
  readonly syncWave?: number;
  /** Labels. @default - none */
  readonly labels?: Record<string, string>;
}

/** The shape of {@link ArgoCdApplicationProps}, checked before anything reads the props. @internal */
export const ARGO_CD_APPLICATION_PROPS = S.obj('ArgoCdApplicationProps', {
  name: S.req(S.str(), '"my-app-prod"'),
  namespace: S.str(),
  project: S.str(),
  repoURL: S.req(S.str(), '"https://git.example.com/platform/realtime.git"'),
  targetRevision: S.req(S.str(), '"main"'),
  path: S.req(S.str(), '"dist/my-app/prod"'),
  destination: S.req(S.inst(() => ArgoCdCluster, 'an ArgoCdCluster', 'use ArgoCdCluster.named("name"), ArgoCdCluster.server("https://...") or ArgoCdCluster.inCluster()'), 'ArgoCdCluster.inCluster()'),
  destinationNamespace: S.str(),
  prune: S.bool(),
  selfHeal: S.bool(),
  syncWave: S.int(),
  labels: S.rec(S.str()),
});

/**
 * An Argo CD Application that syncs one folder of dist/ (a directory source of `*.yaml`,
 * non-recursive) with automated prune and self-heal, server-side apply, and retries.
 *
 * Sync options written: `ServerSideApply=true` (field ownership per manager, as with
 * `kubectl apply --server-side`: fields other controllers own are left alone), `PruneLast=true`
 * (stale objects go after the new ones are healthy) and `FailOnSharedResource=true` (a sync fails
 * instead of taking over an object another Application tracks).
 *
 * Resource tracking is not an Application field: set `application.resourceTrackingMethod:
 * annotation` in the `argocd-cm` ConfigMap (the default since Argo CD 3.0). Label tracking would
 * write `app.kubernetes.io/instance`, the label Helm and Porter use, onto our objects.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/resource_tracking/
 */
export class ArgoCdApplication extends Construct {
  /** The Application object (escape hatch). */
  public readonly resource: ApiObject;
  /** The Application name. */
  public readonly name: string;
  /** The JSON written, typed. */
  public readonly object: ArgoCdApplicationObject;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    const check = new Checker(this, 'ArgoCdApplication');
    validateProps(this, 'ArgoCdApplication', props, ARGO_CD_APPLICATION_PROPS);
    const name = (this.name = props.name);
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
      check.fail('name', name, 'be a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters): Argo CD uses the Application name as a label value', 'shorten the app, cluster or env name');
    }
    const namespace = check.namespace('namespace', props.namespace ?? Chart.of(this).namespace);
    const project = check.objectName('project', props.project ?? 'default');
    if (!/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/.test(props.repoURL)) {
      check.fail('repoURL', props.repoURL, 'be an https://, ssh:// or git@ Git URL without spaces', 'use e.g. "https://git.example.com/platform/realtime.git"');
    }
    if (!/^[^\s~^:?*[\\]+$/.test(props.targetRevision)) check.fail('targetRevision', props.targetRevision, 'be a branch, tag or commit (no spaces or ~^:?*[\\)', 'use e.g. "main"');
    const path = props.path.replace(/\/+$/, '');
    if (path === '' || path.startsWith('/') || path.split('/').some((s) => s === '..' || s === '.' || s === '')) {
      check.fail('path', props.path, 'be a relative folder of the repository without "." or ".." segments', 'use e.g. "dist/mentra-cloud/us-central/prod"');
    }
    if (props.destinationNamespace !== undefined) check.namespace('destinationNamespace', props.destinationNamespace);
    const labels = check.labels('labels', props.labels);
    const annotations: Record<string, string> = {};
    if (props.syncWave !== undefined) {
      if (!Number.isInteger(props.syncWave) || Math.abs(props.syncWave) > 1000) check.fail('syncWave', props.syncWave, 'be a whole number from -1000 to 1000', 'pass e.g. -1');
      annotations[SYNC_WAVE_ANNOTATION] = String(props.syncWave);
    }
    this.object = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name,
        namespace,
        ...(Object.keys(labels).length ? { labels } : {}),
        ...(Object.keys(annotations).length ? { annotations } : {}),
      },
      spec: {
        project,
        source: { repoURL: props.repoURL, targetRevision: props.targetRevision, path, directory: { recurse: false, include: '*.yaml' } },
        destination: { ...props.destination._json, ...(props.destinationNamespace ? { namespace: props.destinationNamespace } : {}) },
        syncPolicy: {
          automated: { prune: props.prune ?? true, selfHeal: props.selfHeal ?? true },
          syncOptions: ['ServerSideApply=true', 'PruneLast=true', 'FailOnSharedResource=true'],
          retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
        },
      },
    };
    this.resource = new ApiObject(this, 'Resource', this.object);
  }
}

/** Properties of {@link argoCdApps}. */
export interface ArgoCdAppsProps {
  /** Folder under dist/ for the Applications. @default 'argocd' */
  readonly name?: string;
  /** Source file, for the header of generated files, e.g. `main.ts`. */
  readonly source: string;
  /** The apps to deploy: one Application per app and target (or per app without targets). */
  readonly apps: AppSpec[];
  /** Git repository holding dist/. */
  readonly repoURL: string;
  /** Branch, tag or commit to sync. */
  readonly targetRevision: string;
  /** Folder of dist/ inside the repository. @default 'dist' */
  readonly distPath?: string;
  /** Namespace Argo CD runs in. @default 'argocd' */
  readonly namespace?: string;
  /** The Argo CD project. @default 'default' */
  readonly project?: string;
  /**
   * The cluster of an app and target.
   * @default - ArgoCdCluster.named(target.cluster), or ArgoCdCluster.inCluster() for apps without targets
   */
  readonly destination?: (app: AppSpec, target?: Target) => ArgoCdCluster;
  /**
   * Also emit a root Application of this name ("app of apps") that syncs the Applications' own
   * folder, so that an Application whose app or target is removed is pruned too. It is then the
   * only object applied by hand (`kubectl apply -f dist/<name>/<namespace>.application.<root>.yaml`).
   * @default - no root Application
   */
  readonly root?: string;
}

/** The shape of {@link ArgoCdAppsProps}. @internal */
export const ARGO_CD_APPS_PROPS = S.obj('ArgoCdAppsProps', {
  name: S.str(),
  source: S.req(S.str(), '"apps/argocd.ts"'),
  apps: S.req(S.arr(S.open('AppSpec', { name: S.req(S.str(), '"my-app"'), source: S.req(S.str(), '"apps/my-app.ts"'), define: S.req(S.fn(), '(chart, target) => { ... }') }), '[myApp]'), '[myApp]'),
  repoURL: S.req(S.str(), '"https://git.example.com/platform/realtime.git"'),
  targetRevision: S.req(S.str(), '"main"'),
  distPath: S.str(),
  namespace: S.str(),
  project: S.str(),
  destination: S.fn(),
  root: S.str(),
});

/**
 * An {@link AppSpec} that writes one Argo CD Application per app and target into
 * `dist/<name>/` (e.g. `dist/argocd/argocd.application.mentra-cloud-us-central-prod.yaml`), each
 * pointing at the folder the synthesizer writes for that target.
 *
 * Plain Applications rather than one ApplicationSet per app: every Application is a reviewable
 * file in dist/ (no templating evaluated by a controller), the synthesizer checks every name and
 * path, no ApplicationSet controller is needed, and removing a target cannot make a generator
 * delete a running environment behind the reviewer's back.
 */
export function argoCdApps(props: ArgoCdAppsProps): AppSpec {
  validateProps('argoCdApps', 'argoCdApps', props, ARGO_CD_APPS_PROPS);
  const folder = props.name ?? 'argocd';
  const dist = (props.distPath ?? 'dist').replace(/\/+$/, '');
  const destination = props.destination ?? ((_app: AppSpec, target?: Target) => (target ? ArgoCdCluster.named(target.cluster) : ArgoCdCluster.inCluster()));
  return {
    name: folder,
    source: props.source,
    namespace: props.namespace ?? 'argocd',
    // Argo CD's installation creates its namespace; the Applications live in it.
    externalNamespaces: [{ name: props.namespace ?? 'argocd', owner: 'Argo CD (its installation creates it)' }],
    define: (chart) => {
      const common = { project: props.project, repoURL: props.repoURL, targetRevision: props.targetRevision };
      for (const app of props.apps) {
        for (const target of app.targets ?? [undefined]) {
          const name = target ? `${app.name}-${target.cluster}-${target.env}` : app.name;
          new ArgoCdApplication(chart, name, {
            ...common,
            name,
            path: target ? `${dist}/${app.name}/${target.cluster}/${target.env}` : `${dist}/${app.name}`,
            destination: destination(app, target),
            labels: { 'app.kubernetes.io/part-of': app.name },
          });
        }
      }
      if (props.root) {
        new ArgoCdApplication(chart, props.root, { ...common, name: props.root, path: `${dist}/${folder}`, destination: ArgoCdCluster.inCluster() });
      }
    },
  };
}
