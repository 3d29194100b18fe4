import { Redis } from 'ioredis';
import { RedisPromotionRepository } from '../../src/adapters/redis/redis-promotion-repository';
import { RedisKeys } from '../../src/adapters/redis/redis-keys';
import { emptyEvidence } from '../../src/domain/evidence';
import type { Promotion } from '../../src/domain/promotion';
import { displayFingerprint } from '../../src/domain/outbox';
import { mrk, stored } from '../../src/shared/mrkdwn';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';

/**
 * The compare-and-set update keeps the (service, env) lock and the sweeper's indexes (execution
 * work, chat owed) in step with the document, and skips the index and lock commands that
 * cannot change anything (an entry that was out and stays out, a lock released when the
 * promotion ended).
 */
describe('RedisPromotionRepository (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let repo: RedisPromotionRepository;

  beforeEach(() => {
    redis = new Redis(REDIS_URL);
    prefix = uniquePrefix('repo');
    keys = new RedisKeys(prefix);
    repo = new RedisPromotionRepository(redis, keys);
  });
  afterEach(async () => {
    redis.disconnect();
    await dropPrefix(prefix);
  });

  function promotion(id: string, patch: Partial<Promotion> = {}): Promotion {
    return {
      id,
      kind: 'promotion',
      service: 'svc',
      repo: 'acme/svc',
      from: 'int',
      env: 'prod',
      requester: { id: 'U1' },
      channel: 'C1',
      state: 'approved',
      createdAt: '2026-11-21T10:00:00.000Z',
      updatedAt: '2026-11-21T10:00:00.000Z',
      requiredApprovals: 1,
      approvals: [],
      gates: [],
      steps: {},
      evidence: emptyEvidence(),
      version: 0,
      ...patch,
    };
  }

  const inExec = async (id: string) => (await redis.zscore(keys.execIndex(), id)) !== null;
  const inChat = async (id: string) => (await redis.zscore(keys.chatIndex(), id)) !== null;
  const lockHolder = () => redis.get(keys.envLock('svc', 'prod'));

  it('keeps the lock and both indexes in step through a promotion and the updates after it ended', async () => {
    expect(await repo.createLocked(promotion('p-1'))).toEqual({ ok: true });
    expect(await lockHolder()).toBe('p-1');
    expect(await inExec('p-1')).toBe(true);
    expect(await inChat('p-1')).toBe(false);

    // owes Slack a thread post: in the chat index; delivered: out again
    let { promotion: p } = await repo.update('p-1', (c) => ({ ...c, messageTs: '1.2', outbox: [{ key: 'k', kind: 'thread', text: stored(mrk`x`), at: c.createdAt, state: 'pending' }] }));
    expect(await inChat('p-1')).toBe(true);
    ({ promotion: p } = await repo.update('p-1', (c) => ({ ...c, outbox: c.outbox!.map((i) => ({ ...i, state: 'sent' as const })), chat: { shown: 'stale' } }), { known: p }));
    expect(await inChat('p-1')).toBe(true); // the message still shows an older rendering
    ({ promotion: p } = await repo.update('p-1', (c) => ({ ...c, chat: { shown: displayFingerprint(c) } }), { known: p }));
    expect(await inChat('p-1')).toBe(false);

    // ends: the lock is released in the same update; execution work remains until finalized
    ({ promotion: p } = await repo.update('p-1', (c) => ({ ...c, state: 'succeeded', exec: { finalized: false, mirrored: true } }), { known: p }));
    expect(await lockHolder()).toBeNull();
    expect(await inExec('p-1')).toBe(true);

    // another promotion takes the lock; later updates of the ended one never touch it
    expect(await repo.createLocked(promotion('p-2', { createdAt: '2026-11-21T11:00:00.000Z' }))).toEqual({ ok: true });
    expect(await inChat('p-1')).toBe(true); // the card must show "succeeded"
    ({ promotion: p } = await repo.update('p-1', (c) => ({ ...c, chat: { shown: displayFingerprint(c) }, exec: { ...c.exec, finalized: true } }), { known: p }));
    expect(await inExec('p-1')).toBe(false);
    expect(await inChat('p-1')).toBe(false);
    // the GitHub call count is not on the card: counting it owes Slack nothing
    await repo.update('p-1', (c) => ({ ...c, evidence: { ...c.evidence, githubCalls: 3 } }), { known: p });
    expect(await lockHolder()).toBe('p-2');
    expect(await inExec('p-1')).toBe(false);
    expect(await inChat('p-1')).toBe(false);
    expect((await repo.get('p-1'))!.evidence.githubCalls).toBe(3);
    expect(await inExec('p-2')).toBe(true);
  });

  it('an update against a stale copy re-applies its change to what is stored (no lost write)', async () => {
    await repo.createLocked(promotion('p-3'));
    const stale = (await repo.get('p-3'))!;
    await repo.update('p-3', (c) => ({ ...c, evidence: { ...c.evidence, githubCalls: 1 } }));
    const r = await repo.update('p-3', (c) => ({ ...c, state: 'failed', stateReason: stored(mrk`x`) }), { known: stale });
    expect(r.promotion.version).toBe(2);
    const saved = (await repo.get('p-3'))!;
    expect(saved).toMatchObject({ state: 'failed', version: 2, evidence: { githubCalls: 1 } });
    expect(await lockHolder()).toBeNull();
  });
});
