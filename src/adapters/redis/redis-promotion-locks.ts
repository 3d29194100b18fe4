import type { Redis } from 'ioredis';
import type { PromotionLocks } from '../../app/ports/promotion-locks';
import type { RedisKeys } from './redis-keys';
import { LuaScript } from './lua-script';

const REPLACE = new LuaScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0`);
const RELEASE = new LuaScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`);

/** Locks as plain keys holding the promotion id; changed only by compare-and-set scripts. */
export class RedisPromotionLocks implements PromotionLocks {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  private key(service: string, env: string): string {
    return this.keys.envLock(service, env);
  }

  async acquire(service: string, env: string, promotionId: string): Promise<{ ok: true } | { ok: false; holder: string }> {
    const key = this.key(service, env);
    if ((await this.redis.set(key, promotionId, 'NX')) === 'OK') return { ok: true };
    const holder = await this.redis.get(key);
    if (holder === promotionId) return { ok: true };
    if (holder === null) return this.acquire(service, env, promotionId);
    return { ok: false, holder };
  }

  async replace(service: string, env: string, from: string, to: string): Promise<boolean> {
    return (await REPLACE.run(this.redis, 1, this.key(service, env), from, to)) === 1;
  }

  async release(service: string, env: string, promotionId: string): Promise<void> {
    await RELEASE.run(this.redis, 1, this.key(service, env), promotionId);
  }

  async holder(service: string, env: string): Promise<string | undefined> {
    return (await this.redis.get(this.key(service, env))) ?? undefined;
  }
}
