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
