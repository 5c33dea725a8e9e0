import { App, Chart } from 'cdk8s';
import { NamespaceIsolation, toYaml } from '../lib';
import { errorOf } from './util';

const chart = (namespace?: string) => new Chart(new App(), 'test', namespace ? { namespace } : {});
describe('NamespaceIsolation', () => {
  test('emits a default-deny NetworkPolicy: every pod, Ingress and Egress, no rules', () => {
    // GIVEN
    const c = chart('demo');
    // WHEN
    const iso = new NamespaceIsolation(c, 'Isolation');
    // THEN
    expect(toYaml(iso.resource.toJson())).toBe([
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      '  name: default-deny',
      '  namespace: demo',
      'spec:',
      '  podSelector: {}',
      '  policyTypes:',
      '    - Ingress',
      '    - Egress',
      '',
    ].join('\n'));
    expect(iso.node.path).toBe('test/Isolation');
    expect(iso.resource.node.id).toBe('Resource');
    expect([iso.namespace, iso.name]).toEqual(['demo', 'default-deny']);
  });

  test('takes a namespace, a name and labels', () => {
    const iso = new NamespaceIsolation(chart(), 'Isolation', { namespace: 'media', name: 'deny-all', labels: { 'app.kubernetes.io/part-of': 'media' } });
    expect(iso.resource.toJson().metadata).toEqual({ name: 'deny-all', namespace: 'media', labels: { 'app.kubernetes.io/part-of': 'media' } });
  });

  test('fails when no namespace is given on the construct or the Chart', () => {
    expect(errorOf(() => new NamespaceIsolation(chart(), 'Isolation'))).toBe(
      '[test/Isolation] NamespaceIsolation \'namespace\' is not set: must be set on the construct or on its Chart (an implicit namespace is refused). Fix: pass `namespace` in the props or create the Chart with `{ namespace: "..." }`');
  });

  test('fails when the namespace is not a DNS-1123 label', () => {
    expect(errorOf(() => new NamespaceIsolation(chart(), 'Isolation', { namespace: 'Media_NS' }))).toBe(
      '[test/Isolation] NamespaceIsolation \'namespace\' is "Media_NS": must be a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters). Fix: use "media-ns"');
  });

  test.each(['kube-system', 'kube-public', 'kube-node-lease'])('fails when the namespace is the system namespace %s', (ns) => {
    expect(errorOf(() => new NamespaceIsolation(chart(ns), 'Isolation'))).toBe(
      `[test/Isolation] NamespaceIsolation 'namespace' is "${ns}": must not be a Kubernetes system namespace (kube-system, kube-public, kube-node-lease): a default-deny policy there cuts the cluster DNS and controllers off. Fix: isolate only the namespaces your workloads run in`);
  });

  test('fails when the name is not a DNS-1123 subdomain', () => {
    expect(errorOf(() => new NamespaceIsolation(chart('demo'), 'Isolation', { name: 'Deny All' }))).toBe(
      '[test/Isolation] NamespaceIsolation \'name\' is "Deny All": must be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters). Fix: use a name such as "deny-all"');
  });

  test('fails when a label value is invalid', () => {
    expect(errorOf(() => new NamespaceIsolation(chart('demo'), 'Isolation', { labels: { team: 'a b' } }))).toBe(
      '[test/Isolation] NamespaceIsolation \'labels["team"]\' is "a b": must be a label value: at most 63 characters of letters, digits, "-", "_", ".", starting and ending with a letter or digit. Fix: shorten or clean the value');
  });
});
