import type { Logger } from './logger';
import type { CallCount, CallScope } from './ports/call-scope';
import type { PromotionRepository } from './ports/promotion-repository';

export interface CountGitHubCallsDeps {
  repo: Pick<PromotionRepository, 'update'>;
  /** The scope the GitHub client counts its requests in. */
  scope: CallScope;
  logger: Logger;
}

/**
 * The promotion's `evidence.githubCalls`: every GitHub call a worker job makes for a promotion
 * is counted in a scope and added to the promotion when the job ends (or earlier, when an
 * evidence pack needs the final number); a count is added once.
 */
export class CountGitHubCalls {
  constructor(private readonly d: CountGitHubCallsDeps) {}

  /** Runs worker work for a promotion and adds the GitHub calls it made to the promotion's evidence. */
  async run<T>(id: string, work: () => Promise<T>): Promise<T> {
    const scope: CallCount = { promotionId: id, calls: 0 };
    try {
      return await this.d.scope.run(scope, work);
    } finally {
      await this.settle(scope, id);
    }
  }

  /** Adds the calls counted so far by the running job for `id` (and zeroes them, so none counts twice). */
  settleCurrent(id: string): Promise<void> {
    return this.settle(this.d.scope.getStore(), id);
  }

  private async settle(scope: CallCount | undefined, id: string): Promise<void> {
    if (!scope || scope.promotionId !== id || !scope.calls) return;
    const calls = scope.calls;
    scope.calls = 0;
    await this.d.repo
      .update(id, (cur) => ({ ...cur, evidence: { ...cur.evidence, githubCalls: (cur.evidence.githubCalls ?? 0) + calls } }))
      .then(
        () => undefined,
        (e: unknown) => this.d.logger.warn({ promotionId: id, err: e }, 'could not record the GitHub call count'),
      );
  }
}
