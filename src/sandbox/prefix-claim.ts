/**
 * One sandbox per key prefix in a shared Redis (`REDIS_URL`): every start resets the keys
 * under its prefix, so a second sandbox on the same prefix would wipe the first one's
 * promotions, locks and audit log. The claim is a key outside the prefix (so the reset does
 * not delete it) holding its owner, with a TTL the owner keeps refreshing; a sandbox that
 * died without releasing it frees the prefix when the TTL runs out.
 */
import { Redis } from 'ioredis';
import { ShipgateError } from '../shared/shipgate-error';

export interface PrefixClaim {
  release(): Promise<void>;
}

const TTL_MS = 15_000;
const REFRESH_MS = 5_000;

// refresh / release only while the claim is still ours
const REFRESH = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export function claimKey(prefix: string): string {
  return `sandbox-claim:${prefix}`;
}

export async function claimPrefix(url: string, prefix: string, owner: { port: number; startedAt: string }): Promise<PrefixClaim> {
  const r = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  r.on('error', () => undefined);
  const key = claimKey(prefix);
  const value = JSON.stringify({ pid: process.pid, ...owner, nonce: Math.random().toString(36).slice(2) });
  try {
    await r.connect();
    const ok = await r.set(key, value, 'PX', TTL_MS, 'NX');
    if (ok !== 'OK') {
      const raw = await r.get(key);
      let who = '';
      try {
        const h = JSON.parse(raw ?? '{}') as { pid?: number; port?: number };
        who = ` (pid ${h.pid ?? '?'}, port ${h.port ?? '?'})`;
      } catch {
        // unreadable: still taken
      }
      throw new ShipgateError(
        'locked',
        `another sandbox${who} uses the keys under "${prefix}:" in this Redis (REDIS_URL): stop it, or start this one with another prefix, e.g. SHIPGATE_REDIS_PREFIX=${prefix}-2`,
        { prefix },
      );
    }
  } catch (e) {
    r.disconnect();
    throw e;
  }
  const timer = setInterval(() => void r.eval(REFRESH, 1, key, value, String(TTL_MS)).catch(() => undefined), REFRESH_MS);
  timer.unref();
  return {
    release: async () => {
      clearInterval(timer);
      await r.eval(RELEASE, 1, key, value).catch(() => undefined);
      r.disconnect();
    },
  };
}
