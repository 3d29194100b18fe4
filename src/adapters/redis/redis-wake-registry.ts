import type { Redis } from 'ioredis';
import type { WakeRegistry } from '../../app/ports/wake-registry';
import type { RedisKeys } from './redis-keys';

const DAY_S = 86_400;

/** One set per wake key (run, SHA, PR, workflow) of the promotions waiting on it; expires after a day. */
export class RedisWakeRegistry implements WakeRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async watch(promotionId: string, keys: readonly string[]): Promise<void> {
    if (!keys.length) return;
    const m = this.redis.multi();
    for (const k of keys) m.sadd(this.keys.waiting(k), promotionId).expire(this.keys.waiting(k), DAY_S);
    await m.exec();
  }

  async waitingOn(keys: readonly string[]): Promise<string[]> {
    if (!keys.length) return [];
    return this.redis.sunion(...keys.map((k) => this.keys.waiting(k)));
  }
}
