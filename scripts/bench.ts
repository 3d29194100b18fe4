/**
 * `npm run bench`: speed figures that belong in a benchmark, never in a timed test.
 * Prints one table; each row names what was measured and its target where one exists.
 * BENCH_ONLY=ack (comma-separated: freeze, ack, socket-ack, github-calls, engine, resume, startup) runs only those sections.
 */
import { benchFreeze } from './bench-freeze';
import { benchAck } from './bench-ack';
import { benchSocketAck } from './bench-socket-ack';
import { benchGithubCalls } from './bench-github-calls';
import { benchEngine } from './bench-engine';
import { benchResume } from './bench-resume';
import { benchStartup } from './bench-startup';

async function main(): Promise<void> {
  const rows: Array<{ name: string; value: string }> = [];
  // BENCH_ONLY=ack,startup: only these sections
  const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
  const sections: Array<[string, () => Promise<Array<{ name: string; value: string }>>]> = [
    ['freeze', benchFreeze],
    ['ack', benchAck],
    ['socket-ack', benchSocketAck],
    ['github-calls', benchGithubCalls],
    ['engine', benchEngine],
    ['resume', benchResume],
    ['startup', benchStartup],
  ];
  const unknown = only.filter((o) => !sections.some(([n]) => n === o));
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')} (known: ${sections.map(([n]) => n).join(', ')})`);
  for (const [name, run] of sections) if (!only.length || only.includes(name)) rows.push(...(await run()));
  const w = Math.max(...rows.map((r) => r.name.length));
  process.stdout.write(`${'benchmark'.padEnd(w)} | result\n${'-'.repeat(w)}-|-${'-'.repeat(40)}\n`);
  for (const r of rows) process.stdout.write(`${r.name.padEnd(w)} | ${r.value}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
