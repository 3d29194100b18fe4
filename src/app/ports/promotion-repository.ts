import type { Promotion } from '../../domain/promotion';

export interface PromotionRepository {
  /** Stores a new promotion; fails if the id exists. */
  create(p: Promotion): Promise<void>;
  get(id: string): Promise<Promotion | undefined>;
  /**
   * Atomic read-modify-write (optimistic, retried on conflict). `fn` sees the latest stored
   * version and returns the new one, or `undefined` to leave it unchanged. `fn` may throw to abort.
   */
  update(id: string, fn: (current: Promotion) => Promotion | undefined): Promise<{ promotion: Promotion; changed: boolean }>;
  /** Most recent promotions first (optionally for one service). */
  recent(limit: number, service?: string): Promise<Promotion[]>;
}
