/** Resolves when `work` settles or after `ms`, whichever is first; says which. */
export async function within(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms).unref())),
  ]);
  clearTimeout(timer);
  return settled;
}

/** The work still running (listener work after ack(), worker jobs), so close() can give it a grace period. */
export class InflightWork {
  private readonly running = new Set<Promise<unknown>>();

  get size(): number {
    return this.running.size;
  }

  /** Adds work until it settles. */
  readonly track = <T>(work: Promise<T>): Promise<T> => {
    this.running.add(work);
    const done = () => this.running.delete(work);
    work.then(done, done);
    return work;
  };

  /** Whether everything running settled within `ms`. */
  settled(ms: number): Promise<boolean> {
    return within(ms, Promise.allSettled([...this.running]));
  }
}
