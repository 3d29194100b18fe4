import { ExecutePromotion } from '../../../src/app/execution/execute-promotion';
import type { ExecDeps } from '../../../src/app/execution/exec-deps';
import { DEFAULT_TIMING } from '../../../src/app/execution/exec-deps';
import type { Logger } from '../../../src/app/logger';
import { promotion, snConfig } from '../servicenow/servicenow-fixtures';

interface Line {
  level: string;
  bindings: Record<string, unknown>;
  obj: object;
  msg: string;
}

/** Records every line with the bindings of the child it was logged through. */
function recordingLogger(lines: Line[], bindings: Record<string, unknown> = {}): Logger {
  const at = (level: string) => (obj: object, msg = '') => void lines.push({ level, bindings, obj, msg });
  return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: (b) => recordingLogger(lines, { ...bindings, ...b }) };
}

describe('execution steps log through the promotion logger', () => {
  it('a line logged by a step carries promotionId, service and env', async () => {
    const lines: Line[] = [];
    const p = promotion({
      state: 'running',
      steps: { dispatch: { name: 'dispatch', status: 'started', startedAt: '2026-03-02T10:59:00Z', owner: 'an-earlier-attempt' } },
    });
    const deps = {
      config: snConfig(),
      clock: { now: () => new Date('2026-03-02T11:00:00Z') },
      repo: {
        get: async () => p,
        update: async () => {
          throw new Error('stop after the first line');
        },
      },
      logger: recordingLogger(lines),
      timing: DEFAULT_TIMING,
    } as unknown as ExecDeps;
    await expect(new ExecutePromotion(deps).advance(p.id, 'this-attempt')).rejects.toThrow('stop after the first line');
    expect(lines).toEqual([
      { level: 'warn', bindings: { promotionId: p.id, service: 'markets-pipeline', env: 'prod' }, obj: { step: 'dispatch' }, msg: 'resuming an interrupted promotion' },
    ]);
  });
});
