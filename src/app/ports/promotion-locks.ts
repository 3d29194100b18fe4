/** One promotion or rollback at a time per (service, environment). */
export interface PromotionLocks {
  /** Takes the lock for `promotionId`; when held, returns the holder's promotion id. */
  acquire(service: string, env: string, promotionId: string): Promise<{ ok: true } | { ok: false; holder: string }>;
  /** Hands the lock from `from` to `to` only if `from` still holds it (pre-emption, stale holder). */
  replace(service: string, env: string, from: string, to: string): Promise<boolean>;
  /** Releases the lock if `promotionId` holds it. */
  release(service: string, env: string, promotionId: string): Promise<void>;
  holder(service: string, env: string): Promise<string | undefined>;
}
