import path from 'node:path';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { main, type CliIo } from '../../../src/cli';
import { loadConfig } from '../../../src/config/load-config';

function io(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env, now: () => new Date('2026-11-21T12:00:00Z') };
  return { cli, out, err };
}

const example = path.join(__dirname, '../../../examples/shipgate.yml');

describe('shipgate config validate', () => {
  it('exits 0 with a one-line summary on the example config', async () => {
    const t = io();
    expect(await main(['config', 'validate', '--config', example], t.cli)).toBe(0);
    expect(t.out).toHaveLength(1);
    expect(t.out[0]).toMatch(/valid: 4 environments, 2 services, 8 freeze rules, timezone Europe\/London/);
  });

  it('takes SHIPGATE_CONFIG when --config is absent', async () => {
    const t = io({ SHIPGATE_CONFIG: example });
    expect(await main(['config', 'validate'], t.cli)).toBe(0);
  });

  it('exits 1 with one line per problem, each with its YAML path', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-'));
    const file = path.join(dir, 'bad.yml');
    writeFileSync(
      file,
      `environments: [{ name: int }, { name: prod, deployers: [nobody] }]
services:
  - { name: svc, repo: acme/svc, pipeline: [int, stage], strategy: { type: workflow, workflow: d.yml }, colour: red }
`,
    );
    const t = io();
    expect(await main(['config', 'validate', '--config', file], t.cli)).toBe(1);
    expect(t.err).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^environments\[1\]\.deployers\[0\]: expected a Slack user ID/),
        expect.stringMatching(/^services\[0\]\.colour: unknown key "colour"/),
        expect.stringMatching(/^services\[0\]\.pipeline\[1\]: unknown environment "stage"/),
      ]),
    );
    expect(t.err).toHaveLength(3);
    expect(t.out).toEqual([]);
  });

  it('reports missing and unreadable ICS files at their YAML paths, with schema and cross-reference problems, in one run', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-'));
    mkdirSync(path.join(dir, 'calendars'));
    writeFileSync(path.join(dir, 'calendars', 'ok.ics'), 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n');
    writeFileSync(path.join(dir, 'calendars', 'cut.ics'), 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART:20261201T000000Z\r\nEND:VEVENT\r\n');
    const file = path.join(dir, 'shipgate.yml');
    writeFileSync(
      file,
      `timezone: Europe/Londn
environments: [{ name: int }, { name: prod }]
services:
  - { name: svc, repo: acme/svc, pipeline: [int, prod], strategy: { type: workflow, workflow: d.yml, githubEnvironments: { staging: Staging } } }
freezes:
  - { name: ok, ics: ./calendars/ok.ics }
  - { name: missing, ics: ./calendars/missing.ics }
  - { name: cut, ics: calendars/cut.ics }
  - { name: remote, ics: "https://calendar.example.com/freeze.ics" }
  - { name: holidays, holidays: { country: GB, region: ENGG } }
`,
    );
    const t = io();
    expect(await main(['config', 'validate', '--config', file], t.cli)).toBe(1);
    expect(t.err).toEqual([
      'timezone: unknown IANA time zone "Europe/Londn" (did you mean "Europe/London"?)',
      'services[0].strategy.githubEnvironments.staging: "staging" is not an environment of this service\'s pipeline (int → prod)',
      'freezes[4].holidays.region: unknown subdivision "ENGG" of GB (known: ALD, ENG, NIR, SCT, WLS)',
      `freezes[1].ics: cannot read "./calendars/missing.ics": file not found (${path.join(dir, 'calendars', 'missing.ics')}; ics paths are relative to the config file's directory)`,
      'freezes[2].ics: "calendars/cut.ics" is not a calendar shipgate can read: the file is incomplete: it does not end with END:VCALENDAR (truncated?)',
    ]);
    expect(t.out).toEqual([]);
    // the same file is fine for the checks that need no file system (serve reads the calendars at run time and fails closed)
    writeFileSync(file, readFileSync(file, 'utf8').replace('Europe/Londn', 'Europe/London').replace(', githubEnvironments: { staging: Staging }', '').replace('region: ENGG', 'region: ENG'));
    expect(() => loadConfig(file)).not.toThrow();
  });

  it('exits 1 naming a missing file', async () => {
    const t = io();
    expect(await main(['config', 'validate', '--config', '/nope/shipgate.yml'], t.cli)).toBe(1);
    expect(t.err[0]).toContain('file not found');
  });
});

describe('shipgate serve', () => {
  it('names every missing or malformed environment variable and exits 2', async () => {
    const t = io({ SLACK_BOT_TOKEN: 'not-a-token', PORT: 'eighty', SHIPGATE_CONFIG: example });
    expect(await main(['serve'], t.cli)).toBe(2);
    const text = t.err.join('\n');
    expect(text).toContain('SLACK_BOT_TOKEN: expected a bot token starting with "xoxb-"');
    expect(text).toContain('PORT:');
    expect(text).toContain('GITHUB_TOKEN: missing');
    expect(text).toContain('SLACK_SIGNING_SECRET: missing');
  });

  it.each<[string, Record<string, string>, string]>([
    ['no ServiceNow variables', {}, 'SERVICENOW_INSTANCE_URL and SERVICENOW_USERNAME + SERVICENOW_PASSWORD (or SERVICENOW_TOKEN)'],
    ['an instance URL without credentials', { SERVICENOW_INSTANCE_URL: 'https://acme.service-now.com' }, 'SERVICENOW_USERNAME + SERVICENOW_PASSWORD (or SERVICENOW_TOKEN)'],
    ['credentials without an instance URL', { SERVICENOW_TOKEN: 'sn-token' }, 'SERVICENOW_INSTANCE_URL'],
  ])('refuses to start (exit 2) when the config needs ServiceNow, with %s: names the variables and the config paths', async (_what, sn, missing) => {
    const t = io({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'signing-secret-1', GITHUB_TOKEN: 'ghp_1', SHIPGATE_CONFIG: example, ...sn });
    expect(await main(['serve'], t.cli)).toBe(2);
    expect(t.err).toEqual([
      `shipgate cannot start: the configuration needs ServiceNow, but ${missing} not set (see README "Environment variables"). Set them, or change the settings that need ServiceNow:`,
      '  environments[3].changeRecord: required (prod)',
      '  environments[3].blockOnIncidents: [1, 2] (prod)',
      '  freezes[7].servicenowBlackout: "Change Blackout" (servicenow blackouts)',
    ]);
    expect(t.out).toEqual([]);
  });

  it('a config that needs no ServiceNow is not held to it', async () => {
    const { servicenowStartProblem } = await import('../../../src/config/servicenow-requirements');
    const { config } = loadConfig(example);
    const none = { ...config, environments: config.environments.map((e) => ({ ...e, changeRecord: 'optional' as const, blockOnIncidents: [] })), freezes: [] };
    expect(servicenowStartProblem(none, {})).toBeUndefined();
    expect(servicenowStartProblem(config, { SERVICENOW_INSTANCE_URL: 'https://acme.service-now.com', SERVICENOW_USERNAME: 'u', SERVICENOW_PASSWORD: 'p' })).toBeUndefined();
    expect(servicenowStartProblem({ ...none, environments: [{ ...none.environments[0]!, changeRecord: 'create' }] }, {})?.slice(1)).toEqual([
      `  environments[0].changeRecord: create (${none.environments[0]!.name})`,
    ]);
  });

  it('refuses an unknown role', async () => {
    const t = io();
    expect(await main(['serve', '--role', 'both'], t.cli)).toBe(2);
    expect(t.err[0]).toContain('--role must be all, web or worker');
  });
});

describe('shipgate (no command / unknown command)', () => {
  it('prints usage', async () => {
    const t = io();
    expect(await main(['frobnicate'], t.cli)).toBe(2);
    expect(t.err[0]).toContain('unknown command "frobnicate"');
    expect(t.err[0]).toContain('config validate');
  });
});

describe('shipgate freeze check with ServiceNow configured', () => {
  it('evaluates servicenowBlackout rules from the blackout schedule', async () => {
    const { ServiceNowEmulator } = await import('../../../src/emulators/servicenow-emulator');
    const sn = new ServiceNowEmulator({ username: 'cli', password: 'pw' });
    await sn.start();
    try {
      sn.addBlackoutSchedule('Change Blackout', [{ start: '2026-11-10 08:00:00', end: '2026-11-10 20:00:00', name: 'DC move' }]);
      const env = { SERVICENOW_INSTANCE_URL: sn.url, SERVICENOW_USERNAME: 'cli', SERVICENOW_PASSWORD: 'pw' };
      const t = io(env);
      // Tuesday 10 Nov 2026, noon UTC: no other prod rule applies then
      expect(await main(['freeze', 'check', '--env', 'prod', '--at', '2026-11-10T12:00:00Z', '--config', example, '--json'], t.cli)).toBe(3);
      const out = JSON.parse(t.out.join('')) as { frozen: boolean; windows: Array<{ rule: string; start: string; end: string }>; nextOpen: string };
      expect(out.frozen).toBe(true);
      expect(out.windows).toEqual([{ rule: 'servicenow blackouts', start: '2026-11-10T08:00:00.000Z', end: '2026-11-10T20:00:00.000Z' }]);
      expect(out.nextOpen).toBe('2026-11-10T20:00:00.000Z');
    } finally {
      await sn.stop();
    }
  });
});

describe('shipgate freeze check reads ServiceNow like the bot (one wiring)', () => {
  it('reads a blackout schedule without a time zone in the config timezone (Europe/London), not UTC', async () => {
    const { ServiceNowEmulator } = await import('../../../src/emulators/servicenow-emulator');
    const sn = new ServiceNowEmulator({ username: 'cli', password: 'pw' });
    await sn.start();
    try {
      // summer time: 08:00-20:00 in London is 07:00Z-19:00Z
      const { schedule } = sn.addBlackoutSchedule('Change Blackout', [{ start: '2026-07-14 08:00:00', end: '2026-07-14 20:00:00', name: 'DC move' }], { timeZone: 'UTC' });
      schedule.time_zone = ''; // a schedule without a time zone: its spans are wall times
      const env = { SERVICENOW_INSTANCE_URL: sn.url, SERVICENOW_USERNAME: 'cli', SERVICENOW_PASSWORD: 'pw' };
      const t = io(env);
      await main(['freeze', 'check', '--env', 'prod', '--at', '2026-07-14T12:00:00Z', '--config', example, '--json'], t.cli);
      const out = JSON.parse(t.out.join('')) as { frozen: boolean; windows: Array<{ rule: string; start: string; end: string }> };
      expect(out.frozen).toBe(true);
      expect(out.windows.filter((w) => w.rule === 'servicenow blackouts')).toEqual([{ rule: 'servicenow blackouts', start: '2026-07-14T07:00:00.000Z', end: '2026-07-14T19:00:00.000Z' }]);
    } finally {
      await sn.stop();
    }
  });
});

describe('every subcommand: --help, and one usage-error path (node:util parseArgs)', () => {
  it.each([['serve'], ['config', 'validate'], ['freeze', 'check'], ['freeze', 'list'], ['plan'], ['sandbox']])('shipgate %s … --help prints its usage, exit 0', async (...cmd) => {
    const t = io();
    expect(await main([...cmd, '--help'], t.cli)).toBe(0);
    expect(t.out.join('\n')).toMatch(/usage: shipgate /);
    expect(t.err).toEqual([]);
  });

  it.each<[string[], RegExp]>([
    [['serve', '--rol', 'web'], /^shipgate serve: unknown option "--rol" for "serve" \(options: --role, --config\)/],
    [['serve', '--role'], /^shipgate serve: --role needs all, web or worker/],
    [['serve', 'web'], /^shipgate serve: unexpected argument "web"/],
    [['config', 'validate', '--config'], /^shipgate config validate: --config needs a file/],
    [['config', 'validate', '--config', 'a.yml', '--config', 'b.yml'], /^shipgate config validate: --config given twice/],
    [['config', 'check'], /^shipgate config: unknown config command "check"/],
    [['freeze', 'check', '--json=yes'], /^shipgate freeze check: --json takes no value/],
    [['freeze', 'check', '--env', '--json'], /^shipgate freeze check: --env needs a value/],
    [['plan', 'svc', 'prod', '--yaml'], /^shipgate plan: unknown flag "--yaml"/],
    [['sandbox', '--port', 'eighty'], /^shipgate sandbox: --port must be a port number/],
    [['sandbox', '--prot', '80'], /^shipgate sandbox: unknown option "--prot"/],
  ])('%j → exit 2, the mistake and the usage on stderr, nothing on stdout', async (argv, message) => {
    const t = io();
    expect(await main(argv, t.cli)).toBe(2);
    const err = t.err.join('\n');
    expect(err).toMatch(message);
    expect(err).toContain('usage: shipgate');
    expect(t.out).toEqual([]);
  });
});
