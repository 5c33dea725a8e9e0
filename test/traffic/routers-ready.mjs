// Exits 0 once Traefik (its API on 127.0.0.1:9000) has a router for every route object the harness
// applied: each IngressRoute (kubernetesCRD), HTTPRoute (kubernetesGateway) and Ingress
// (kubernetesIngressNGINX) of the variants and of harness-objects.json; otherwise prints what is
// missing and exits 1. Router names as Traefik v3.7 builds them (see its rawdata).
//   node routers-ready.mjs STATE_DIR
import fs from 'node:fs';
import path from 'node:path';

const S = process.argv[2];
const V = path.join(S, 'variants');
const objects = JSON.parse(fs.readFileSync(path.join(S, 'harness-objects.json'), 'utf8')).items;
for (const dir of Object.values(JSON.parse(fs.readFileSync(path.join(V, 'applied.json'), 'utf8')))) {
  for (const f of fs.readdirSync(path.join(V, 'dist', dir)).filter((n) => n.endsWith('.yaml'))) {
    const text = fs.readFileSync(path.join(V, 'dist', dir, f), 'utf8');
    const kind = /^kind: (\S+)$/m.exec(text)?.[1];
    const name = /^  name: (\S+)$/m.exec(text)?.[1];
    const namespace = /^  namespace: (\S+)$/m.exec(text)?.[1];
    objects.push({ kind, metadata: { name, namespace } });
  }
}
const want = objects.flatMap(({ kind, metadata: { name, namespace } }) => {
  if (kind === 'IngressRoute') return [[`IngressRoute ${namespace}/${name}`, new RegExp(`^${namespace}-${name}-[0-9a-f]+@kubernetescrd$`)]];
  if (kind === 'HTTPRoute') return [[`HTTPRoute ${namespace}/${name}`, new RegExp(`^httproute-${namespace}-${name}-gw-.*@kubernetesgateway$`)]];
  if (kind === 'Ingress') return [[`Ingress ${namespace}/${name}`, new RegExp(`^${namespace}-${name}-rule-.*@kubernetesingressnginx$`)]];
  return [];
});
let routers = [];
try {
  const res = await fetch('http://127.0.0.1:9000/api/rawdata');
  routers = Object.keys((await res.json()).routers ?? {});
} catch { /* not up yet */ }
const missing = want.filter(([, re]) => !routers.some((r) => re.test(r))).map(([what]) => what);
if (missing.length) { console.log(`no router yet for ${missing.join(', ')}`); process.exit(1); }
console.log(`${want.length} route objects have their routers`);
