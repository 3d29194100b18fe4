import type { Redis } from 'ioredis';
import type { OnceGuard } from '../../app/ports/once-guard';
import type { RedisKeys } from './redis-keys';

/** SET NX PX: the first replica to claim a key wins. */
export class RedisOnceGuard implements OnceGuard {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys.lock(`once:${key}`), String(Date.now()), 'PX', ttlMs, 'NX')) === 'OK';
  }

  async release(key: string): Promise<void> {
    await this.redis.del(this.keys.lock(`once:${key}`));
  }
}
