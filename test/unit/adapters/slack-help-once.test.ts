import type { App } from '@slack/bolt';
import { registerSlackListeners, type SlackUseCases } from '../../../src/adapters/slack/slack-listeners';
import { parseConfig } from '../../../src/config/load-config';
import { silentLogger } from '../../../src/app/logger';

type Handler = (args: Record<string, unknown>) => Promise<void>;

/** `/promote help` depends on the config alone: built on first use, then the same reply for every request. */
describe('/promote help is built once per process', () => {
  const services = Array.from(
    { length: 300 },
    (_, i) => `  - { name: s${i}, repo: acme/s${i}, pipeline: [int, prod], strategy: { type: workflow, workflow: deploy.yml } }`,
  );
  const config = parseConfig(['environments:', '  - { name: int }', '  - { name: prod }', 'services:', ...services].join('\n'));

  it('reads the config once for any number of help requests, and every ack carries the same reply', async () => {
    let reads = 0;
    const counted = new Proxy(config, {
      get: (target, prop, receiver) => {
        if (prop === 'services') reads++;
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const commands = new Map<string, Handler>();
    const app = { command: (name: string, h: Handler) => commands.set(name, h), action: () => undefined, view: () => undefined } as unknown as App;
    registerSlackListeners(app, {
      config: counted,
      useCases: {} as SlackUseCases,
      repo: { get: async () => undefined },
      chat: { postEphemeral: async () => undefined },
      logger: silentLogger,
    });
    const acks: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      await commands.get('/promote')!({
        command: { text: 'help', user_id: 'U0ENG', channel_id: 'C0REL' },
        ack: async (body: unknown) => void acks.push(body),
        respond: async () => undefined,
      });
    }
    expect(reads).toBe(1);
    expect(acks).toHaveLength(5);
    expect(new Set(acks.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(JSON.stringify(acks[0])).toContain('*s0* (acme/s0, workflow)');
  });
});
