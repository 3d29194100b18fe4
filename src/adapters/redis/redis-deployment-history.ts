import type { Redis } from 'ioredis';
import type { DeploymentHistory, DeploymentRecord } from '../../app/ports/deployment-history';
import type { RedisKeys } from './redis-keys';

/** Deployments per (service, environment), newest first; kept forever (one small entry per deploy). */
export class RedisDeploymentHistory implements DeploymentHistory {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async record(d: DeploymentRecord): Promise<void> {
    await this.redis.lpush(this.keys.deployments(d.service, d.env), JSON.stringify(d));
  }

  async list(service: string, env: string, limit = 50): Promise<DeploymentRecord[]> {
    const rows = await this.redis.lrange(this.keys.deployments(service, env), 0, limit - 1);
    return rows.map((r) => JSON.parse(r) as DeploymentRecord);
  }
}
