// Helpers shared by the route renderers of lib/renderers/ (not exported from the package).
// The renderers sit between the route model (../route) and the factories (../routing): they import
// the model and the capability table, never ../routing.
import { ControllerId, EnforcedIntent, RouteIntent, capabilityOf } from '../controllers/capabilities';
import { Checker } from '../private/checks';
import { checkHost, PathMatch, Route, RouteProps, RouteProtocol, RouteTable, RouteTimeouts } from '../route';

/** One group of routes that share a protocol and timeouts, with its object name and construct id. */
export interface RouteGroup {
  readonly protocol: RouteProtocol;
  readonly timeouts: RouteTimeouts;
  readonly routes: Route[];
  /** Object name (`<name>`, `<name>-ws`, ...), as the owning construct names its groups. */
  readonly name: string;
  /** Construct id suffix: `''` for the group named like the table, else the name's own part. */
  readonly idSuffix: string;
}

/**
 * Checks hosts and routes like the ingress-nginx renderer does (hosts are DNS names, at least one
 * host and one route, no duplicate path) and groups the routes by protocol and timeouts.
 * @internal
 */
export function groupRoutes(check: Checker, props: RouteProps, table: RouteTable, duplicateReason = ''): RouteGroup[] {
  table.hosts.forEach((h, i) => checkHost(check, `${props.hosts}[${i}]`, h));
  if (table.hosts.length === 0) check.fail(props.hosts, table.hosts, 'list at least one host', 'add the public host names, e.g. ["api.example.com"]');
  if (new Set(table.hosts).size !== table.hosts.length) check.fail(props.hosts, table.hosts, 'not repeat a host', 'remove the duplicate');
  if (table.routes.length === 0) check.fail(props.routes, table.routes, 'list at least one route', 'add Route.http(...) or Route.websocket(...)');
  const groups = new Map<string, { protocol: RouteProtocol; timeouts: RouteTimeouts; routes: Route[] }>();
  const seen = new Map<string, number>();
  table.routes.forEach((route, i) => {
    const timeouts = route._resolve(check, `${props.routes}[${i}]`);
    const key = `${route.path} ${route.match}`;
    if (seen.has(key)) {
      check.fail(`${props.routes}[${i}].path`, route.path, `be unique (${props.routes}[${seen.get(key)}] already declares it)${duplicateReason}`, 'remove the duplicate route');
    }
    seen.set(key, i);
    const gk = `${route.protocol}:${timeouts.connectSeconds}:${timeouts.readSeconds}:${timeouts.sendSeconds}`;
    const g = groups.get(gk) ?? { protocol: route.protocol, timeouts, routes: [] };
    g.routes.push(route);
    groups.set(gk, g);
  });
  const perProtocol = new Map<RouteProtocol, number>();
  for (const g of groups.values()) perProtocol.set(g.protocol, (perProtocol.get(g.protocol) ?? 0) + 1);
  const named = [...groups.values()].map((g) => ({ g, name: table.groupName(g.protocol, g.timeouts, perProtocol.get(g.protocol) ?? 0, groups.size) }));
  const count = new Map<string, number>();
  for (const { name } of named) count.set(name, (count.get(name) ?? 0) + 1);
  return named.map(({ g, name: base }) => {
    // Two profiles that differ only in their connect timeout get the same name from groupName.
    const name = (count.get(base) ?? 0) > 1 ? `${base}-connect-${g.timeouts.connectSeconds}s` : base;
    check.objectName(props.name, name);
    const idSuffix = name === table.name ? '' : name.startsWith(`${table.name}-`) ? name.slice(table.name.length + 1) : name;
    return { ...g, name, idSuffix };
  });
}

/** A construct id: `base` for the group named like the table, else `base-<suffix>`. @internal */
export function groupId(base: string, group: RouteGroup): string {
  return group.idSuffix ? `${base}-${group.idSuffix}` : base;
}

/** Whole seconds as a Go / Gateway API duration string (`60s`); `0s` disables most timers. @internal */
export function durationString(seconds: number): string {
  return `${seconds}s`;
}

/** The index of a route in the table, for error props. @internal */
export function routeProp(props: RouteProps, table: RouteTable, route: Route): string {
  return `${props.routes}[${table.routes.indexOf(route)}]`;
}

/** Whether a path match is a prefix match. @internal */
export function isPrefix(route: Route): boolean {
  return route.match !== PathMatch.EXACT;
}

/**
 * What a renderer enforces for a group, straight from the capability table: the group's timeout
 * intent (REST timeout or WebSocket idle timeout) and its connect timeout, each with the field the
 * renderer wrote. A `not-enforced` fact carries no seconds (nothing was written).
 * @internal
 */
export function enforcedFor(controller: ControllerId, group: { readonly protocol: RouteProtocol; readonly timeouts: RouteTimeouts },
  fields: { readonly timeout: string; readonly connect: string }, timeoutSeconds = group.timeouts.readSeconds): EnforcedIntent[] {
  const intent = group.protocol === RouteProtocol.WEBSOCKET ? RouteIntent.WS_IDLE_TIMEOUT : RouteIntent.REST_TIMEOUT;
  const one = (i: RouteIntent, seconds: number, field: string): EnforcedIntent => {
    const status = capabilityOf(controller, i).status;
    return status === 'not-enforced' ? { intent: i, status, by: controller, field: '' } : { intent: i, status, seconds, by: controller, field };
  };
  return [one(intent, timeoutSeconds, fields.timeout), one(RouteIntent.CONNECT_TIMEOUT, group.timeouts.connectSeconds, fields.connect)];
}
