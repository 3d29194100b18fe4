import type { Redis } from 'ioredis';
import type { DeploymentHistory, DeploymentRecord } from '../../app/ports/deployment-history';
import type { RedisKeys } from './redis-keys';
import { LuaScript } from './lua-script';

const RECORD_ONCE = new LuaScript(`if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then redis.call('LPUSH', KEYS[1], ARGV[2]) end return 1`);

/** Deployments per (service, environment), newest first; kept forever (one small entry per deploy). */
export class RedisDeploymentHistory implements DeploymentHistory {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Once per promotion: a resumed step that records again changes nothing. */
  async record(d: DeploymentRecord): Promise<void> {
    const list = this.keys.deployments(d.service, d.env);
    await RECORD_ONCE.run(this.redis, 2, list, `${list}:recorded`, d.promotionId, JSON.stringify(d));
  }

  async list(service: string, env: string, limit = 50): Promise<DeploymentRecord[]> {
    const rows = await this.redis.lrange(this.keys.deployments(service, env), 0, limit - 1);
    return rows.map((r) => JSON.parse(r) as DeploymentRecord);
  }
}
