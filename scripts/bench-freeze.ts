/**
 * Freeze-calendar benchmark (issue 3): checks per second for `FreezeCalendar.check` on a
 * config with every rule kind (after warm-up), and the time of `list` over one year.
 *
 * Standalone: `npm run build && node dist/scripts/bench-freeze.js`
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseConfig } from '../src/config/load-config';
import { FreezeCalendar, type BlackoutSpan, type CalendarSources } from '../src/domain/freeze-calendar';

const BENCH_CONFIG = `
timezone: Europe/London
environments:
  - name: dev
  - name: prod
services:
  - name: svc
    repo: acme/svc
    pipeline: [dev, prod]
    strategy: { type: workflow, workflow: deploy.yml }
businessCalendar: { country: GB, region: ENG }
freezes:
  - { name: year-end close, environments: [prod], annual: { from: "12-20", to: "01-05" } }
  - { name: month-end close, environments: [prod], monthEndBusinessDays: 3 }
  - { name: bank holidays, environments: [prod], holidays: { country: GB, region: ENG } }
  - { name: regulatory filing, environments: [prod], dates: ["2026-12-15", { from: "2027-03-30", to: "2027-03-31" }] }
  - { name: weekend, environments: ["*"], recurring: { cron: "0 18 * * 5", duration: 62h } }
  - { name: US market holidays, environments: [prod], timezone: America/New_York, holidays: { country: US } }
  - { name: corporate calendar, environments: [prod], ics: ./calendars/freeze.ics }
  - { name: servicenow blackouts, environments: [prod], servicenowBlackout: Change Blackout }
`;

function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'examples'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/** Deterministic PRNG so runs are comparable. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fakeBlackouts(): BlackoutSpan[] {
  // A 4-hour blackout every Wednesday evening over 2026–2028.
  const spans: BlackoutSpan[] = [];
  for (let t = Date.UTC(2026, 0, 7, 19); t < Date.UTC(2029, 0, 1); t += 7 * 86_400_000) spans.push({ start: new Date(t), end: new Date(t + 4 * 3_600_000) });
  return spans;
}

function makeCalendar(sources: CalendarSources): FreezeCalendar {
  return new FreezeCalendar(parseConfig(BENCH_CONFIG, '<bench>'), sources);
}

export async function benchFreeze(): Promise<Array<{ name: string; value: string }>> {
  const root = repoRoot();
  const icsText = readFileSync(path.join(root, 'examples', 'calendars', 'freeze.ics'), 'utf8');
  const sources: CalendarSources = {
    icsText: { 'corporate calendar': icsText },
    blackoutSpans: { 'servicenow blackouts': fakeBlackouts() },
  };

  // Instants spread over two years, a mix of frozen and open ones.
  const rnd = mulberry32(42);
  const from = Date.UTC(2026, 0, 1);
  const span = Date.UTC(2028, 0, 1) - from;
  const instants = Array.from({ length: 100_000 }, () => new Date(from + Math.floor(rnd() * span)));

  const calendar = makeCalendar(sources);
  let frozen = 0;
  // Warm-up: fills the per-year caches and lets the JIT settle.
  for (let r = 0; r < 3; r++) for (const at of instants) if (calendar.check('prod', at).frozen) frozen++;

  const rounds = 10;
  frozen = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const at of instants) if (calendar.check('prod', at).frozen) frozen++;
  const elapsed = performance.now() - t0;
  const checksPerSec = (rounds * instants.length) / (elapsed / 1000);

  // list over one year: cold (fresh calendar, expands every rule) and warm (cached).
  const yearFrom = new Date(Date.UTC(2027, 0, 1));
  const yearTo = new Date(Date.UTC(2028, 0, 1));
  const cold = makeCalendar(sources);
  const l0 = performance.now();
  const windows = cold.list('prod', yearFrom, yearTo);
  const coldMs = performance.now() - l0;
  const w0 = performance.now();
  const warmRuns = 20;
  for (let i = 0; i < warmRuns; i++) cold.list('prod', yearFrom, yearTo);
  const warmMs = (performance.now() - w0) / warmRuns;

  // A chain that never opens (a window every minute, 2 minutes long): answered with the error, not by walking every minute.
  const never = new FreezeCalendar(
    parseConfig(BENCH_CONFIG.replace(/freezes:[\s\S]*$/, 'freezes:\n  - { name: always, environments: [prod], recurring: { cron: "* * * * *", duration: 2m } }\n'), '<bench>'),
  );
  const n0 = performance.now();
  let neverMessage = '';
  try {
    never.check('prod', new Date(Date.UTC(2026, 5, 1, 12)));
  } catch (e) {
    neverMessage = (e as Error).message;
  }
  const neverMs = performance.now() - n0;

  return [
    {
      name: 'freeze check (every rule kind, warm)',
      value: `${Math.round(checksPerSec).toLocaleString('en-US')} checks/s (${((frozen / (rounds * instants.length)) * 100).toFixed(0)}% frozen)`,
    },
    { name: 'freeze list, one year (cold)', value: `${coldMs.toFixed(1)} ms (${windows.length} windows)` },
    { name: 'freeze list, one year (warm)', value: `${warmMs.toFixed(2)} ms` },
    { name: 'freeze check, chain never opens (cold)', value: `${neverMs.toFixed(1)} ms${/never opens/.test(neverMessage) ? '' : ' (no "never opens" error!)'}` },
  ];
}

if (require.main === module) {
  benchFreeze().then(
    (rows) => {
      for (const r of rows) process.stdout.write(`${r.name.padEnd(40)} ${r.value}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
