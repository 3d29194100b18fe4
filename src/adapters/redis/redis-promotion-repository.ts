import type { Redis } from 'ioredis';
import type { PromotionRepository } from '../../app/ports/promotion-repository';
import { isTerminal, type Promotion } from '../../domain/promotion';
import { ShipgateError } from '../../domain/shipgate-error';
import type { RedisKeys } from './redis-keys';

const CAS_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if not cur then return -1 end
if tostring(cjson.decode(cur).version) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Promotions as JSON documents with optimistic concurrency (compare-and-set on `version`, retried on conflict). */
export class RedisPromotionRepository implements PromotionRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async create(p: Promotion): Promise<void> {
    const ok = await this.redis
      .multi()
      .set(this.keys.promotion(p.id), JSON.stringify(p), 'NX')
      .zadd(this.keys.promotionIndex(), Date.parse(p.createdAt), p.id)
      .zadd(this.keys.serviceIndex(p.service), Date.parse(p.createdAt), p.id)
      .exec();
    if (!ok || ok[0]?.[1] !== 'OK') throw new ShipgateError('internal', `promotion ${p.id} already exists`);
  }

  async get(id: string): Promise<Promotion | undefined> {
    const raw = await this.redis.get(this.keys.promotion(id));
    return raw ? (JSON.parse(raw) as Promotion) : undefined;
  }

  async update(id: string, fn: (current: Promotion) => Promotion | undefined): Promise<{ promotion: Promotion; changed: boolean }> {
    const key = this.keys.promotion(id);
    for (let attempt = 0; attempt < 100; attempt++) {
      const raw = await this.redis.get(key);
      if (!raw) throw new ShipgateError('not_found', `No promotion \`${id}\` exists.`);
      const current = JSON.parse(raw) as Promotion;
      const next = fn(current);
      if (!next) return { promotion: current, changed: false };
      const stored: Promotion = { ...next, version: current.version + 1 };
      // compare-and-set on the version: a concurrent writer makes us re-read and re-apply fn
      const ok = (await this.redis.eval(CAS_SCRIPT, 1, key, String(current.version), JSON.stringify(stored))) as number;
      if (ok === 1) {
        // a promotion that ends gives up its (service, environment) lock
        if (isTerminal(stored.state) && !isTerminal(current.state)) await this.redis.eval(RELEASE_LOCK, 1, this.keys.envLock(stored.service, stored.env), stored.id);
        return { promotion: stored, changed: true };
      }
    }
    throw new ShipgateError('internal', `could not update promotion ${id}: too much contention`);
  }

  async recent(limit: number, service?: string): Promise<Promotion[]> {
    const ids = await this.redis.zrevrange(service ? this.keys.serviceIndex(service) : this.keys.promotionIndex(), 0, limit - 1);
    if (!ids.length) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.promotion(id)));
    return raws.filter((r): r is string => Boolean(r)).map((r) => JSON.parse(r) as Promotion);
  }
}
