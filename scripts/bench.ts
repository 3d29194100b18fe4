/**
 * `npm run bench`: speed figures that belong in a benchmark, never in a timed test.
 * Prints one table; each row names what was measured and its target where one exists.
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
  rows.push(...(await benchFreeze()));
  rows.push(...(await benchAck()));
  rows.push(...(await benchSocketAck()));
  rows.push(...(await benchGithubCalls()));
  rows.push(...(await benchEngine()));
  rows.push(...(await benchResume()));
  rows.push(...(await benchStartup()));
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
