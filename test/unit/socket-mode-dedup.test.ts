/**
 * Socket Mode re-deliveries: the second copy of an envelope is acknowledged and does nothing,
 * unless the first copy's ack could not be sent (the socket closed under it) — then nothing
 * acted and the re-delivery must act.
 */
import type { AllMiddlewareArgs, AnyMiddlewareArgs } from '@slack/bolt';
import { silentLogger } from '../../src/app/logger';
import type { OnceGuard } from '../../src/app/ports/once-guard';
import { createSocketModeReceiver } from '../../src/adapters/slack/socket-mode-receiver';

class MemoryOnce implements OnceGuard {
  readonly keys = new Set<string>();
  async claim(key: string): Promise<boolean> {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    return true;
  }
  async release(key: string): Promise<void> {
    this.keys.delete(key);
  }
}

function args(body: Record<string, unknown>, next: () => Promise<void>, ack: () => Promise<void>): AnyMiddlewareArgs & AllMiddlewareArgs {
  return { body, next, ack } as unknown as AnyMiddlewareArgs & AllMiddlewareArgs;
}

describe('Socket Mode dedup middleware', () => {
  const socket = createSocketModeReceiver({ appToken: 'xapp-1-unit', logger: silentLogger });
  const body = { type: 'block_actions', trigger_id: '1.2.3', actions: [{ action_id: 'approve', action_ts: '1.1' }] };

  it('acks a re-delivered envelope without running the listeners', async () => {
    const once = new MemoryOnce();
    const dedup = socket.dedup(once);
    const next = jest.fn(async () => undefined);
    const ack = jest.fn(async () => undefined);
    await dedup(args(body, next, ack));
    await dedup(args({ ...body }, next, ack));
    expect(next).toHaveBeenCalledTimes(1);
    expect(ack).toHaveBeenCalledTimes(1); // the duplicate's ack; the first one is the listener's
  });

  it('lets the re-delivery act when the first ack could not be sent', async () => {
    const once = new MemoryOnce();
    const dedup = socket.dedup(once);
    const failing = jest.fn(async () => {
      throw Object.assign(new Error('not ready'), { code: 'slack_socket_mode_send_while_not_ready_error' });
    });
    await expect(dedup(args(body, failing, async () => undefined))).rejects.toThrow('not ready');
    const next = jest.fn(async () => undefined);
    await dedup(args({ ...body }, next, async () => undefined));
    expect(next).toHaveBeenCalledTimes(1);
  });

  it('keeps the claim when a listener fails for another reason (it may have acted)', async () => {
    const once = new MemoryOnce();
    const dedup = socket.dedup(once);
    await expect(dedup(args(body, async () => Promise.reject(new Error('boom')), async () => undefined))).rejects.toThrow('boom');
    const next = jest.fn(async () => undefined);
    await dedup(args({ ...body }, next, async () => undefined));
    expect(next).not.toHaveBeenCalled();
  });
});
