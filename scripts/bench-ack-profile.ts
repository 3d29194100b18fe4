/**
 * Summarises V8 CPU profiles (`.cpuprofile`, from `BENCH_ACK_PROFILE=<dir>` of the ack bench or
 * `node --cpu-prof`): self time per package / file, self time per function, and inclusive time
 * (the function and everything it called) per function, each with its share of the sampled time
 * (idle time and the bench probe's own profiler calls left out).
 *
 *   node dist/scripts/bench-ack-profile.js <file.cpuprofile> [rows=25] [acks]
 *
 * With `acks` (the requests answered during the profile) every figure is also shown per ack.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, 'nm/')
    .replace(/.*\/dist\//, 'dist/');
}

export function summarise(p: CpuProfile, rows: number, acks?: number): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // idle time and the probe's own profiler calls are not the server's work
  const excluded = new Set<number>();
  const mark = (id: number, out: boolean) => {
    const n = byId.get(id)!;
    const x = out || n.callFrame.functionName === '(idle)' || n.callFrame.url.includes('bench-ack-probe');
    if (x) excluded.add(id);
    for (const c of n.children ?? []) mark(c, x);
  };
  mark(p.nodes[0]!.id, false);
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => {
    if (!excluded.has(id)) selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fnKey = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const pkgKey = (n: ProfileNode) => {
    const u = shortUrl(n.callFrame.url);
    const m = /^nm\/((@[^/]+\/)?[^/]+)/.exec(u);
    return m ? m[1]! : u || n.callFrame.functionName;
  };
  const self = new Map<string, number>();
  const pkg = new Map<string, number>();
  const incl = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    self.set(fnKey(n), (self.get(fnKey(n)) ?? 0) + us);
    pkg.set(pkgKey(n), (pkg.get(pkgKey(n)) ?? 0) + us);
    // inclusive: once per distinct function on the sample's stack (recursion counted once)
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = fnKey(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  const fmt = (us: number) =>
    `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%${acks ? ` ${((us / 1000 / acks) * 1000).toFixed(1).padStart(7)} µs/ack` : ''}`;
  const table = (title: string, m: Map<string, number>) =>
    [
      `== ${title}`,
      ...[...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, rows)
        .map(([k, v]) => `${fmt(v)}  ${k}`),
    ].join('\n');
  const head = `busy ${(total / 1000).toFixed(0)} ms${acks ? ` over ${acks} acks = ${(total / 1000 / acks).toFixed(3)} ms/ack` : ''}`;
  return [head, table('self time by package / file', pkg), table('self time by function', self), table('inclusive time by function', incl)].join('\n');
}

if (require.main === module) {
  const [file, rows, acks] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node dist/scripts/bench-ack-profile.js <file.cpuprofile> [rows] [acks]\n');
    process.exit(2);
  }
  process.stdout.write(`${summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(rows ?? 25), acks ? Number(acks) : undefined)}\n`);
}
