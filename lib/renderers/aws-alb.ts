import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Peer } from '../network-policy';
import { Checker } from '../private/checks';
import { S, enumNames } from '../private/validate';
import type { RenderedRouteGroup, RouteProps, RouteTable } from '../route';
import { RouteProtocol } from '../route';
import { enforcedFor, groupRoutes, routeProp } from './common';

/** Whether the ALB faces the internet. */
export enum AlbScheme {
  /** Public subnets, public addresses. */
  INTERNET_FACING = 'internet-facing',
  /** Private subnets only. */
  INTERNAL = 'internal',
}

/** How the ALB reaches the pods. */
export enum AlbTargetType {
  /** Straight to pod IPs (VPC CNI); works with ClusterIP Services and keeps the client's connection on one hop. */
  IP = 'ip',
  /** Through a NodePort on every node (needs `serviceType: NodePort`); adds a kube-proxy hop. */
  INSTANCE = 'instance',
}

/** Properties of {@link IngressController.awsAlb}. */
export interface AwsAlbControllerProps {
  /**
   * The load balancer's idle timeout (`idle_timeout.timeout_seconds`): it applies to every
   * connection through the ALB, so it must be at least the longest route timeout (a WebSocket's
   * idle timeout), from 1 to 4000 seconds. The ALB default is 60 s.
   */
  readonly idleTimeout: Duration;
  /** Internet-facing or internal. */
  readonly scheme: AlbScheme;
  /**
   * How the ALB reaches the pods.
   * @default AlbTargetType.IP
   */
  readonly targetType?: AlbTargetType;
  /**
   * ACM certificate for the HTTPS listener (443). Without it the ALB listens on HTTP 80 only.
   * @default - HTTP on port 80
   */
  readonly certificateArn?: string;
  /**
   * IngressGroup: Ingresses with the same group name share one ALB. Its load-balancer attributes
   * (the idle timeout) must then agree across the group.
   * @default - the Ingress gets an ALB of its own
   */
  readonly groupName?: string;
  /**
   * Path of the target group health check (e.g. the readiness path).
   * @default - the controller's default (`/`)
   */
  readonly healthCheckPath?: string;
  /**
   * `spec.ingressClassName`.
   * @default 'alb'
   */
  readonly className?: string;
  /**
   * IPv4 ranges the ALB's network interfaces live in (the VPC, or its public/private subnets).
   * With IP targets the ALB connects to the pods from these addresses, not from a namespace, so
   * NetworkPolicies written by the constructs allow exactly these ranges. Required when the
   * construct writes a NetworkPolicy.
   * @default - unknown (constructs that write a NetworkPolicy refuse the controller)
   */
  readonly sourceCidrs?: string[];
}

/** The shape of {@link AwsAlbControllerProps}. @internal */
export const AWS_ALB_CONTROLLER_PROPS = S.obj('AwsAlbControllerProps', {
  idleTimeout: S.req(S.dur(), 'Duration.seconds(3600)'),
  scheme: S.req(S.enumOf(enumNames('AlbScheme', AlbScheme)), 'AlbScheme.INTERNET_FACING'),
  targetType: S.enumOf(enumNames('AlbTargetType', AlbTargetType)),
  certificateArn: S.str(),
  groupName: S.str(),
  healthCheckPath: S.str(),
  className: S.str(),
  sourceCidrs: S.arr(S.str(), '["10.0.0.0/16"]'),
});

const ALB = 'alb.ingress.kubernetes.io/';
const CERT_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate\/[A-Za-z0-9-]+$/;
const GROUP_NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;

/**
 * Renders routes as one Ingress for the AWS Load Balancer Controller (`ingressClassName: alb`).
 * Reached through {@link IngressController.awsAlb}.
 * @internal
 */
export class AwsAlbRenderer {
  public readonly kind = 'aws-alb';
  public readonly capabilities = 'aws-alb' as const;
  /** Where the AWS Load Balancer Controller runs (the ALB itself reaches the pods from the VPC). */
  public readonly namespace = 'kube-system';
  /** The ALB's VPC ranges. */
  public readonly sources: Peer[];
  constructor(private readonly props: AwsAlbControllerProps) {
    this.sources = (props.sourceCidrs ?? []).map((c) => Peer.cidr(c));
  }

  public render(scope: Construct, check: Checker, props: RouteProps, table: RouteTable): RenderedRouteGroup[] {
    const p = this.props;
    const c = props.controller;
    const idle = check.seconds(`${c}.idleTimeout`, p.idleTimeout, 1, 4000, 'use Duration.seconds(1) to Duration.seconds(4000) (the ALB limits)');
    if (!Object.values(AlbScheme).includes(p.scheme)) check.fail(`${c}.scheme`, p.scheme, 'be AlbScheme.INTERNET_FACING or AlbScheme.INTERNAL', 'use the AlbScheme enum');
    const targetType = p.targetType ?? AlbTargetType.IP;
    if (!Object.values(AlbTargetType).includes(targetType)) check.fail(`${c}.targetType`, targetType, 'be AlbTargetType.IP or AlbTargetType.INSTANCE', 'use the AlbTargetType enum');
    if (p.certificateArn !== undefined && !CERT_ARN.test(p.certificateArn)) {
      check.fail(`${c}.certificateArn`, p.certificateArn, 'be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)', 'copy the ARN from ACM');
    }
    if (p.groupName !== undefined && !GROUP_NAME.test(p.groupName)) {
      check.fail(`${c}.groupName`, p.groupName, 'be 1 to 63 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit', 'use a name such as "realtime"');
    }
    if (p.healthCheckPath !== undefined && !/^\/[A-Za-z0-9._~/-]*$/.test(p.healthCheckPath)) {
      check.fail(`${c}.healthCheckPath`, p.healthCheckPath, 'be a plain URL path starting with "/"', 'use the readiness path, e.g. "/health"');
    }
    const className = check.objectName(`${c}.className`, p.className ?? 'alb');
    if (table.tls.length > 0) {
      check.fail(c, 'aws-alb', 'not be given TLS secrets: an ALB terminates TLS with an ACM certificate, not a Kubernetes Secret', 'remove the TLS secret and set certificateArn');
    }
    checkInstanceTargets(check, c, targetType, table);
    const groups = groupRoutes(check, props, table);
    // The idle timeout is one attribute of the whole load balancer: it must hold the longest route.
    const longest = groups.flatMap((g) => g.routes.map((route) => ({ route, g }))).reduce((a, b) => (b.g.timeouts.readSeconds > a.g.timeouts.readSeconds ? b : a));
    const need = longest.g.timeouts.readSeconds;
    if (need > idle) {
      const ws = longest.g.protocol === RouteProtocol.WEBSOCKET;
      check.fail(`${c}.idleTimeout`, `${idle}s`,
        `be at least the ${ws ? 'idle timeout' : 'timeout'} of route ${longest.route.path} (${need}s): the ALB idle timeout applies to every connection through the load balancer, and it would close ${ws ? 'a quiet WebSocket' : 'a slow response'} after ${idle}s`,
        need <= 4000
          ? `raise idleTimeout to Duration.seconds(${need}), or lower the route's ${ws ? 'idleTimeout' : 'timeout'} to Duration.seconds(${idle})`
          : `lower the route's ${ws ? 'idleTimeout' : 'timeout'} (${routeProp(props, table, longest.route)}) to Duration.seconds(4000) or less (the ALB maximum) and raise idleTimeout to match; for longer quiet periods, send heartbeats`);
    }
    const annotations: Record<string, string> = {
      [`${ALB}scheme`]: p.scheme,
      [`${ALB}target-type`]: targetType,
      [`${ALB}listen-ports`]: p.certificateArn ? '[{"HTTPS":443}]' : '[{"HTTP":80}]',
      [`${ALB}load-balancer-attributes`]: `idle_timeout.timeout_seconds=${idle}`,
      ...(p.certificateArn ? { [`${ALB}certificate-arn`]: p.certificateArn } : {}),
      ...(p.groupName ? { [`${ALB}group.name`]: p.groupName } : {}),
      ...(p.healthCheckPath ? { [`${ALB}healthcheck-path`]: p.healthCheckPath } : {}),
    };
    for (const key of Object.keys(table.annotations)) {
      if (key in annotations) check.fail(`annotations["${key}"]`, key, 'not be set directly: IngressController.awsAlb({ ... }) owns it', 'set the matching prop of IngressController.awsAlb instead');
    }
    const routes = groups.flatMap((g) => g.routes);
    routes.sort((a, b) => table.routes.indexOf(a) - table.routes.indexOf(b));
    const paths = routes.map((route) => ({
      path: route.path,
      pathType: route.match,
      backend: { service: { name: table.backend.serviceName, port: table.backend.portOf(route, `${routeProp(props, table, route)}.port`) } },
    }));
    const name = table.groupName(RouteProtocol.HTTP, groups[0].timeouts, 1, 1);
    check.objectName(props.name, name);
    if (p.groupName) checkGroupAgreement(scope, check, c, p.groupName, {
      scheme: p.scheme === AlbScheme.INTERNAL ? 'AlbScheme.INTERNAL' : 'AlbScheme.INTERNET_FACING', idleTimeout: `Duration.seconds(${idle})`, className,
    });
    const resource = new ApiObject(scope, 'Ingress', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name, namespace: table.namespace, labels: table.labels, annotations: { ...table.annotations, ...annotations } },
      spec: {
        ingressClassName: className,
        rules: table.hosts.map((host) => ({ host, http: { paths } })),
      },
    });
    const connectSeconds = Math.max(...groups.map((g) => g.timeouts.connectSeconds));
    const timeouts = { connectSeconds, readSeconds: idle, sendSeconds: idle };
    // One idle timeout for the whole load balancer: every route's timeout is enforced at its value.
    const protocol = groups.some((g) => g.protocol === RouteProtocol.WEBSOCKET) ? RouteProtocol.WEBSOCKET : RouteProtocol.HTTP;
    return [{ resource, routes, timeouts, enforced: enforcedFor(this.capabilities, { protocol, timeouts }, { timeout: 'idle_timeout.timeout_seconds', connect: '' }) }];
  }
}

/**
 * With `target-type: instance` the ALB sends traffic to a NodePort on every node: a ClusterIP
 * Service has none, and the controller cannot register targets.
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-type
 */
function checkInstanceTargets(check: Checker, c: string, targetType: AlbTargetType, table: RouteTable): void {
  const svc = table.backend.serviceType;
  if (targetType !== AlbTargetType.INSTANCE || svc === undefined || svc.type === 'NodePort') return;
  check.fail(`${c}.targetType`, targetType, `be AlbTargetType.IP while the Service is ${svc.type}: instance targets reach pods through a NodePort on every node, and a ${svc.type} Service has none, so the ALB would register no targets`,
    svc.prop ? `set ${svc.prop}: HttpServiceType.NODE_PORT, or use AlbTargetType.IP (pod IPs, no extra hop)` : 'use AlbTargetType.IP (pod IPs)');
}

/** The settings the controller requires to agree across an IngressGroup ("Exclusive" annotations), by chart. */
const GROUPS = new WeakMap<Construct, Map<string, { path: string; settings: Record<string, string> }>>();

/**
 * Ingresses of one IngressGroup share one ALB: its "Exclusive" settings (scheme, the load
 * balancer attributes that carry the idle timeout) must be the same on every Ingress of the group,
 * or the controller refuses to reconcile the group. Checked here across the constructs of a chart
 * (with the construct's own props in the message); the synthesizer checks every Ingress of a
 * cluster, across charts, apps and namespaces.
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#ingressgroup
 */
function checkGroupAgreement(scope: Construct, check: Checker, c: string, group: string, settings: Record<string, string>): void {
  const chart = Chart.of(scope);
  const groups = GROUPS.get(chart) ?? new Map<string, { path: string; settings: Record<string, string> }>();
  GROUPS.set(chart, groups);
  const first = groups.get(group);
  const owner = scope.node.scope ?? scope;
  if (!first) {
    groups.set(group, { path: owner.node.path, settings });
    return;
  }
  for (const [k, v] of Object.entries(settings)) {
    if (first.settings[k] === v) continue;
    check.fail(`${c}.${k}`, v, `be the same on every Ingress of ALB group "${group}" (${first.path} has ${k === 'className' ? JSON.stringify(first.settings[k]) : first.settings[k]}): the Ingresses of a group share one load balancer, and the controller refuses a group whose ${k} differs`,
      `set ${k}: ${k === 'className' ? JSON.stringify(first.settings[k]) : first.settings[k]} here too, or put this Ingress in another groupName`);
  }
}
