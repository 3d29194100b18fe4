import { Redis } from 'ioredis';
import { LuaScript } from '../../../src/adapters/redis/lua-script';
import { REDIS_URL, uniquePrefix } from '../../helpers/redis-prefix';

/** Scripts go by SHA1; a server without the script (restarted, flushed) gets its text once more. */
describe('LuaScript', () => {
  const redis = new Redis(REDIS_URL);
  afterAll(() => redis.quit());

  it('runs by EVALSHA, and after NOSCRIPT sends the text again (EVAL caches it for the next call)', async () => {
    const key = `${uniquePrefix('lua')}:k`;
    // a script no one loaded yet: unique text, so this server has never seen it
    const script = new LuaScript(`-- ${key}\nreturn redis.call('INCR', KEYS[1])`);
    expect((await redis.script('EXISTS', script.sha)) as number[]).toEqual([0]);
    expect(await script.run(redis, 1, key)).toBe(1);
    expect((await redis.script('EXISTS', script.sha)) as number[]).toEqual([1]);
    expect(await script.run(redis, 1, key)).toBe(2);
    await redis.del(key);
  });

  it('passes other errors through', async () => {
    const script = new LuaScript(`return redis.error_reply('shipgate test error')`);
    await expect(script.run(redis, 0)).rejects.toThrow('shipgate test error');
  });
});
