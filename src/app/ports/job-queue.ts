export interface JobQueue {
  /** Evaluate the gates of a newly requested promotion (jobId `eval-<id>`). */
  enqueueEvaluation(promotionId: string): Promise<void>;
  /** Execute an approved promotion (jobId = promotion id, so it is enqueued at most once). */
  enqueueExecution(promotionId: string, delayMs?: number): Promise<void>;
  /** Expire a pending approval after `approvalTimeout` (jobId `expire-<id>`). */
  enqueueExpiry(promotionId: string, delayMs: number): Promise<void>;
}
