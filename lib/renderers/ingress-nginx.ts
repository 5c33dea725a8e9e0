import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Checker } from '../private/checks';
import type { RenderedRouteGroup, RouteProps, RouteTable } from '../route';
import { enforcedFor, groupId, groupRoutes } from './common';

/** Properties of {@link IngressController.nginx}. */
export interface NginxIngressControllerProps {
  /**
   * `spec.ingressClassName` of the Ingresses.
   * @default 'nginx'
   */
  readonly className?: string;
  /**
   * Namespace the controller's pods run in; NetworkPolicies allow traffic from it through the
   * automatic `kubernetes.io/metadata.name` label.
   * @default 'ingress-nginx'
   */
  readonly namespace?: string;
}

const NGINX = 'nginx.ingress.kubernetes.io/';

/**
 * Renders routes as ingress-nginx Ingresses, one per group of routes that share a protocol and
 * timeouts, with the proxy-connect/read/send-timeout annotations. Reached through
 * {@link IngressController.nginx}.
 * @internal
 */
export class IngressNginxRenderer {
  public readonly kind = 'nginx';
  public readonly capabilities = 'ingress-nginx' as const;
  public readonly className: string;
  public readonly namespace: string;
  constructor(props: NginxIngressControllerProps) {
    this.className = props.className ?? 'nginx';
    this.namespace = props.namespace ?? 'ingress-nginx';
  }

  public render(scope: Construct, check: Checker, props: RouteProps, table: RouteTable): RenderedRouteGroup[] {
    check.objectName(`${props.controller}.className`, this.className);
    const out: RenderedRouteGroup[] = [];
    for (const g of groupRoutes(check, props, table, '; with two Ingresses for one host and path, ingress-nginx silently keeps the oldest')) {
      const paths = g.routes.map((route) => ({
        path: route.path,
        pathType: route.match,
        backend: { service: { name: table.backend.serviceName, port: table.backend.portOf(route, `${props.routes}[${table.routes.indexOf(route)}].port`) } },
      }));
      const resource = new ApiObject(scope, groupId('Ingress', g), {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {
          name: g.name,
          namespace: table.namespace,
          labels: table.labels,
          annotations: {
            ...table.annotations,
            [`${NGINX}proxy-connect-timeout`]: String(g.timeouts.connectSeconds),
            [`${NGINX}proxy-read-timeout`]: String(g.timeouts.readSeconds),
            [`${NGINX}proxy-send-timeout`]: String(g.timeouts.sendSeconds),
          },
        },
        spec: {
          ingressClassName: this.className,
          ...(table.tls.length > 0 ? { tls: table.tls.map((t) => ({ hosts: t.hosts, secretName: t.secretName })) } : {}),
          rules: table.hosts.map((host) => ({ host, http: { paths } })),
        },
      });
      out.push({ resource, routes: g.routes, timeouts: g.timeouts, enforced: enforcedFor(this.capabilities, g, { timeout: 'proxy-read-timeout', connect: 'proxy-connect-timeout' }) });
    }
    return out;
  }
}
