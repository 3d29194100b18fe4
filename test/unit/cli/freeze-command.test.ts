import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freezeCommand, parseInstantArg, type FreezeCommandIO } from '../../../src/cli/freeze-command';

const REPO = path.join(__dirname, '..', '..', '..');
const EXAMPLE = path.join(REPO, 'examples', 'shipgate.yml');
const EXAMPLE_ICS = path.join(REPO, 'examples', 'calendars', 'freeze.ics');
const SN_RULE = / {2}- name: servicenow blackouts\n.*\n.*\n/;

/** The example config in a temporary directory, edited; its ICS path made absolute. */
function exampleVariant(dir: string, name: string, edit: (yaml: string) => string = (y) => y): string {
  const file = path.join(dir, name);
  writeFileSync(file, edit(readFileSync(EXAMPLE, 'utf8').replace('./calendars/freeze.ics', EXAMPLE_ICS)));
  return file;
}

let tmp: string;
let variants = 0;
/** The example without its servicenowBlackout rule: every rule can be evaluated without ServiceNow. */
let NO_SN: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'shipgate-freeze-'));
  NO_SN = exampleVariant(tmp, 'no-servicenow.yml', (y) => y.replace(SN_RULE, ''));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string;
  err: string;
  json: () => unknown;
}

async function run(argv: string[], extra: Partial<FreezeCommandIO> = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await freezeCommand(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    now: () => new Date('2026-11-27T10:00:00Z'),
    env: {},
    ...extra,
  });
  return { code, out, err, json: () => JSON.parse(out) };
}

describe('shipgate freeze check', () => {
  it('frozen → exit 3 and the SPEC §4 JSON (month-end close + the offsite, opens 1 Dec)', async () => {
    const r = await run(['check', '--env', 'prod', '--at', '2026-11-27T10:00:00Z', '--config', NO_SN, '--json']);
    expect(r.code).toBe(3);
    expect(r.json()).toEqual({
      env: 'prod',
      at: '2026-11-27T10:00:00.000Z',
      frozen: true,
      windows: [
        { rule: 'month-end close', start: '2026-11-26T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
        { rule: 'corporate calendar', start: '2026-11-27T00:00:00.000Z', end: '2026-11-28T00:00:00.000Z' },
      ],
      nextOpen: '2026-12-01T00:00:00.000Z',
    });
    expect(r.err).toBe('');
  });

  it('open → exit 0; "unevaluated" only when non-empty', async () => {
    const r = await run(['check', '--env', 'dev', '--at', '2026-11-27T10:00:00Z', '--config', EXAMPLE, '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toEqual({ env: 'dev', at: '2026-11-27T10:00:00.000Z', frozen: false, windows: [], nextOpen: '2026-11-27T10:00:00.000Z' });
    expect(r.err).toBe('');
  });

  it.each<[string, string, string, number, string]>([
    // weekend: Fri 27 Nov 18:00 GMT + 62 h
    ['weekend starts (dev)', 'dev', '2026-11-27T18:00:00Z', 3, '2026-11-30T08:00:00.000Z'],
    ['one minute before the weekend (dev)', 'dev', '2026-11-27T17:59:00Z', 0, '2026-11-27T17:59:00.000Z'],
    ['Christmas Eve is inside year-end close (prod)', 'prod', '2026-12-24T12:00:00Z', 3, '2027-01-06T00:00:00.000Z'],
    ['a quiet Tuesday is open (prod)', 'prod', '2026-11-10T12:00:00Z', 0, '2026-11-10T12:00:00.000Z'],
    ['offset instants are accepted', 'dev', '2026-11-27T13:00:00-05:00', 3, '2026-11-30T08:00:00.000Z'],
    // no offset: wall time in the config zone (BST in July)
    ['no offset = config timezone', 'prod', '2026-07-01T09:00', 0, '2026-07-01T08:00:00.000Z'],
  ])('%s', async (_what, env, at, code, nextOpen) => {
    const r = await run(['check', `--env=${env}`, `--at=${at}`, `--config=${NO_SN}`, '--json']);
    expect(r.code).toBe(code);
    expect((r.json() as { nextOpen: string }).nextOpen).toBe(nextOpen);
  });

  it('uses --at default now() and SHIPGATE_CONFIG', async () => {
    const r = await run(['check', '--env', 'prod', '--json'], { env: { SHIPGATE_CONFIG: EXAMPLE } });
    expect(r.code).toBe(3);
    expect((r.json() as { at: string }).at).toBe('2026-11-27T10:00:00.000Z');
  });

  it('human output names state, rules, windows and next open in the config zone and UTC', async () => {
    const r = await run(['freeze', 'check', '--env', 'prod', '--config', NO_SN]);
    expect(r.code).toBe(3);
    expect(r.out).toContain('prod: FROZEN at Fri 27 Nov 2026 10:00 GMT (2026-11-27T10:00:00Z)');
    expect(r.out).toContain('month-end close     Thu 26 Nov 2026 00:00 GMT – Tue 1 Dec 2026 00:00 GMT  (2026-11-26T00:00:00Z – 2026-12-01T00:00:00Z)');
    expect(r.out).toContain('Next open: Tue 1 Dec 2026 00:00 GMT (2026-12-01T00:00:00Z)');
  });

  it('an injected blackout source is evaluated', async () => {
    const blackoutSource = jest.fn(async () => [{ start: new Date('2026-11-25T20:00:00Z'), end: new Date('2026-11-25T23:00:00Z') }]);
    const r = await run(['check', '--env', 'prod', '--at', '2026-11-25T21:00:00Z', '--config', EXAMPLE, '--json'], { blackoutSource });
    expect(blackoutSource).toHaveBeenCalledWith('Change Blackout');
    expect(r.code).toBe(3);
    expect(r.json()).toEqual({
      env: 'prod',
      at: '2026-11-25T21:00:00.000Z',
      frozen: true,
      windows: [{ rule: 'servicenow blackouts', start: '2026-11-25T20:00:00.000Z', end: '2026-11-25T23:00:00.000Z' }],
      nextOpen: '2026-11-25T23:00:00.000Z',
    });
    expect(r.err).toBe('');
  });

});

describe('shipgate freeze check: a rule that cannot be evaluated answers "frozen" (exit 3), naming the rule and why', () => {
  const NOT_CONFIGURED = 'ServiceNow is not configured: set SERVICENOW_INSTANCE_URL and SERVICENOW_USERNAME + SERVICENOW_PASSWORD (or SERVICENOW_TOKEN)';
  // Tue 10 Nov 2026 12:00Z: no other prod rule applies then
  const QUIET = '2026-11-10T12:00:00Z';

  it('ServiceNow not configured: a servicenowBlackout rule is unevaluated → frozen', async () => {
    const r = await run(['check', '--env', 'prod', '--at', QUIET, '--config', EXAMPLE, '--json']);
    expect(r.code).toBe(3);
    expect(r.json()).toEqual({
      env: 'prod',
      at: '2026-11-10T12:00:00.000Z',
      frozen: true,
      windows: [],
      nextOpen: null,
      unevaluated: [{ rule: 'servicenow blackouts', reason: NOT_CONFIGURED }],
    });
    expect(r.err).toBe(`error: freeze rule "servicenow blackouts" could not be evaluated: ${NOT_CONFIGURED}\n`);
  });

  it('ServiceNow unreachable → frozen, with the error', async () => {
    const r = await run(['check', '--env', 'prod', '--at', QUIET, '--config', EXAMPLE, '--json'], {
      blackoutSource: async () => Promise.reject(new Error('ServiceNow 503')),
    });
    expect(r.code).toBe(3);
    expect(r.json()).toMatchObject({ frozen: true, windows: [], nextOpen: null, unevaluated: [{ rule: 'servicenow blackouts', reason: expect.stringMatching(/ServiceNow 503/) }] });
    expect(r.err).toMatch(/error: freeze rule "servicenow blackouts" could not be evaluated: cannot read ServiceNow blackout schedule "Change Blackout": ServiceNow 503/);
  });

  it.each<[string, (yaml: string) => string, RegExp]>([
    ['a missing ICS file', (y) => y.replace(EXAMPLE_ICS, './calendars/does-not-exist.ics'), /cannot read .*does-not-exist\.ics: file not found/],
    ['a truncated ICS file', (y) => y.replace(EXAMPLE_ICS, path.join(REPO, 'test/fixtures/calendars/broken/truncated-after-event.ics')), /could not be parsed: .*END:VCALENDAR/],
    ['an ICS file with a garbage DTSTART', (y) => y.replace(EXAMPLE_ICS, path.join(REPO, 'test/fixtures/calendars/broken/garbage-dtstart.ics')), /DTSTART: "next tuesday" is not a valid DATE-TIME/],
  ])('%s → frozen, with the reason', async (_what, edit, reason) => {
    const file = exampleVariant(tmp, `broken-${++variants}.yml`, (y) => edit(y.replace(SN_RULE, '')));
    const r = await run(['check', '--env', 'prod', '--at', QUIET, '--config', file, '--json']);
    expect(r.code).toBe(3);
    const out = r.json() as { frozen: boolean; nextOpen: unknown; unevaluated: Array<{ rule: string; reason: string }> };
    expect(out).toMatchObject({ frozen: true, windows: [], nextOpen: null });
    expect(out.unevaluated).toEqual([{ rule: 'corporate calendar', reason: expect.stringMatching(reason) }]);
    expect(r.err).toMatch(new RegExp(`error: freeze rule "corporate calendar" could not be evaluated: .*${reason.source}`));
    // an environment the rule does not apply to is unaffected
    const dev = await run(['check', '--env', 'dev', '--at', QUIET, '--config', file, '--json']);
    expect(dev.code).toBe(0);
    expect(dev.json()).toMatchObject({ frozen: false });
  });

  it('human output says it is frozen because a rule could not be evaluated, and why', async () => {
    const r = await run(['check', '--env', 'prod', '--at', QUIET, '--config', EXAMPLE]);
    expect(r.code).toBe(3);
    expect(r.out).toBe(
      'prod: FROZEN at Tue 10 Nov 2026 12:00 GMT (2026-11-10T12:00:00Z) (fail closed: a freeze rule could not be evaluated)\n' +
        `  not evaluated: servicenow blackouts: ${NOT_CONFIGURED}\n` +
        'Next open: unknown until every freeze rule can be evaluated\n',
    );
  });

  it('frozen by a rule and unevaluated by another: both are named', async () => {
    const r = await run(['check', '--env', 'prod', '--at', '2026-11-27T10:00:00Z', '--config', EXAMPLE, '--json']);
    expect(r.code).toBe(3);
    expect(r.json()).toMatchObject({
      frozen: true,
      windows: [{ rule: 'month-end close' }, { rule: 'corporate calendar' }],
      nextOpen: null,
      unevaluated: [{ rule: 'servicenow blackouts', reason: NOT_CONFIGURED }],
    });
  });
});

describe('shipgate freeze list', () => {
  it('--json prints every window touching [from, to)', async () => {
    const r = await run(['list', '--env', 'prod', '--from', '2026-12-01', '--to', '2026-12-20', '--config', EXAMPLE, '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toEqual([
      { rule: 'weekend', start: '2026-12-04T18:00:00.000Z', end: '2026-12-07T08:00:00.000Z' },
      { rule: 'weekend', start: '2026-12-11T18:00:00.000Z', end: '2026-12-14T08:00:00.000Z' },
      { rule: 'regulatory filing', start: '2026-12-15T00:00:00.000Z', end: '2026-12-16T00:00:00.000Z' },
      { rule: 'weekend', start: '2026-12-18T18:00:00.000Z', end: '2026-12-21T08:00:00.000Z' },
    ]);
  });

  it('DATE is local midnight in the config zone; full instants are accepted', async () => {
    // --from 2026-07-06 = 2026-07-05T23:00Z (BST): the end of the weekend and the ICS quarterly freeze of Mon 6 Jul touch the range
    const r = await run(['list', '--env', 'prod', '--from', '2026-07-06', '--to', '2026-07-06T12:00:00Z', '--config', EXAMPLE, '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toEqual([
      { rule: 'weekend', start: '2026-07-03T17:00:00.000Z', end: '2026-07-06T07:00:00.000Z' },
      { rule: 'corporate calendar', start: '2026-07-06T08:00:00.000Z', end: '2026-07-06T16:00:00.000Z' },
    ]);
  });

  it('human output', async () => {
    const r = await run(['list', '--env', 'dev', '--from', '2026-12-01', '--to', '2026-12-08', '--config', EXAMPLE]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'dev: 1 freeze window touching Tue 1 Dec 2026 00:00 GMT – Tue 8 Dec 2026 00:00 GMT (2026-12-01T00:00:00Z – 2026-12-08T00:00:00Z)\n' +
        '  weekend  Fri 4 Dec 2026 18:00 GMT – Mon 7 Dec 2026 08:00 GMT  (2026-12-04T18:00:00Z – 2026-12-07T08:00:00Z)\n',
    );
  });
});

describe('errors', () => {
  it.each<[string, string[], RegExp]>([
    [
      'unknown environment lists the environments',
      ['check', '--env', 'stage', '--config', EXAMPLE],
      /unknown environment "stage" \(environments: dev, int, test, prod\)/,
    ],
    ['bad --at', ['check', '--env', 'prod', '--at', '2026-02-30T10:00:00Z', '--config', EXAMPLE], /--at "2026-02-30T10:00:00Z" is not an ISO-8601 instant/],
    ['missing --env', ['check', '--config', EXAMPLE], /--env is required/],
    ['missing --from/--to', ['list', '--env', 'prod', '--from', '2026-12-01', '--config', EXAMPLE], /--from and --to are required/],
    ['--to before --from', ['list', '--env', 'prod', '--from', '2026-12-01', '--to', '2026-11-01', '--config', EXAMPLE], /--to .* must be after --from/],
    ['unknown option', ['check', '--env', 'prod', '--when', 'now', '--config', EXAMPLE], /unknown option "--when"/],
    ['unknown subcommand', ['explain'], /unknown freeze command "explain"/],
  ])('%s → exit 2 with the fix', async (_what, argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });

  describe('with temporary configs', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'shipgate-freeze-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('invalid config → exit 1, one line per problem', async () => {
      const file = path.join(dir, 'bad.yml');
      writeFileSync(
        file,
        [
          'timezone: Mars/Olympus',
          'environments: [{ name: prod }]',
          'services: [{ name: svc, repo: acme/svc, pipeline: [prod, stage], strategy: { type: workflow, workflow: d.yml } }]',
        ].join('\n'),
      );
      const r = await run(['check', '--env', 'prod', '--config', file]);
      expect(r.code).toBe(1);
      const lines = r.err.trim().split('\n');
      expect(lines[0]).toMatch(/invalid configuration/);
      expect(lines.slice(1)).toEqual([
        expect.stringMatching(/^\s+timezone: unknown IANA time zone/),
        expect.stringMatching(/^\s+services\[0\]\.pipeline\[1\]: unknown environment "stage"/),
      ]);
    });

    it('a window chain that never opens → exit 1 with the clear message', async () => {
      const file = path.join(dir, 'never-opens.yml');
      writeFileSync(
        file,
        [
          'timezone: Europe/London',
          'environments: [{ name: dev }, { name: prod }]',
          'services: [{ name: svc, repo: acme/svc, pipeline: [dev, prod], strategy: { type: workflow, workflow: d.yml } }]',
          'freezes: [{ name: always, environments: [prod], recurring: { cron: "* * * * *", duration: 2m } }]',
        ].join('\n'),
      );
      const r = await run(['check', '--env', 'prod', '--at', '2026-06-01T12:00:30Z', '--config', file, '--json']);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toBe(
        'shipgate freeze check: environment "prod" is frozen for more than 2 years from 2026-06-01T12:00:30.000Z: check the freeze rules (a window chain never opens)\n',
      );
    });

    it('missing config file → exit 1 naming the fix', async () => {
      const r = await run(['check', '--env', 'prod', '--config', path.join(dir, 'none.yml')]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/file not found \(set SHIPGATE_CONFIG or pass --config/);
    });
  });
});

describe('parseInstantArg', () => {
  it.each<[string, string, string | undefined]>([
    ['2026-11-27T10:00:00Z', 'Europe/London', '2026-11-27T10:00:00.000Z'],
    ['2026-11-27T10:00:00.250Z', 'Europe/London', '2026-11-27T10:00:00.250Z'],
    ['2026-11-27T10:00+01:00', 'Europe/London', '2026-11-27T09:00:00.000Z'],
    ['2026-07-01', 'Europe/London', '2026-06-30T23:00:00.000Z'],
    ['2026-03-29', 'America/New_York', '2026-03-29T04:00:00.000Z'],
    // a wall time in the repeated hour is its first occurrence (BST / EDT), as the recurring rules read it
    ['2026-10-25T01:30', 'Europe/London', '2026-10-25T00:30:00.000Z'],
    ['2026-11-01T01:30', 'America/New_York', '2026-11-01T05:30:00.000Z'],
    // a wall time in the DST gap uses the offset before the gap (01:30 GMT = 02:30 BST)
    ['2026-03-29T01:30', 'Europe/London', '2026-03-29T01:30:00.000Z'],
    ['2026-03-08T02:30', 'America/New_York', '2026-03-08T07:30:00.000Z'],
    ['2026-02-29', 'UTC', undefined],
    ['2026-11-27T24:00:00Z', 'UTC', undefined],
    ['tomorrow', 'UTC', undefined],
  ])('%s in %s', (text, zone, expected) => {
    expect(parseInstantArg(text, zone)?.toISOString()).toBe(expected);
  });
});
