/**
 * A line-based unified diff (the format of `diff -u` and `git diff`), for `cdk8s-realtime diff`.
 * Longest common subsequence over lines; generated YAML files are small (hundreds of lines), so
 * the O(n x m) table is cheap. Hunks carry `context` unchanged lines on each side.
 */
export function unifiedDiff(oldName: string, newName: string, before: string, after: string, context = 3): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = lineOps(a, b);
  if (ops.every((o) => o.op === ' ')) return '';
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  // Indexes of changed ops, grouped into hunks whose context windows touch.
  const changed = ops.map((o, i) => (o.op === ' ' ? -1 : i)).filter((i) => i >= 0);
  let k = 0;
  while (k < changed.length) {
    let start = Math.max(0, changed[k] - context);
    let end = Math.min(ops.length - 1, changed[k] + context);
    while (k + 1 < changed.length && changed[k + 1] - context <= end + 1) {
      k++;
      end = Math.min(ops.length - 1, changed[k] + context);
    }
    k++;
    const hunk = ops.slice(start, end + 1);
    const aStart = ops[start].a;
    const bStart = ops[start].b;
    const aLen = hunk.filter((o) => o.op !== '+').length;
    const bLen = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@`);
    for (const o of hunk) out.push(`${o.op}${o.text}`);
    start = end + 1;
  }
  return `${out.join('\n')}\n`;
}

function range(start: number, len: number): string {
  // diff -u: a zero-length range names the line before it.
  return len === 0 ? `${start},0` : len === 1 ? `${start + 1}` : `${start + 1},${len}`;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

interface Op { readonly op: ' ' | '-' | '+'; readonly text: string; readonly a: number; readonly b: number }

/** Edit script from a to b; `a`/`b` are the 0-based positions before the op. */
function lineOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ op: ' ', text: a[i], a: i, b: j });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push({ op: '-', text: a[i], a: i, b: j });
      i++;
    } else {
      ops.push({ op: '+', text: b[j], a: i, b: j });
      j++;
    }
  }
  return ops;
}
