import { Writable } from 'node:stream';
import { createLogger } from '../../../src/adapters/logging/create-logger';

describe('structured logs', () => {
  it('redacts secrets wherever they appear and keeps child bindings', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logger = createLogger('info', sink as never);
    logger.child({ promotionId: 'p-20261122-abcdef', service: 'markets', env: 'prod' }).info(
      { token: 'xoxb-secret', headers: { authorization: 'Bearer ghp_secret' }, SLACK_SIGNING_SECRET: 'shh', env: { GITHUB_TOKEN: 'ghp_other' }, safe: 'visible' },
      'hello',
    );
    const out = lines.join('');
    const entry = JSON.parse(out) as Record<string, unknown>;
    expect(entry).toMatchObject({ promotionId: 'p-20261122-abcdef', service: 'markets', env: { GITHUB_TOKEN: '[redacted]' }, safe: 'visible', msg: 'hello' });
    expect(out).not.toMatch(/xoxb-secret|ghp_secret|ghp_other|"shh"/);
  });
});
