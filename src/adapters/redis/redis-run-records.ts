import type { Redis } from 'ioredis';
import type { RunRecords } from '../../app/ports/run-records';
import type { WorkflowRun } from '../../app/ports/workflow-runs';
import type { RedisKeys } from './redis-keys';
import { LuaScript } from './lua-script';

const DAY_MS = 86_400_000;

/** Keeps the newer of two run states (by updated_at); a webhook delivered late never rolls a run back. */
const REMEMBER = new LuaScript(`
local cur = redis.call('GET', KEYS[1])
if cur and tostring(cjson.decode(cur).updatedAt or '') > ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`);

/** Workflow runs as webhooks delivered them, and which promotion owns which run. */
export class RedisRunRecords implements RunRecords {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async remember(repo: string, run: WorkflowRun): Promise<void> {
    await REMEMBER.run(this.redis, 1, this.keys.runSeen(repo, run.id), JSON.stringify(run), run.updatedAt ?? '', String(DAY_MS));
  }

  async recall(repo: string, runId: number): Promise<WorkflowRun | undefined> {
    const raw = await this.redis.get(this.keys.runSeen(repo, runId));
    return raw ? (JSON.parse(raw) as WorkflowRun) : undefined;
  }

  async claim(repo: string, runId: number, promotionId: string): Promise<boolean> {
    const key = this.keys.runOwner(repo, runId);
    await this.redis.set(key, promotionId, 'PX', 30 * DAY_MS, 'NX');
    return (await this.redis.get(key)) === promotionId;
  }

  async ownedByOthers(repo: string, runIds: readonly number[], promotionId: string): Promise<Set<number>> {
    if (!runIds.length) return new Set();
    const owners = await this.redis.mget(runIds.map((id) => this.keys.runOwner(repo, id)));
    return new Set(runIds.filter((_, i) => owners[i] && owners[i] !== promotionId));
  }
}
