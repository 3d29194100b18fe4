import type { Redis } from 'ioredis';
import type { AuditEntry, AuditLog } from '../../app/ports/audit-log';
import type { RedisKeys } from './redis-keys';

/**
 * Append-only audit record in Redis Streams: one global stream and one per promotion,
 * written in one MULTI. Stream entries cannot be edited in place; shipgate never trims them.
 */
export class RedisAuditLog implements AuditLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    const json = JSON.stringify(entry);
    await this.redis
      .multi()
      .xadd(this.keys.audit(), '*', 'promotion', entry.promotionId, 'type', entry.type, 'entry', json)
      .xadd(this.keys.auditFor(entry.promotionId), '*', 'type', entry.type, 'entry', json)
      .exec();
  }

  async forPromotion(promotionId: string): Promise<AuditEntry[]> {
    const rows = await this.redis.xrange(this.keys.auditFor(promotionId), '-', '+');
    return rows.map(([, fields]) => {
      const i = fields.indexOf('entry');
      return JSON.parse(fields[i + 1] ?? '{}') as AuditEntry;
    });
  }
}
