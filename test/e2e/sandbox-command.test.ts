/** `shipgate sandbox` as a person runs it: the startup output, a console that answers, a clean stop. */
import { sandboxCommand } from '../../src/sandbox/sandbox-command';
import type { CliIo } from '../../src/cli';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(60_000);

it('prints the URL, the demo people, three commands and the way to a real workspace; serves the console; stops on a signal', async () => {
  const prefix = uniquePrefix('sandbox-cli');
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    env: { REDIS_URL, SHIPGATE_REDIS_PREFIX: prefix, PATH: process.env.PATH },
    now: () => new Date(),
  };
  let stop!: (why: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const started = Date.now();
  const exit = sandboxCommand(['--port', '0', '--log-level', 'silent'], io, stopped);
  try {
    const url = await waitUntil('the console URL in the startup output', () => /Open {2}(http:\/\/\S+)/.exec(out.join('\n'))?.[1], 30_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    const text = out.join('\n');
    for (const who of ['Rita Release', 'Ravi Release', 'Erin Engineer', 'Vera Vance', 'Omar Oncall']) expect(text).toContain(who);
    for (const role of ['Release manager', 'Engineer', 'VP Engineering', 'On-call SRE']) expect(text).toContain(role);
    expect(text).toContain('Things to try');
    expect(text).toContain('/promote markets-infra prod');
    expect(text).toContain('/promote markets-pipeline prod');
    expect(text).toContain('/rollback markets-pipeline');
    expect(text).toContain('manifest.yml');
    for (const v of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'GITHUB_TOKEN', 'SERVICENOW_INSTANCE_URL', 'REDIS_URL']) expect(text).toContain(v);
    expect(text).toContain('shipgate serve');

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/console/js/main.js');
    // the built product serves the client modules from dist/
    const entry = await fetch(new URL('/console/js/main.js', url));
    expect(entry.status).toBe(200);
    expect(await entry.text()).toContain("from './state.js'");
    const boot = (await (await fetch(new URL('/console/api/bootstrap', url))).json()) as { users: unknown[]; channels: Array<{ name: string }> };
    expect(boot.users).toHaveLength(7);
    expect(boot.channels.map((c) => c.name)).toEqual(['releases', 'inc-2231-markets-latency']);
    expect((await fetch(new URL('/healthz', url))).status).toBe(200);
  } finally {
    stop('SIGTERM');
    await expect(exit).resolves.toBe(0);
    await dropPrefix(prefix);
  }
  expect(err).toEqual([]);
});
