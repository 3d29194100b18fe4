import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { HttpServer } from '../../src/adapters/http/http-server';
import { parseConfig } from '../../src/config/load-config';
import { GitHubEmulator } from '../../src/emulators/github-emulator';
import { SlackEmulator } from '../../src/emulators/slack-emulator';
import { SandboxConsole } from '../../src/sandbox/console/sandbox-console';

const root = path.join(__dirname, '../../src');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

/** Every `:emoji:` code shipgate puts in what it posts to Slack. */
const usedEmoji = [
  ...new Set(
    ['app', 'adapters/slack', 'domain']
      .flatMap((d) => files(path.join(root, d)))
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/(?<![\w:]):([a-z][a-z0-9_+-]*):(?!\w)/g)].map((m) => m[1]!)),
  ),
].sort();

describe('the sandbox console renders Slack emoji', () => {
  const server = new HttpServer();
  let emoji: Record<string, string>;
  beforeAll(async () => {
    const config = parseConfig(
      'environments: [{ name: int }, { name: prod }]\nservices: [{ name: s, repo: a/s, pipeline: [int, prod], strategy: { type: workflow, workflow: d.yml } }]\n',
    );
    const console = new SandboxConsole({
      slack: new SlackEmulator(),
      github: new GitHubEmulator(),
      config,
      history: { list: async () => [] },
      redisDescription: 'test',
    });
    console.register(server);
    const port = await server.listen(0, '127.0.0.1');
    // the emoji table module the served client imports to render `:name:`
    const script = await (await fetch(`http://127.0.0.1:${port}/console/js/emoji.js`)).text();
    expect(script.startsWith('export var EMOJI = ')).toBe(true);
    emoji = vm.runInNewContext(`${script.replace(/^export /, '')}; EMOJI`) as Record<string, string>;
    console.close();
  });
  afterAll(async () => {
    await server.close();
  });

  it('has every emoji shipgate posts, :sunny: of the freeze-end announcement included', () => {
    expect(usedEmoji).toEqual(expect.arrayContaining(['sunny', 'snowflake', 'rotating_light', 'white_check_mark']));
    expect(usedEmoji.filter((name) => !emoji[name])).toEqual([]);
    expect(emoji.sunny).toBe('\u2600\ufe0f');
  });

  it("knows Slack's whole standard set, aliases too", () => {
    expect(Object.keys(emoji).length).toBeGreaterThan(1500);
    expect(emoji['+1']).toBe(emoji.thumbsup);
  });
});
