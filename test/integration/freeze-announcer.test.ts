import { Redis } from 'ioredis';
import { FreezeAnnouncer } from '../../src/app/freeze-announcer';
import { CachedFreezeCalendars } from '../../src/adapters/calendar/cached-freeze-calendars';
import { RedisOnceGuard } from '../../src/adapters/redis/redis-once-guard';
import { RedisKeys } from '../../src/adapters/redis/redis-keys';
import { parseConfig } from '../../src/config/load-config';
import { silentLogger } from '../../src/app/logger';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';
import { TestClock } from '../helpers/test-clock';

const config = parseConfig(`
timezone: Europe/London
environments: [{ name: int }, { name: prod }]
services: [{ name: s, repo: a/s, pipeline: [int, prod], strategy: { type: workflow, workflow: d.yml } }]
freezes:
  - { name: regulatory filing, environments: [prod], dates: ["2026-12-15"] }
  - { name: all hands, environments: ["*"], dates: ["2026-12-15"] }
announce: { channel: C0RELEASES }
`);

describe('freeze announcements', () => {
  const prefix = uniquePrefix('announce');
  const redis = new Redis(REDIS_URL);
  afterAll(async () => {
    redis.disconnect();
    await dropPrefix(prefix);
  });

  function replica(clock: TestClock, posts: string[]) {
    return new FreezeAnnouncer({
      config,
      clock,
      calendars: new CachedFreezeCalendars(config, __dirname, clock, silentLogger),
      once: new RedisOnceGuard(redis, new RedisKeys(prefix)),
      post: async (channel, text) => {
        posts.push(`${channel} ${text.text}`);
      },
      logger: silentLogger,
    });
  }

  it('posts 24 h before a freeze starts and when it ends, once across two replicas', async () => {
    const clock = new TestClock('2026-12-13T23:59:00Z'); // 24 h 1 min before: too early
    const posts: string[] = [];
    const a = replica(clock, posts);
    const b = replica(clock, posts);
    expect(await a.tick()).toBe(0);

    clock.set('2026-12-14T00:00:30Z'); // within 24 h of the start (00:00 GMT on the 15th)
    const [na, nb] = await Promise.all([a.tick(), b.tick()]);
    expect(na + nb).toBe(2); // one per window, whichever replica got there first
    expect(posts.filter((p) => p.includes('regulatory filing'))).toHaveLength(1);
    expect(posts.filter((p) => p.includes('all hands'))).toHaveLength(1);
    expect(posts.find((p) => p.includes('all hands'))).toContain('*int*, *prod*');
    expect(posts[0]).toMatch(/^C0RELEASES :snowflake: Change freeze \*(regulatory filing|all hands)\* starts in 24 h/);

    expect(await a.tick()).toBe(0); // no duplicates on the next tick
    clock.set('2026-12-15T12:00:00Z');
    expect(await b.tick()).toBe(0); // nothing while it runs

    clock.set('2026-12-16T00:05:00Z');
    await Promise.all([a.tick(), b.tick()]);
    const ends = posts.filter((p) => p.includes(':sunny:'));
    expect(ends).toHaveLength(2);
    expect(ends.join('\n')).toContain('Change freeze *regulatory filing* has ended on *prod*');
  });
});
