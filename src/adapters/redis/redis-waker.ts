import type { Redis } from 'ioredis';
import type { Sleeper } from '../../app/ports/sleeper';

/**
 * Sleeps that webhooks can cut short across processes: the web role publishes wake keys on
 * a Redis channel, every worker listens. Without webhooks it degrades to plain polling.
 */
export class RedisWaker implements Sleeper {
  private readonly waiting = new Map<string, Set<() => void>>();
  private subscribed: Promise<unknown> | undefined;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis | undefined,
    private readonly channel: string,
  ) {}

  private ensureSubscribed(): Promise<unknown> {
    if (!this.subscriber) return Promise.resolve();
    this.subscribed ??= this.subscriber.subscribe(this.channel).then(() => {
      this.subscriber!.on('message', (_ch: string, msg: string) => {
        let keys: string[] = [];
        try {
          keys = JSON.parse(msg) as string[];
        } catch {
          return;
        }
        for (const k of keys) for (const fn of [...(this.waiting.get(k) ?? [])]) fn();
      });
    });
    return this.subscribed;
  }

  async sleep(ms: number, wakeOn: readonly string[] = []): Promise<void> {
    if (wakeOn.length) await this.ensureSubscribed().catch(() => undefined);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        for (const k of wakeOn) this.waiting.get(k)?.delete(done);
        resolve();
      };
      // a sleeping job must not hold a stopping process open (an abandoned job is resumed elsewhere)
      const timer = setTimeout(done, ms).unref();
      for (const k of wakeOn) {
        const set = this.waiting.get(k) ?? new Set();
        set.add(done);
        this.waiting.set(k, set);
      }
    });
  }

  async wake(keys: readonly string[]): Promise<void> {
    if (keys.length) await this.publisher.publish(this.channel, JSON.stringify(keys));
  }
}
