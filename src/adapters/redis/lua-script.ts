import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run by its SHA1 (`EVALSHA`): the script's text goes to Redis once per server
 * (after a restart or `SCRIPT FLUSH`, Redis answers NOSCRIPT and the text is sent again with
 * `EVAL`, which also caches it), not with every call.
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, numKeys: number, ...args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, numKeys, ...args);
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('NOSCRIPT')) return redis.eval(this.source, numKeys, ...args);
      throw e;
    }
  }
}
