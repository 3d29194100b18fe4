/** The calls made to a vendor on behalf of one promotion, counted while its work runs. */
export interface CallCount {
  promotionId: string;
  calls: number;
}

/** Carries a CallCount through async work (Node's AsyncLocalStorage satisfies it). */
export interface CallScope {
  run<R>(store: CallCount, work: () => R): R;
  getStore(): CallCount | undefined;
}
