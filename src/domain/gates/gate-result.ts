import { stored, text, type Mrkdwn, type MrkdwnText } from '../../shared/mrkdwn';
import type { GateDetailMap } from './gate-details';

/**
 * Gates return data, never side effects. Each result carries a stable reason code
 * (for audit, metrics and tests) and details typed by gate and code (for the message shown
 * to people and for later decisions): narrowing on `gate` and `code` gives the details.
 */
export type GateName = keyof GateDetailMap;

export type GateStatus = 'pass' | 'block' | 'warn' | 'pending';

/** The reason codes of a gate, e.g. `path_ok`, `frozen`, `approvals_missing`. */
export type GateCode<G extends GateName> = keyof GateDetailMap[G] & string;

/** One gate result with a given gate and code (a member of `GateResult` when both are single). */
export interface GateResultOf<G extends GateName, C extends GateCode<G>> {
  gate: G;
  /** `pending`: cannot pass yet but may on its own (checks running, approvals awaited). */
  status: GateStatus;
  /** Stable machine code. */
  code: C;
  /** One-line human summary: Slack mrkdwn built by `mrk` (user and external text in it is escaped). */
  summary: MrkdwnText;
  details?: GateDetailMap[G][C];
}

type ResultsOf<G extends GateName> = { [C in GateCode<G>]: GateResultOf<G, C> }[GateCode<G>];

/** Any gate result: a union discriminated by `gate`, then `code`. */
export type GateResult = { [G in GateName]: ResultsOf<G> }[GateName];

/** The results of one gate (optionally only some of its codes). */
export type GateResultFor<G extends GateName, C extends GateCode<G> = GateCode<G>> = Extract<GateResult, { gate: G; code: C }>;

/** A gate result; a plain-string `summary` is text (escaped), markup (links, mentions) comes as `Mrkdwn`. */
export function gate<G extends GateName, C extends GateCode<G>>(
  gateName: G,
  status: GateStatus,
  code: C,
  summary: string | Mrkdwn,
  details?: GateDetailMap[G][C],
): GateResultOf<G, C> {
  return { gate: gateName, status, code, summary: stored(text(summary)), ...(details ? { details } : {}) };
}

/** A predicate narrowing a result to one gate (and, when given, some of its codes). */
export function isGate<G extends GateName, C extends GateCode<G> = GateCode<G>>(name: G, ...codes: C[]): (r: GateResult) => r is GateResultFor<G, C> {
  return (r): r is GateResultFor<G, C> => r.gate === name && (codes.length === 0 || (codes as readonly string[]).includes(r.code));
}

/** When gates are evaluated: at request time (approval may be pending) or right before execution. */
export type GatePhase = 'request' | 'execute';

/** Whether results allow moving on in a phase (approval may still be pending at request time). */
export function gatesAllow(results: readonly GateResult[], phase: GatePhase): boolean {
  return results.every((r) => r.status === 'pass' || r.status === 'warn' || (phase === 'request' && r.status === 'pending'));
}

/** True when no gate blocks. `pending` results are allowed only where the caller says so. */
export function allPass(results: readonly GateResult[], allowPending: readonly GateName[] = []): boolean {
  return results.every((r) => r.status === 'pass' || r.status === 'warn' || (r.status === 'pending' && allowPending.includes(r.gate)));
}

export function blocking(results: readonly GateResult[]): GateResult[] {
  return results.filter((r) => r.status === 'block');
}

/** The candidate SHA a `candidate` gate result resolved (undefined unless it passed). */
export function candidateSha(r: GateResultFor<'candidate'>): string | undefined {
  return r.status === 'pass' && (r.code === 'candidate_resolved' || r.code === 'rollback_target') ? r.details?.sha : undefined;
}
