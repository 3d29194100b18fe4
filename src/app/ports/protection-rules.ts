/** GitHub's custom deployment protection rules: the callback port and what a request and its answer carry. */

/** Answers GitHub's custom deployment protection rule callback. */
export interface ProtectionRuleCallback {
  answer(callbackUrl: string, environment: string, state: 'approved' | 'rejected', comment: string): Promise<void>;
}

export interface ProtectionRuleEvent {
  repo: string;
  environment: string;
  sha: string;
  callbackUrl: string;
}

/** The answer an attempt chose, kept with the job before GitHub is called so a retry never decides anew. */
export interface ProtectionDecision {
  state: 'approved' | 'rejected';
  promotionId?: string;
}

export interface ProtectionAttempt {
  /** An earlier attempt may have answered (a retry, or a job resumed after a crash). */
  retried?: boolean;
  /** The decision of an earlier attempt of this job, when it recorded one. */
  decided?: ProtectionDecision;
  /** Records this attempt's decision with the job, before the answer is sent. */
  remember?: (d: ProtectionDecision) => Promise<void>;
}
