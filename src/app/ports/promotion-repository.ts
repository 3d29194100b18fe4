import type { Promotion } from '../../domain/promotion';
import type { AuditEntry } from './audit-log';
import type { DeploymentRecord } from './deployment-history';

export type LockedCreate = { ok: true } | { ok: false; holder: string };

export interface UpdateOptions {
  /** The version the caller last read or wrote: saves a read when it is still current. */
  known?: Promotion;
  /** Take the (service, environment) lock in the same atomic step (a blocked promotion brought back). */
  takeLock?: boolean;
  /** Audit entries appended in the same atomic step, only when the update changes the promotion (a function gets the promotion as stored). */
  audit?: readonly AuditEntry[] | ((stored: Promotion) => readonly AuditEntry[]);
  /** A deployment to add to the environment's history in the same atomic step (once per promotion). */
  history?: DeploymentRecord;
}

export interface PromotionRepository {
  /** Stores a new promotion; fails if the id exists. */
  create(p: Promotion): Promise<void>;
  /**
   * Takes the (service, environment) lock and stores the new promotion in one atomic step;
   * when the lock is held by a live promotion, returns its id. A holder that ended counts as free.
   */
  createLocked(p: Promotion): Promise<LockedCreate>;
  get(id: string): Promise<Promotion | undefined>;
  /**
   * Atomic read-modify-write (optimistic, retried on conflict). `fn` sees the latest stored
   * version and returns the new one, or `undefined` to leave it unchanged. `fn` may throw to abort.
   * A promotion that ends releases its lock in the same step.
   */
  update(id: string, fn: (current: Promotion) => Promotion | undefined, options?: UpdateOptions): Promise<{ promotion: Promotion; changed: boolean }>;
  /** Most recent promotions first (optionally for one service). */
  recent(limit: number, service?: string): Promise<Promotion[]>;
  /** Promotions with execution work left (approved, running, or terminal work pending). */
  withExecutionWork(limit: number): Promise<Promotion[]>;
  /** Promotions whose thread or message owes Slack something. */
  owingChat(limit: number): Promise<Promotion[]>;
}
