/** Every Redis key shipgate uses, under one configurable prefix (tests use a unique one each). */
export class RedisKeys {
  constructor(readonly prefix: string) {}
  promotion(id: string): string {
    return `${this.prefix}:promotion:${id}`;
  }
  promotionIndex(): string {
    return `${this.prefix}:promotions`;
  }
  serviceIndex(service: string): string {
    return `${this.prefix}:promotions:${service}`;
  }
  /** Promotions with execution work left (sorted by last change). */
  execIndex(): string {
    return `${this.prefix}:exec`;
  }
  /** Promotions owing Slack a message or an update. */
  chatIndex(): string {
    return `${this.prefix}:chatq`;
  }
  /** Promotions waiting on a GitHub object (run, SHA, PR): woken by its webhooks. */
  waiting(wakeKey: string): string {
    return `${this.prefix}:wait:${wakeKey}`;
  }
  /** Set when a job is nudged while it runs: it looks again instead of sleeping. */
  nudged(jobId: string): string {
    return `${this.prefix}:nudge:${jobId}`;
  }
  /** The latest workflow run payload a webhook delivered (reads come from webhooks when they arrived). */
  runSeen(repo: string, runId: number): string {
    return `${this.prefix}:run:${repo}:${runId}`;
  }
  /** Which promotion a workflow run belongs to (a run is never adopted by two). */
  runOwner(repo: string, runId: number): string {
    return `${this.prefix}:runowner:${repo}:${runId}`;
  }
  audit(): string {
    return `${this.prefix}:audit`;
  }
  auditFor(id: string): string {
    return `${this.prefix}:audit:${id}`;
  }
  deployments(service: string, env: string): string {
    return `${this.prefix}:deployments:${service}:${env}`;
  }
  cache(name: string): string {
    return `${this.prefix}:cache:${name}`;
  }
  /** The (service, environment) lock: holds the promotion id. */
  envLock(service: string, env: string): string {
    return this.lock(`env:${service}:${env}`);
  }
  lock(name: string): string {
    return `${this.prefix}:lock:${name}`;
  }
  /** BullMQ's own prefix (it appends `:<queue>:…`). */
  queuePrefix(): string {
    return `${this.prefix}:bull`;
  }
}
