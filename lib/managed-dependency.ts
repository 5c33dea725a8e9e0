import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Peer, PolicyRule } from './network-policy';
import { Checker } from './private/checks';
import { hasNumericTld, isDns1123Subdomain, isIpAddress, parseCidr } from './private/k8s-names';
import { S, validateArgs, validateProps } from './private/validate';

/**
 * The port of a managed dependency (an enum-like class). Each gives the Service port's name and
 * number, and the TCP port the egress rule opens.
 */
export class DependencyPort {
  /** PostgreSQL (Azure Database for PostgreSQL, Amazon RDS/Aurora PostgreSQL): TCP 5432. */
  public static postgres(): DependencyPort {
    return new DependencyPort('postgres', 5432);
  }

  /** MySQL (Azure Database for MySQL, Amazon RDS MySQL): TCP 3306. */
  public static mysql(): DependencyPort {
    return new DependencyPort('mysql', 3306);
  }

  /** Azure Cache for Redis over TLS: TCP 6380 (the non-TLS port 6379 is disabled by default). */
  public static azureRedisTls(): DependencyPort {
    return new DependencyPort('redis-tls', 6380);
  }

  /** Redis without TLS, or Amazon ElastiCache (TLS on the same port): TCP 6379. */
  public static redis(): DependencyPort {
    return new DependencyPort('redis', 6379);
  }

  /** Any other TCP port, with an IANA port name (at most 15 characters). */
  public static tcp(name: string, port: number): DependencyPort {
    validateArgs('DependencyPort.tcp', 'DependencyPort', { name, port }, { name: S.req(S.str(), '"amqp"'), port: S.req(S.int(), '5672') });
    return new DependencyPort(name, port);
  }

  private constructor(
    /** Port name on the Service. */
    public readonly name: string,
    /** Port number. */
    public readonly port: number,
  ) {}
}

/** Properties of {@link ManagedDependency}. */
export interface ManagedDependencyProps {
  /** Name of the ExternalName Service: the in-cluster name workloads connect to (e.g. `postgres`). */
  readonly name: string;
  /** Namespace. @default - the Chart's namespace */
  readonly namespace?: string;
  /** The provider's host name, e.g. `myserver.postgres.database.azure.com` (a DNS name, never an IP address). */
  readonly externalName: string;
  /** The port(s) the dependency listens on. */
  readonly ports: DependencyPort[];
  /**
   * The addresses the host name resolves to from inside the cluster, as IPv4 CIDRs: the private
   * endpoint's IP (`/32`) or the subnet it lives in (or the VNet-injected server's delegated
   * subnet). NetworkPolicies match IP blocks, never DNS names, so this is what the egress rule opens.
   */
  readonly cidrs: string[];
}

/** The shape of {@link ManagedDependencyProps}, checked before anything reads the props. @internal */
export const MANAGED_DEPENDENCY_PROPS = S.obj('ManagedDependencyProps', {
  name: S.req(S.str(), '"postgres"'),
  namespace: S.str(),
  externalName: S.req(S.str(), '"myserver.postgres.database.azure.com"'),
  ports: S.req(S.arr(S.inst(() => DependencyPort, 'a DependencyPort', 'use DependencyPort.postgres(), .mysql(), .redis(), .azureRedisTls() or .tcp(name, port)')), '[DependencyPort.postgres()]'),
  cidrs: S.req(S.arr(S.str(), '["10.20.0.0/24"]'), '["10.20.0.0/24"]'),
});

/**
 * A managed service outside the cluster (a cloud database or cache), reachable under an
 * in-cluster name: an `ExternalName` Service (`postgres` -> `myserver.postgres.database.azure.com`)
 * plus the egress rule its consumers need.
 *
 * NetworkPolicy peers are pod selectors, namespace selectors and `ipBlock` CIDRs only: there is
 * no DNS-name peer in `networking.k8s.io/v1` (name-based egress is a CNI extension, e.g. Cilium's
 * `toFQDNs`), and an ExternalName Service has no endpoints a policy could select. So the rule
 * opens the provider's private endpoint CIDR and port; pass `egressRule()` to the consumer's
 * `networkPolicy.allowTo`.
 *
 * TLS note: the Service name is a DNS alias (CNAME). Clients that verify the server's certificate
 * (`sslmode=verify-full`, Redis TLS) must still send the provider's host name, which the
 * certificate carries: use `externalName` as the TLS server name, or connect to it directly and
 * keep the Service for discovery only.
 *
 * Child: `Service` (the ExternalName Service).
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#externalname
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#what-you-can-t-do-with-network-policies-at-least-not-yet
 */
export class ManagedDependency extends Construct {
  /** The ExternalName Service (escape hatch). */
  public readonly service: ApiObject;
  /** Name of the Service. */
  public readonly name: string;
  /** Namespace of the Service. */
  public readonly namespace: string;
  /** The provider's host name. */
  public readonly externalName: string;
  /** The ports. */
  public readonly ports: DependencyPort[];
  /** The CIDRs the egress rule opens. */
  public readonly cidrs: string[];

  constructor(scope: Construct, id: string, props: ManagedDependencyProps) {
    super(scope, id);
    const check: Checker = new Checker(this, 'ManagedDependency');
    validateProps(this, 'ManagedDependency', props, MANAGED_DEPENDENCY_PROPS);
    const name = (this.name = check.serviceName('name', props.name));
    const namespace = (this.namespace = check.namespace('namespace', props.namespace ?? Chart.of(this).namespace));
    const host = props.externalName;
    if (typeof host !== 'string' || isIpAddress(host)) {
      check.fail('externalName', host, 'be a DNS host name, not an IP address (Kubernetes would look the digits up as a name)', 'use the provider\'s host name, e.g. "myserver.postgres.database.azure.com", and put the IP in `cidrs`');
    }
    if (hasNumericTld(host)) {
      check.fail('externalName', host, 'be a DNS host name: it looks like an IPv4 address but is not one (each number must be 0 to 255), and no top-level domain is numeric', 'use the provider\'s host name, and put its address range in `cidrs`');
    }
    if (!isDns1123Subdomain(host) || !host.includes('.')) {
      check.fail('externalName', host, 'be a fully qualified host name: a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters) with at least one dot, without a scheme, port or trailing dot',
        'use the bare host name, e.g. "myserver.postgres.database.azure.com"');
    }
    this.externalName = host;
    if (props.ports.length === 0) check.fail('ports', props.ports, 'list at least one port', 'use e.g. DependencyPort.postgres()');
    props.ports.forEach((p, i) => {
      check.portName(`ports[${i}].name`, p.name);
      check.portNumber(`ports[${i}].port`, p.port);
      const dup = props.ports.findIndex((q) => q.name === p.name || q.port === p.port);
      if (dup < i) check.fail(`ports[${i}]`, `${p.name}:${p.port}`, `be unique (ports[${dup}] is ${props.ports[dup].name}:${props.ports[dup].port})`, 'remove the duplicate');
    });
    this.ports = [...props.ports];
    if (props.cidrs.length === 0) check.fail('cidrs', props.cidrs, 'list at least one CIDR (NetworkPolicies cannot allow a DNS name)', 'pass the private endpoint\'s IP as "10.1.2.4/32" or its subnet');
    props.cidrs.forEach((c, i) => {
      const parsed = parseCidr(c);
      if (!parsed) check.fail(`cidrs[${i}]`, c, 'be an IPv4 CIDR such as "10.20.30.0/24" or "10.20.30.4/32"', 'fix the address or prefix length');
      const [addr, len] = parsed;
      const hostBits = len === 0 ? addr : (addr & ~((~0 << (32 - len)) >>> 0)) >>> 0;
      if (hostBits !== 0) check.fail(`cidrs[${i}]`, c, 'have no host bits set beyond the prefix length', `use the network address of the range, or "${c.split('/')[0]}/32" for one address`);
      if (len < 8) check.fail(`cidrs[${i}]`, c, 'be at least a /8: a wider range opens the dependency\'s port to most of the internet', 'use the private endpoint\'s IP or subnet');
      if (props.cidrs.indexOf(c) < i) check.fail(`cidrs[${i}]`, c, 'not be repeated', 'remove the duplicate');
    });
    this.cidrs = [...props.cidrs];
    this.service = new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: {
        type: 'ExternalName',
        externalName: host,
        ports: this.ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP' })),
      },
    });
  }

  /**
   * The egress rule for workloads that use the dependency: TCP to its port(s), to its CIDRs only.
   * Add it to the consumer's `networkPolicy.allowTo`.
   */
  public egressRule(): PolicyRule {
    return {
      peers: this.cidrs.map((c) => Peer.cidr(c)),
      ports: this.ports.map((p) => ({ protocol: 'TCP', port: p.port })),
    };
  }
}
