import type { Redis } from 'ioredis';
import type { LockedCreate, PromotionRepository, UpdateOptions } from '../../app/ports/promotion-repository';
import { isExecutionActive } from '../../domain/execution-plan';
import { owesChat } from '../../domain/outbox';
import { isTerminal, TERMINAL_STATES, type Promotion } from '../../domain/promotion';
import { ShipgateError } from '../../shared/shipgate-error';
import type { RedisKeys } from './redis-keys';
import { LuaScript } from './lua-script';

const TERMINAL_LUA = `local terminal = {${TERMINAL_STATES.map((s) => `['${s}']=true`).join(',')}}`;

/**
 * The lock of (service, environment) is free for `id` when nobody holds it, `id` holds it,
 * or the holder's promotion has ended; a holder whose document is gone counts as ended only
 * after a grace period (a promotion and its lock are always written together, so "gone" is
 * never "not stored yet").
 */
const LOCK_FREE_LUA = `
${TERMINAL_LUA}
local function lockFree(lockKey, sinceKey, holderDocKey, id, nowMs, graceMs)
  local holder = redis.call('GET', lockKey)
  if not holder or holder == id then return true, holder end
  local doc = redis.call('GET', holderDocKey)
  if doc then
    local state = cjson.decode(doc).state
    if terminal[state] then return true, holder end
    return false, holder
  end
  local since = tonumber(redis.call('GET', sinceKey) or '0')
  if nowMs - since > graceMs then return true, holder end
  return false, holder
end`;

/**
 * Creates a promotion and takes its lock in one step. KEYS: lock, lock-since, holder doc,
 * new doc, global index, service index, exec index, chat index. ARGV: id, json, score,
 * expected holder ('' = none), now ms, grace ms, active, owes chat. Returns {1} or {0, holder}.
 */
const CREATE_LOCKED = new LuaScript(`
${LOCK_FREE_LUA}
local holder = redis.call('GET', KEYS[1]) or ''
if holder ~= ARGV[4] then return {0, holder} end
local free = lockFree(KEYS[1], KEYS[2], KEYS[3], ARGV[1], tonumber(ARGV[5]), tonumber(ARGV[6]))
if not free then return {0, holder} end
if redis.call('SET', KEYS[4], ARGV[2], 'NX') == false then return {-1, ''} end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[5])
redis.call('ZADD', KEYS[5], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[6], ARGV[3], ARGV[1])
if ARGV[7] == '1' then redis.call('ZADD', KEYS[7], ARGV[3], ARGV[1]) end
if ARGV[8] == '1' then redis.call('ZADD', KEYS[8], ARGV[3], ARGV[1]) end
return {1, ''}`);

/**
 * Compare-and-set on `version`; on a mismatch returns the current document so the caller
 * re-applies its change without another read. Maintains, in the same step: the lock (released
 * when the promotion ends, or taken when asked and free), the index of promotions with
 * execution work (the sweeper's list) and of promotions that owe Slack a message.
 * KEYS: doc, lock, lock-since, holder doc, exec index, chat index. ARGV: expected version,
 * json, terminal now ('1' ended by this update: release the lock; '0' or 'was' ended before,
 * its lock released then), lock mode ('' | 'take'), id, now ms, grace ms, active and owes chat
 * ('1' add to the index, '0' remove, '-' was not in it and stays out: nothing to do),
 * expected holder, history json ('' = none; KEYS[9] list, KEYS[10] recorded set), then audit
 * entries as (type, json) pairs appended to KEYS[7] (all) and KEYS[8] (this promotion's) streams. Returns {1} stored, {0, current} version moved, {-1} missing, {2, holder}
 * lock held, {3} the lock changed hands since it was read (read it again).
 */
const CAS = new LuaScript(`
${LOCK_FREE_LUA}
local cur = redis.call('GET', KEYS[1])
if not cur then return {-1, ''} end
if tostring(cjson.decode(cur).version) ~= ARGV[1] then return {0, cur} end
if ARGV[4] == 'take' then
  if (redis.call('GET', KEYS[2]) or '') ~= ARGV[10] then return {3, ''} end
  local free, holder = lockFree(KEYS[2], KEYS[3], KEYS[4], ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]))
  if not free then return {2, holder or ''} end
  redis.call('SET', KEYS[2], ARGV[5])
  redis.call('SET', KEYS[3], ARGV[6])
end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[3] == '1' and redis.call('GET', KEYS[2]) == ARGV[5] then redis.call('DEL', KEYS[2], KEYS[3]) end
if ARGV[8] == '1' then redis.call('ZADD', KEYS[5], ARGV[6], ARGV[5]) elseif ARGV[8] == '0' then redis.call('ZREM', KEYS[5], ARGV[5]) end
if ARGV[9] == '1' then redis.call('ZADD', KEYS[6], ARGV[6], ARGV[5]) elseif ARGV[9] == '0' then redis.call('ZREM', KEYS[6], ARGV[5]) end
if ARGV[11] ~= '' and redis.call('SADD', KEYS[10], ARGV[5]) == 1 then redis.call('LPUSH', KEYS[9], ARGV[11]) end
for i = 12, #ARGV, 2 do
  redis.call('XADD', KEYS[7], '*', 'promotion', ARGV[5], 'type', ARGV[i], 'entry', ARGV[i + 1])
  redis.call('XADD', KEYS[8], '*', 'type', ARGV[i], 'entry', ARGV[i + 1])
end
return {1, ''}`);

/** An index entry's change: '1' (re)add with the current time, '0' remove, '-' nothing (was out, stays out). */
function indexFlag(now: boolean, before: boolean): '1' | '0' | '-' {
  return now ? '1' : before ? '0' : '-';
}

/** A holder whose document cannot be found is treated as ended after this long. */
const LOCK_GRACE_MS = 30_000;

/** Promotions as JSON documents with optimistic concurrency (compare-and-set on `version`, retried on conflict). */
export class RedisPromotionRepository implements PromotionRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async createLocked(p: Promotion): Promise<LockedCreate> {
    const lock = this.keys.envLock(p.service, p.env);
    for (let attempt = 0; attempt < 20; attempt++) {
      const holder = (await this.redis.get(lock)) ?? '';
      const [code, found] = (await CREATE_LOCKED.run(
        this.redis,
        8,
        lock,
        `${lock}:since`,
        this.keys.promotion(holder || p.id),
        this.keys.promotion(p.id),
        this.keys.promotionIndex(),
        this.keys.serviceIndex(p.service),
        this.keys.execIndex(),
        this.keys.chatIndex(),
        p.id,
        JSON.stringify(p),
        String(Date.parse(p.createdAt)),
        holder,
        String(this.nowMs()),
        String(LOCK_GRACE_MS),
        isExecutionActive(p) ? '1' : '0',
        owesChat(p) ? '1' : '0',
      )) as [number, string];
      if (code === 1) return { ok: true };
      if (code === -1) throw new ShipgateError('internal', `promotion ${p.id} already exists`);
      if (found !== holder) continue; // the lock changed hands meanwhile: look again
      return { ok: false, holder: found };
    }
    throw new ShipgateError('locked', `${p.service} in \`${p.env}\` is busy; try again.`);
  }

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

  async update(id: string, fn: (current: Promotion) => Promotion | undefined, o: UpdateOptions = {}): Promise<{ promotion: Promotion; changed: boolean }> {
    const key = this.keys.promotion(id);
    let current = o.known;
    for (let attempt = 0; attempt < 100; attempt++) {
      if (!current) {
        const raw = await this.redis.get(key);
        if (!raw) throw new ShipgateError('not_found', `No promotion \`${id}\` exists.`);
        current = JSON.parse(raw) as Promotion;
      }
      const next = fn(current);
      if (!next) return { promotion: current, changed: false };
      const stored: Promotion = { ...next, version: current.version + 1 };
      const lock = this.keys.envLock(stored.service, stored.env);
      const holder = o.takeLock ? ((await this.redis.get(lock)) ?? '') : '';
      // compare-and-set on the version: a concurrent writer makes us re-apply fn to what it stored
      const audit = (typeof o.audit === 'function' ? o.audit(stored) : (o.audit ?? [])).flatMap((a) => [a.type, JSON.stringify(a)]);
      const historyKey = o.history ? this.keys.deployments(o.history.service, o.history.env) : this.keys.deployments(stored.service, stored.env);
      const [code, body] = (await CAS.run(
        this.redis,
        10,
        key,
        lock,
        `${lock}:since`,
        this.keys.promotion(holder || id),
        this.keys.execIndex(),
        this.keys.chatIndex(),
        this.keys.audit(),
        this.keys.auditFor(id),
        historyKey,
        `${historyKey}:recorded`,
        String(current.version),
        JSON.stringify(stored),
        // the version check makes `current` exactly what is stored: what it was decides what changes
        isTerminal(stored.state) ? (isTerminal(current.state) ? 'was' : '1') : '0',
        o.takeLock ? 'take' : '',
        id,
        String(this.nowMs()),
        String(LOCK_GRACE_MS),
        indexFlag(isExecutionActive(stored), isExecutionActive(current)),
        indexFlag(owesChat(stored), owesChat(current)),
        holder,
        o.history ? JSON.stringify(o.history) : '',
        ...audit,
      )) as [number, string];
      if (code === 1) return { promotion: stored, changed: true };
      if (code === 3) continue;
      if (code === -1) throw new ShipgateError('not_found', `No promotion \`${id}\` exists.`);
      if (code === 2) throw new ShipgateError('locked', `${stored.service} in \`${stored.env}\` is locked by \`${body}\`.`, { holder: body });
      current = JSON.parse(body) as Promotion;
    }
    throw new ShipgateError('internal', `could not update promotion ${id}: too much contention`);
  }

  async recent(limit: number, service?: string): Promise<Promotion[]> {
    const ids = await this.redis.zrevrange(service ? this.keys.serviceIndex(service) : this.keys.promotionIndex(), 0, limit - 1);
    return this.many(ids);
  }

  async withExecutionWork(limit: number): Promise<Promotion[]> {
    return this.many(await this.redis.zrange(this.keys.execIndex(), 0, limit - 1));
  }

  async owingChat(limit: number): Promise<Promotion[]> {
    return this.many(await this.redis.zrange(this.keys.chatIndex(), 0, limit - 1));
  }

  private async many(ids: string[]): Promise<Promotion[]> {
    if (!ids.length) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.promotion(id)));
    return raws.filter((r): r is string => Boolean(r)).map((r) => JSON.parse(r) as Promotion);
  }
}
