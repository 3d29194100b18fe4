import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * What the built product loads (issue 13): a calendar library only when a freeze rule of its
 * kind is in the config, `freeze check` none of the bot (Slack, queue, Redis, logger,
 * ServiceNow adapter), and `require('dist/src/main')` no calendar library at all.
 * Each case runs in a fresh `node` process and reads its require.cache.
 */

const root = path.join(__dirname, '..', '..');

const WATCHED: Record<string, RegExp> = {
  'date-holidays': /node_modules\/date-holidays\//,
  'date-holidays-parser': /node_modules\/date-holidays-parser\//,
  'moment-timezone': /node_modules\/moment-timezone\//,
  'ical.js': /node_modules\/ical\.js\//,
  // shipgate's own copy (bullmq has one of its own, under node_modules/bullmq/, loaded with the bot)
  'cron-parser': new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/node_modules/cron-parser/`),
  'date-fns (whole index)': /node_modules\/date-fns\/index\.cjs$/,
  '@slack/bolt': /node_modules\/@slack\/bolt\//,
  bullmq: /node_modules\/bullmq\//,
  ioredis: /node_modules\/ioredis\//,
  pino: /node_modules\/pino\//,
  'servicenow adapter': /dist\/src\/adapters\/servicenow\//,
};

/** Runs `body` (JS, with `done(result)` to report) in a fresh node in the repo root; returns what it reported and which WATCHED modules were loaded. */
function loadedBy(body: string): { result: unknown; loaded: string[] } {
  const script = `
    const watched = ${JSON.stringify(Object.fromEntries(Object.entries(WATCHED).map(([k, r]) => [k, r.source])))};
    const done = (result) => {
      const files = Object.keys(require.cache);
      const loaded = Object.entries(watched).filter(([, src]) => files.some((f) => new RegExp(src).test(f))).map(([k]) => k);
      process.stdout.write(JSON.stringify({ result, loaded }));
    };
    ${body}
  `;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: root, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(out) as { result: unknown; loaded: string[] };
}

function freezeCheck(configFile: string): { result: unknown; loaded: string[] } {
  return loadedBy(`
    const out = [];
    const io = { stdout: (s) => out.push(s), stderr: (s) => out.push(s), env: {}, now: () => new Date('2026-12-02T12:00:00Z'), exit: () => {} };
    require('./dist/src/cli.js').main(['freeze', 'check', '--env', 'prod', '--config', ${JSON.stringify(configFile)}], io).then((code) => done({ code, out: out.join('') }));
  `);
}

const BASE = `
timezone: Europe/London
environments: [{ name: dev }, { name: prod }]
services:
  - { name: svc, repo: acme/svc, pipeline: [dev, prod], strategy: { type: workflow, workflow: deploy.yml } }
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'shipgate-lazy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, freezes: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${BASE}freezes:\n${freezes}`);
  return file;
}

it('freeze check with a weekly window only loads cron-parser and no other calendar library, and none of the bot', () => {
  const file = config('weekly.yml', '  - { name: weekend, environments: ["*"], recurring: { cron: "0 18 * * 5", duration: 62h } }\n');
  const { result, loaded } = freezeCheck(file);
  // Wednesday noon: open, the next freeze is the weekend
  expect(result).toEqual({ code: 0, out: expect.stringContaining('prod: open at') });
  expect((result as { out: string }).out).toContain('Next freeze: weekend from Fri 4 Dec 2026 18:00 GMT');
  expect(loaded).toEqual(['cron-parser']);
});

it('freeze check with fixed-date rules loads no calendar library at all', () => {
  const file = config('dates.yml', '  - { name: filing, environments: [prod], dates: ["2026-12-02"] }\n  - { name: year-end, environments: [prod], annual: { from: "12-20", to: "01-05" } }\n');
  const { result, loaded } = freezeCheck(file);
  expect(result).toEqual({ code: 3, out: expect.stringContaining('prod: FROZEN at') });
  expect(loaded).toEqual([]);
});

it('freeze check loads date-holidays for a holidays rule and ical.js for an ics rule (still none of the bot)', () => {
  writeFileSync(path.join(dir, 'freeze.ics'), ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN', 'BEGIN:VEVENT', 'UID:a@t', 'DTSTART;VALUE=DATE:20261202', 'SUMMARY:offsite', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'));
  const file = config('holidays.yml', '  - { name: bank holidays, environments: [prod], holidays: { country: GB, region: ENG } }\n  - { name: corporate, environments: [prod], ics: ./freeze.ics }\n');
  const { result, loaded } = freezeCheck(file);
  expect(result).toEqual({ code: 3, out: expect.stringContaining('corporate') });
  expect(loaded.sort()).toEqual(['date-holidays', 'date-holidays-parser', 'ical.js', 'moment-timezone']);
});

it('loading dist/src/main loads no calendar library and not the whole date-fns index', () => {
  const { loaded } = loadedBy(`require('./dist/src/main'); done(null);`);
  for (const lib of ['date-holidays', 'date-holidays-parser', 'moment-timezone', 'ical.js', 'cron-parser', 'date-fns (whole index)']) expect(loaded).not.toContain(lib);
  // the bot itself is loaded (the probe sees modules)
  expect(loaded).toEqual(expect.arrayContaining(['@slack/bolt', 'bullmq', 'ioredis']));
});
