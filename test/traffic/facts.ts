// The capability table (lib/controllers/capabilities.ts) against what npm run test:traffic measured.
//   node -r ./tools/register.js test/traffic/facts.ts RESULTS_JSON
// Prints one JSON line per controller of the table that has traffic evidence or a traffic check:
// { id: '<controller>/capability-facts', pass, measured }. checks.mjs runs it after the checks and
// counts the lines as checks, so CI runs it with every traffic run.
//
// A fact agrees with a check when the check passed (its measurement matched the harness's
// expectation) and what the proxy did (`cut`) is what the fact's status implies for the intent:
// - rest-timeout, ws-idle-timeout, connect-timeout: enforced (or `how`) = the proxy cut it;
//   not-enforced = it did not. A `ws-heartbeat` check backs an enforced idle timeout by staying open;
// - streaming-response: enforced = the stream was not cut; not-enforced = it was; `how` = either.
// Every fact citing { traffic: id } needs that check; every check named `<controller>/<intent>` of
// a controller and intent the table has must agree with that fact, cited or not.
import * as fs from 'fs';
import { CONTROLLER_CAPABILITIES, CapabilityFact, ControllerId, RouteIntent } from '../../lib';

interface CheckResult { readonly id: string; readonly pass: boolean; readonly cut: boolean | null; readonly measured: string }

/** Why `check` contradicts `fact` (of `intent`), or undefined when it agrees. */
export function disagreement(intent: RouteIntent, fact: CapabilityFact, check: CheckResult): string | undefined {
  if (!check.pass) return `${check.id} did not pass (${check.measured})`;
  if (check.cut === null) return undefined; // a status check (e.g. route-accepted): passing is the evidence
  const checkIntent = check.id.split('/')[1];
  let wantCut: boolean | undefined;
  if (intent === RouteIntent.STREAMING_RESPONSE) wantCut = fact.status === 'enforced' ? false : fact.status === 'not-enforced' ? true : undefined;
  else if (checkIntent === 'ws-heartbeat') wantCut = fact.status === 'not-enforced' ? undefined : false;
  else wantCut = fact.status !== 'not-enforced';
  if (wantCut === undefined || wantCut === check.cut) return undefined;
  return `${check.id} measured ${check.cut ? 'a cut' : 'no cut'} (${check.measured}), but the fact says ${intent} is ${fact.status} (${fact.how})`;
}

export function compare(results: readonly CheckResult[]): Array<{ id: string; pass: boolean; measured: string }> {
  const byId = new Map(results.map((r) => [r.id, r]));
  const out: Array<{ id: string; pass: boolean; measured: string }> = [];
  for (const [controller, row] of Object.entries(CONTROLLER_CAPABILITIES) as Array<[ControllerId, (typeof CONTROLLER_CAPABILITIES)[ControllerId]]>) {
    const problems: string[] = [];
    let compared = 0;
    for (const [intent, fact] of Object.entries(row.facts) as Array<[RouteIntent, CapabilityFact]>) {
      const cited = fact.evidence.flatMap((e) => ('traffic' in e ? [e.traffic] : []));
      const named = results.filter((r) => r.id === `${controller}/${intent}`).map((r) => r.id);
      for (const id of new Set([...cited, ...named])) {
        const check = byId.get(id);
        compared++;
        if (!check) { problems.push(`${controller} ${intent} cites traffic check ${id}, which the harness does not have`); continue; }
        const d = disagreement(intent, fact, check);
        if (d) problems.push(d);
      }
    }
    if (compared === 0) continue;
    out.push({ id: `${controller}/capability-facts`, pass: problems.length === 0, measured: problems.length ? problems.join('; ') : `${compared} fact/check pairs agree` });
  }
  return out;
}

if (require.main === module) {
  const { checks } = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  for (const r of compare(checks)) console.log(JSON.stringify(r));
}
