import { Chart } from 'cdk8s';
import { DependencyPort, ManagedDependency, ManagedDependencyProps, Peer, RealtimeService, checkChart, checkObject } from '../lib';
import { chart, errorOf, find, objects, yaml } from './util';

function postgres(c: Chart, overrides: Partial<ManagedDependencyProps> = {}): ManagedDependency {
  return new ManagedDependency(c, 'Postgres', {
    name: 'postgres',
    externalName: 'myserver.postgres.database.azure.com',
    ports: [DependencyPort.postgres()],
    cidrs: ['10.20.30.0/24'],
    ...overrides,
  });
}

describe('ManagedDependency', () => {
  test('emits an ExternalName Service that aliases the provider host', () => {
    // GIVEN
    const c = chart();
    // WHEN
    const dep = postgres(c);
    // THEN
    expect(dep.service.toJson()).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'postgres', namespace: 'demo' },
      spec: {
        type: 'ExternalName',
        externalName: 'myserver.postgres.database.azure.com',
        ports: [{ name: 'postgres', port: 5432, protocol: 'TCP' }],
      },
    });
    expect(dep.service.node.path).toBe('test/Postgres/Service');
    expect([dep.name, dep.namespace, dep.externalName, dep.cidrs]).toEqual(['postgres', 'demo', 'myserver.postgres.database.azure.com', ['10.20.30.0/24']]);
    expect(checkObject({ path: dep.node.path, json: dep.service.toJson() })).toEqual([]);
  });

  test('egressRule() opens the port(s) to the CIDR(s), since NetworkPolicies cannot select DNS names', () => {
    const dep = postgres(chart(), { cidrs: ['10.20.30.4/32', '10.20.31.0/24'] });
    const rule = dep.egressRule();
    expect(rule.ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
    expect(rule.peers.map((p) => p._json)).toEqual([{ ipBlock: { cidr: '10.20.30.4/32' } }, { ipBlock: { cidr: '10.20.31.0/24' } }]);
    expect(rule.peers.map((p) => p.description)).toEqual(['cidr 10.20.30.4/32', 'cidr 10.20.31.0/24']);
  });

  test('the consumer adds the rule through networkPolicy.allowTo', () => {
    // GIVEN
    const c = chart();
    const db = postgres(c);
    const redis = new ManagedDependency(c, 'Redis', { name: 'redis', externalName: 'media.redis.cache.windows.net', ports: [DependencyPort.azureRedisTls()], cidrs: ['10.20.40.5/32'] });
    // WHEN
    new RealtimeService(c, 'Api', { name: 'api', image: 'ghcr.io/acme/api:1.0.0', http: { port: 8080 }, networkPolicy: { allowTo: [db.egressRule(), redis.egressRule()] } });
    // THEN
    expect(find(c, 'NetworkPolicy', 'api').spec.egress.slice(1)).toEqual([
      { to: [{ ipBlock: { cidr: '10.20.30.0/24' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      { to: [{ ipBlock: { cidr: '10.20.40.5/32' } }], ports: [{ protocol: 'TCP', port: 6380 }] },
    ]);
    // an ExternalName Service selects no pods, so the cross-object rules have nothing to object to
    expect(checkChart(objects(c).map((json) => ({ path: 'test', json })))).toEqual([]);
  });

  test('port presets: Postgres 5432, MySQL 3306, Azure Cache for Redis TLS 6380, Redis 6379, custom', () => {
    const ports = [DependencyPort.postgres(), DependencyPort.mysql(), DependencyPort.azureRedisTls(), DependencyPort.redis(), DependencyPort.tcp('kafka', 9093)];
    expect(ports.map((p) => [p.name, p.port])).toEqual([['postgres', 5432], ['mysql', 3306], ['redis-tls', 6380], ['redis', 6379], ['kafka', 9093]]);
  });

  test('every prop (Required<Props>)', () => {
    const all: Required<ManagedDependencyProps> = {
      name: 'cache', namespace: 'media', externalName: 'media.redis.cache.windows.net', ports: [DependencyPort.azureRedisTls(), DependencyPort.redis()], cidrs: ['10.1.2.0/28'],
    };
    const dep = new ManagedDependency(chart(), 'Cache', all);
    expect(dep.service.toJson().metadata).toEqual({ name: 'cache', namespace: 'media' });
    expect(dep.service.toJson().spec.ports).toEqual([{ name: 'redis-tls', port: 6380, protocol: 'TCP' }, { name: 'redis', port: 6379, protocol: 'TCP' }]);
    expect(dep.egressRule().ports).toEqual([{ protocol: 'TCP', port: 6380 }, { protocol: 'TCP', port: 6379 }]);
  });

  test('YAML snapshot', () => {
    const c = chart();
    postgres(c);
    expect(yaml(c)).toMatchSnapshot();
  });

  test('fails when the external name is an IP address', () => {
    expect(errorOf(() => postgres(chart(), { externalName: '10.20.30.4' }))).toBe(
      '[test/Postgres] ManagedDependency \'externalName\' is "10.20.30.4": must be a DNS host name, not an IP address (Kubernetes would look the digits up as a name). Fix: use the provider\'s host name, e.g. "myserver.postgres.database.azure.com", and put the IP in `cidrs`');
  });

  test.each([
    'postgres://myserver.postgres.database.azure.com',
    'myserver.postgres.database.azure.com:5432',
    'MyServer.postgres.database.azure.com',
    'myserver.postgres.database.azure.com.',
    'postgres',
  ])('fails when the external name is not a bare fully qualified host name: %s', (host) => {
    expect(errorOf(() => postgres(chart(), { externalName: host }))).toBe(
      `[test/Postgres] ManagedDependency 'externalName' is ${JSON.stringify(host)}: must be a fully qualified host name: a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters) with at least one dot, without a scheme, port or trailing dot. Fix: use the bare host name, e.g. "myserver.postgres.database.azure.com"`);
  });

  test('fails when the name is not a valid Service name', () => {
    expect(errorOf(() => postgres(chart(), { name: 'Postgres.DB' }))).toBe(
      '[test/Postgres] ManagedDependency \'name\' is "Postgres.DB": must be a DNS-1035 label (lowercase letters, digits and "-", starting with a letter, ending with a letter or digit, at most 63 characters), because it names a Service. Fix: use a name such as "postgres-db"');
  });

  test('fails when no port is given', () => {
    expect(errorOf(() => postgres(chart(), { ports: [] }))).toBe(
      '[test/Postgres] ManagedDependency \'ports\' is []: must list at least one port. Fix: use e.g. DependencyPort.postgres()');
  });

  test('fails when a port is out of range', () => {
    expect(errorOf(() => postgres(chart(), { ports: [DependencyPort.tcp('custom', 70000)] }))).toBe(
      '[test/Postgres] ManagedDependency \'ports[0].port\' is 70000: must be an integer from 1 to 65535. Fix: pick a port number in range');
  });

  test('fails when a port name is not an IANA service name', () => {
    expect(errorOf(() => postgres(chart(), { ports: [DependencyPort.tcp('PostgreSQL', 5432)] }))).toBe(
      '[test/Postgres] ManagedDependency \'ports[0].name\' is "PostgreSQL": must be an IANA service name: 1-15 characters of lowercase letters, digits and "-", with at least one letter, no "--", not starting or ending with "-". Fix: use a short name such as "postgresql"');
  });

  test('fails when a port is repeated', () => {
    expect(errorOf(() => postgres(chart(), { ports: [DependencyPort.postgres(), DependencyPort.tcp('pg', 5432)] }))).toBe(
      '[test/Postgres] ManagedDependency \'ports[1]\' is "pg:5432": must be unique (ports[0] is postgres:5432). Fix: remove the duplicate');
  });

  test('fails when no CIDR is given', () => {
    expect(errorOf(() => postgres(chart(), { cidrs: [] }))).toBe(
      '[test/Postgres] ManagedDependency \'cidrs\' is []: must list at least one CIDR (NetworkPolicies cannot allow a DNS name). Fix: pass the private endpoint\'s IP as "10.1.2.4/32" or its subnet');
  });

  test('fails when a CIDR is a host name', () => {
    expect(errorOf(() => postgres(chart(), { cidrs: ['myserver.postgres.database.azure.com'] }))).toBe(
      '[test/Postgres] ManagedDependency \'cidrs[0]\' is "myserver.postgres.database.azure.com": must be an IPv4 CIDR such as "10.20.30.0/24" or "10.20.30.4/32". Fix: fix the address or prefix length');
  });

  test('fails when a CIDR has host bits set', () => {
    expect(errorOf(() => postgres(chart(), { cidrs: ['10.20.30.4/24'] }))).toBe(
      '[test/Postgres] ManagedDependency \'cidrs[0]\' is "10.20.30.4/24": must have no host bits set beyond the prefix length. Fix: use the network address of the range, or "10.20.30.4/32" for one address');
  });

  test('fails when a CIDR is wider than a /8', () => {
    expect(errorOf(() => postgres(chart(), { cidrs: ['0.0.0.0/0'] }))).toBe(
      '[test/Postgres] ManagedDependency \'cidrs[0]\' is "0.0.0.0/0": must be at least a /8: a wider range opens the dependency\'s port to most of the internet. Fix: use the private endpoint\'s IP or subnet');
  });

  test('fails when a CIDR is repeated', () => {
    expect(errorOf(() => postgres(chart(), { cidrs: ['10.20.30.0/24', '10.20.30.0/24'] }))).toBe(
      '[test/Postgres] ManagedDependency \'cidrs[1]\' is "10.20.30.0/24": must not be repeated. Fix: remove the duplicate');
  });

  test('a peer built from the rule is checked like any other (Peer.cidr)', () => {
    expect(postgres(chart()).egressRule().peers[0]).toBeInstanceOf(Peer);
  });
});
