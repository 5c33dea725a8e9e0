// Checks that the API server serves every kind Traefik's Kubernetes providers watch, at the version
// they watch it. A kind that is watched but not served makes the provider wait for its caches
// ("timed out waiting for controller caches to sync") and publish no routes at all.
//   node served-kinds.mjs TRAEFIK_MODULE_DIR        (KUBECTL and KUBECONFIG from the environment)
// The watched kinds are read from the providers' client.go in the module the binary was built from
// (the informers they register), skipping the experimental-channel ones, which stay off here.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const GROUPS = { Traefik: 'traefik.io', Gateway: 'gateway.networking.k8s.io' };
const src = process.argv[2];
if (!process.env.KUBECTL) throw new Error('KUBECTL is not set');
const watched = new Map();
for (const p of ['crd', 'gateway', 'ingress-nginx']) {
  const lines = fs.readFileSync(path.join(src, 'pkg/provider/kubernetes', p, 'client.go'), 'utf8').split('\n');
  lines.forEach((line, i) => {
    const m = /\.(Traefik|Gateway)\(\)\.(V\w+)\(\)\.(\w+)\(\)\.Informer\(\)\.AddEventHandler/.exec(line);
    if (!m) return;
    if (/experimentalChannel/.test(lines[i - 1] ?? '')) return;
    const gv = `${GROUPS[m[1]]}/${m[2].toLowerCase()}`;
    if (!watched.has(gv)) watched.set(gv, new Set());
    watched.get(gv).add(m[3].toLowerCase());
  });
}
if (watched.size === 0) { console.error(`no informers found under ${src}: has Traefik's client.go moved?`); process.exit(1); }
let missing = 0, n = 0;
for (const [gv, kinds] of watched) {
  let served = new Set();
  try {
    const list = JSON.parse(execFileSync(process.env.KUBECTL, ['get', '--raw', `/apis/${gv}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    served = new Set(list.resources.map((r) => r.name));
  } catch (e) {
    // The group version is not served at all (404); anything else is the harness's own problem.
    if (!/NotFound|not found|404/.test(String(e.stderr ?? ''))) throw e;
  }
  for (const k of kinds) {
    n++;
    if (served.has(k)) console.log(`served: ${gv} ${k}`);
    else { missing++; console.log(`NOT SERVED: ${gv} ${k} (watched by Traefik)`); }
  }
}
console.log(`${n - missing} of ${n} kinds Traefik watches are served`);
process.exit(missing ? 1 : 0);
