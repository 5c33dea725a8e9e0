// test/traffic/facts.ts compares the capability table with what npm run test:traffic measured
// (the harness runs it on its results in CI). These are its negative controls: it must refuse a
// fact that a measurement contradicts, a failed check, and a cited check the harness lacks.
import { CONTROLLER_CAPABILITIES, RouteIntent } from '../lib';
import { compare, disagreement } from './traffic/facts';

const check = (id: string, cut: boolean | null, pass = true) => ({ id, pass, cut, measured: cut ? 'closed after 6s' : 'survived (echo at 9s)' });
const fact = (status: 'enforced' | 'not-enforced' | 'how') => ({ status, how: 'a field', evidence: [] });

describe('capability facts against traffic measurements', () => {
  test('an enforced idle timeout needs a cut; a not-enforced one needs none', () => {
    expect(disagreement(RouteIntent.WS_IDLE_TIMEOUT, fact('enforced'), check('traefik/ws-idle-timeout', true))).toBeUndefined();
    expect(disagreement(RouteIntent.WS_IDLE_TIMEOUT, fact('not-enforced'), check('traefik/ws-idle-timeout', true))).toBe(
      'traefik/ws-idle-timeout measured a cut (closed after 6s), but the fact says ws-idle-timeout is not-enforced (a field)');
    expect(disagreement(RouteIntent.WS_IDLE_TIMEOUT, fact('enforced'), check('traefik/ws-idle-timeout', false))).toBe(
      'traefik/ws-idle-timeout measured no cut (survived (echo at 9s)), but the fact says ws-idle-timeout is enforced (a field)');
  });

  test('a streaming response is enforced when it is not cut; a heartbeat check backs an enforced idle timeout by staying open', () => {
    expect(disagreement(RouteIntent.STREAMING_RESPONSE, fact('enforced'), check('x/streaming-response', false))).toBeUndefined();
    expect(disagreement(RouteIntent.STREAMING_RESPONSE, fact('enforced'), check('x/streaming-response', true))).toMatch(/measured a cut/);
    expect(disagreement(RouteIntent.WS_IDLE_TIMEOUT, fact('enforced'), check('x/ws-heartbeat', false))).toBeUndefined();
    expect(disagreement(RouteIntent.WS_IDLE_TIMEOUT, fact('enforced'), check('x/ws-heartbeat', true))).toMatch(/measured a cut/);
  });

  test('fails when the check did not pass', () => {
    expect(disagreement(RouteIntent.REST_TIMEOUT, fact('enforced'), check('x/rest-timeout', true, false))).toBe('x/rest-timeout did not pass (closed after 6s)');
  });

  test('fails when a cited traffic check is missing from the results, and agrees with a consistent set', () => {
    // GIVEN every traffic check the table cites, measured as the table says
    const cited = Object.entries(CONTROLLER_CAPABILITIES).flatMap(([, row]) => Object.entries(row.facts).flatMap(([intent, f]) =>
      f.evidence.flatMap((e) => ('traffic' in e ? [{ intent, status: f.status, id: e.traffic }] : []))));
    expect(cited.length).toBeGreaterThan(0);
    const consistent = cited.map(({ intent, status, id }) => {
      const streaming = intent === RouteIntent.STREAMING_RESPONSE;
      const heartbeat = id.endsWith('/ws-heartbeat');
      return check(id, streaming ? status === 'not-enforced' : heartbeat ? false : status !== 'not-enforced');
    });
    // THEN it agrees
    expect(compare(consistent).filter((r) => !r.pass)).toEqual([]);
    // WHEN one check is missing THEN its controller fails, naming it
    const [first, ...rest] = consistent;
    const out = compare(rest);
    expect(out.find((r) => !r.pass)?.measured).toContain(`cites traffic check ${first.id}, which the harness does not have`);
  });
});
