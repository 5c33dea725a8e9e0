/**
 * `npx cdk8s-realtime init [dir]`: a consumer project whose own `npm test`, `npx cdk8s-realtime
 * synth` and `npx cdk8s synth` pass after `npm install` (test/package.test.ts proves it with the
 * packed tarball). Versions of cdk8s, constructs and the tools are the ones this package is built
 * and tested with (its own package.json).
 */
import * as fs from 'fs';
import * as path from 'path';
import { RealtimeConfigError } from '../lib';

/** Options of {@link initProject}. */
export interface InitOptions {
  /** npm package name. @default - the folder name, lowercased, other characters as "-" */
  readonly name?: string;
  /** Dependency spec for cdk8s-realtime (a version range, a tarball path). @default - `^<this version>` */
  readonly packageSpec?: string;
}

/** What {@link initProject} wrote. */
export interface InitReport {
  /** Paths relative to the project folder, in the order written. */
  readonly files: string[];
}

interface OwnPackage {
  readonly version: string;
  readonly devDependencies: Record<string, string>;
  readonly allowScripts?: Record<string, boolean>;
}

/** This package's package.json: two folders up from build/cli/, one from cli/ in the repository. */
function ownPackage(): OwnPackage {
  for (const dir of [path.join(__dirname, '..'), path.join(__dirname, '..', '..')]) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name === 'cdk8s-realtime') return pkg;
    }
  }
  throw new Error(`cdk8s-realtime: cannot find the package's own package.json above ${__dirname}`);
}

/** Writes the project files; refuses to overwrite any existing one. */
export function initProject(dir: string, options: InitOptions = {}): InitReport {
  const own = ownPackage();
  const name = options.name ?? (path.basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-._]+|-+$/g, '') || 'realtime-app');
  if (!/^[a-z0-9][a-z0-9._-]{0,213}$/.test(name)) {
    throw new RealtimeConfigError([{ path: dir, subject: 'cdk8s-realtime init', prop: '--name', value: name, allowed: 'be an npm package name: lowercase letters, digits, ".", "_" and "-", starting with a letter or digit', fix: `pass --name ${name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-._]+/, '') || 'realtime-app'}` }]);
  }
  const dev = (dep: string) => {
    const v = own.devDependencies[dep];
    if (!v) throw new Error(`cdk8s-realtime: its package.json has no devDependency ${dep} to pin the project's version to`);
    return v;
  };
  const files = templates({
    name,
    packageSpec: options.packageSpec ?? `^${own.version}`,
    allowScripts: own.allowScripts ?? {},
    versions: Object.fromEntries(['cdk8s', 'constructs', 'cdk8s-cli', 'typescript', 'jest', '@swc/jest', '@types/jest', '@types/node'].map((d) => [d, dev(d)])),
  });
  const existing = Object.keys(files).filter((f) => fs.existsSync(path.join(dir, f)));
  if (existing.length > 0) {
    throw new RealtimeConfigError([{ path: dir, subject: 'cdk8s-realtime init', prop: 'dir', value: dir, allowed: `not hold any of the files init writes (found ${existing.join(', ')})`, fix: 'init into a new or empty folder: `npx cdk8s-realtime init my-app`' }]);
  }
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return { files: Object.keys(files) };
}

interface TemplateInput {
  readonly name: string;
  readonly packageSpec: string;
  /** npm 11's install-script policy, as this package's own (see its README). */
  readonly allowScripts: Record<string, boolean>;
  readonly versions: Record<string, string>;
}

function templates(t: TemplateInput): Record<string, string> {
  const v = t.versions;
  const pkg = {
    name: t.name,
    version: '0.1.0',
    private: true,
    description: 'Kubernetes objects for a realtime service, synthesized into dist/ with cdk8s-realtime',
    scripts: {
      test: 'tsc --noEmit && jest',
    },
    dependencies: {
      'cdk8s': `^${v.cdk8s.replace(/^[\^~]/, '')}`,
      'cdk8s-realtime': t.packageSpec,
      'constructs': `^${v.constructs.replace(/^[\^~]/, '')}`,
    },
    devDependencies: {
      '@swc/jest': v['@swc/jest'],
      '@types/jest': v['@types/jest'],
      '@types/node': v['@types/node'],
      'cdk8s-cli': v['cdk8s-cli'],
      'jest': v.jest,
      'typescript': v.typescript,
    },
    // @swc/core's postinstall only checks for its native binary, and @parcel/watcher's (from
    // cdk8s-cli) builds one from source when none is installed: both binaries come as optional
    // packages, so neither script is needed, and npm 11 stops warning about them.
    allowScripts: t.allowScripts,
    jest: {
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
    },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'commonjs',
      lib: ['ES2022'],
      types: ['node', 'jest'],
      strict: true,
      noEmit: true,
      esModuleInterop: true,
      skipLibCheck: true,
      forceConsistentCasingInFileNames: true,
    },
    include: ['main.ts', 'test/**/*.ts'],
  };
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    'cdk8s.yaml': CDK8S_YAML,
    'main.ts': MAIN_TS,
    'test/main.test.ts': TEST_TS,
    '.gitignore': 'node_modules/\n.cdk8s.out/\ncoverage/\n',
    '.github/workflows/kubernetes.yml': CI_YML,
    'README.md': README_MD(t.name),
  };
}

const CDK8S_YAML = `# \`cdk8s synth\` runs the same synthesis as \`npx cdk8s-realtime synth\`: it writes dist/ (the folder
# you commit and apply) and copies it into \`output\`, the throwaway folder cdk8s-cli lists and its
# validation plugins read. cdk8s-cli checks the npm registry for a newer version of itself first;
# CDK8S_CHECK_UPGRADE=false (or --no-check-upgrade) turns that off.
language: typescript
app: npx cdk8s-realtime synth
output: .cdk8s.out
imports: []
`;

export const MAIN_TS = `// What \`npx cdk8s-realtime synth\` writes to dist/: every AppSpec in \`apps\` becomes
// dist/<app>/<cluster>/<env>/, one YAML file per object. Review a change with
// \`npx cdk8s-realtime diff\` before committing; CI runs \`npx cdk8s-realtime check\`.
import { Duration } from 'cdk8s';
import { ClusterProvider, Fleet, NamespaceIsolation, OwnedNamespace, RealtimeService, Route, UdpRouting } from 'cdk8s-realtime';

/** The clusters and their environments; each cluster's provider picks its UDP LoadBalancer preset. */
export const fleet = new Fleet({
  clusters: [
    { name: 'eu-west', envs: ['staging', 'prod'], provider: ClusterProvider.aks() },
    { name: 'us-east', envs: ['prod'], provider: ClusterProvider.gke() },
  ],
});

export const apps = [
  fleet.app({
    name: 'game',
    source: 'main.ts',
    // One namespace per environment: two environments on one cluster must not share objects.
    namespace: (target) => \`game-\${target.env}\`,
    define: (chart, target) => {
      // The app owns its namespace: the Namespace object (Pod Security "restricted") is in each folder,
      // so the folder applies to an empty cluster on its own.
      new OwnedNamespace(chart, 'Namespace');
      // Deny all traffic in the namespace except what each workload's own policy allows.
      new NamespaceIsolation(chart, 'Isolation');
      new RealtimeService(chart, 'Server', {
        name: 'game-server',
        image: 'ghcr.io/example/game-server:1.0.0',
        http: { port: 8080 },
        websocket: { port: 8081 },
        udp: { port: 7777, preset: target.loadBalancer, routing: UdpRouting.clientIpAffinity() },
        replicas: target.env === 'prod' ? 3 : 2,
        routes: {
          controller: target.ingress,
          hosts: [\`game-\${target.env}.\${target.cluster}.example.com\`],
          routes: [Route.http('/'), Route.websocket('/ws', { idleTimeout: Duration.hours(1) })],
        },
      });
    },
  }),
];
`;

const TEST_TS = `import { synthesize } from 'cdk8s-realtime';
import { apps } from '../main';

const files = synthesize(apps).files;

test('the synthesized files match the snapshot (review a change with \`npx cdk8s-realtime diff\`)', () => {
  expect(Object.fromEntries(files)).toMatchSnapshot();
});

test('the WebSocket route holds a quiet connection for its idle timeout (one hour)', () => {
  const ws = files.get('game/eu-west/prod/game-prod.ingress.game-server-ws.yaml');
  expect(ws).toContain('nginx.ingress.kubernetes.io/proxy-read-timeout: "3600"');
});
`;

const CI_YML = `# Keeps dist/ honest: the tests pass and the committed dist/ is exactly what a synth writes.
name: kubernetes
on: [push, pull_request]
jobs:
  dist:
    runs-on: ubuntu-latest
    env:
      CDK8S_CHECK_UPGRADE: "false"
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - run: npm test -- --ci
      - run: npx cdk8s-realtime check
`;

const README_MD = (name: string) => `# ${name}

Kubernetes objects for a realtime service (HTTP + WebSocket + UDP), declared in \`main.ts\` with
[cdk8s-realtime](https://www.npmjs.com/package/cdk8s-realtime) and synthesized into \`dist/\`.

\`\`\`bash
npm install                    # commit package-lock.json
npx cdk8s-realtime synth       # writes dist/<app>/<cluster>/<env>/*.yaml; commit dist/
npx cdk8s-realtime diff        # what a synth would change in dist/, as a unified diff
npx cdk8s-realtime check       # exit 1 when dist/ is stale (CI)
npm test                       # type-check and the snapshot test (npx jest -u after reviewing a change)
kubectl apply --server-side --field-manager=cdk8s-realtime -f dist/game/eu-west/prod/
\`\`\`

\`npx cdk8s synth\` works too: it writes the same dist/ and a copy in .cdk8s.out/.
`;
