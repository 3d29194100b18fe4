/** Which promotions wait on which GitHub objects, so a webhook wakes exactly them. */
export interface WakeRegistry {
  /** `promotionId` waits on `keys` (until it registers again or a day passes). */
  watch(promotionId: string, keys: readonly string[]): Promise<void>;
  /** The promotions waiting on any of `keys`. */
  waitingOn(keys: readonly string[]): Promise<string[]>;
}
