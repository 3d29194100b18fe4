/**
 * GitHub asks integrators to space content-creating requests (about one write per second
 * per token). This pacer spaces writes in two lanes: `high` for what moves a promotion
 * (dispatch, PR, merge, environment review) and `low` for bookkeeping (GitHub Deployment
 * mirroring, deployment statuses), so bookkeeping never delays another promotion's
 * dispatch. A low-lane write goes only when no high-lane write waits. Per process: several
 * worker replicas each pace their own writes.
 */
export type WriteLane = 'high' | 'low';

export class WritePacer {
  private readonly waiting: Record<WriteLane, Array<() => void>> = { high: [], low: [] };
  private nextAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly minIntervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when this write may be sent. */
  turn(lane: WriteLane): Promise<void> {
    if (this.minIntervalMs <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.waiting[lane].push(resolve);
      this.pump();
    });
  }

  /** Writes waiting per lane (metrics, tests). */
  depth(): Record<WriteLane, number> {
    return { high: this.waiting.high.length, low: this.waiting.low.length };
  }

  private pump(): void {
    if (this.timer) return;
    const wait = this.nextAt - this.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
      this.timer.unref();
      return;
    }
    const next = this.waiting.high.shift() ?? this.waiting.low.shift();
    if (!next) return;
    this.nextAt = this.now() + this.minIntervalMs;
    next();
    if (this.waiting.high.length || this.waiting.low.length) this.pump();
  }
}
