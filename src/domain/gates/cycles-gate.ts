import { formatLocal, isoUtc, zoneAbbreviation } from '../../calendar/format';
import { formatDuration } from '../../shared/duration';
import { joinMd, link, mrk, type Mrkdwn } from '../../shared/mrkdwn';
import type { CyclesRunDetails } from './gate-details';
import { gate, type GateResultFor } from './gate-result';

/**
 * `cycles: {workflow, count}`: the candidate SHA has completed `count` successful runs of
 * `workflow` in the source environment since it was deployed there (SPEC §9). The caller finds
 * the deployment (shipgate's history first, then GitHub Deployments, as for `soak`) and the
 * runs; this decides.
 *
 * Which runs count: every run of that workflow whose `head_sha` is the candidate, that
 * completed with conclusion `success`, and that was created at or after the deployment (to
 * the second: GitHub's timestamps have no milliseconds). A run does not say which environment
 * it ran against (inputs are not part of a run), so the rule is the workflow itself: configure
 * the workflow that runs in the source environment. Re-runs of one run count once (one id).
 *
 * Next expected run (shown while pending): the last counted run's start plus the interval
 * before it (between the last two counted runs, or from the deployment to the first run);
 * with no counted run yet there is no estimate. Once that instant has passed the card says
 * the run is overdue.
 */

export interface CyclesDeployment {
  at: Date;
  source: 'shipgate' | 'github';
  reference?: string;
  url?: string;
}

export interface CycleRunInput {
  id: number;
  runNumber?: number;
  url: string;
  createdAt: Date;
}

export interface CyclesGateInput {
  sha: string;
  from: string;
  to: string;
  workflow: string;
  count: number;
  deployed: CyclesDeployment | undefined;
  /** Successful completed runs of the workflow on the SHA (any order; filtered again here). */
  runs: readonly CycleRunInput[];
  now: Date;
  timeZone: string;
}

type CyclesResult = GateResultFor<'cycles', 'cycles_ok' | 'cycles_pending' | 'cycles_never_deployed'>;

const floorSecond = (t: number): number => Math.floor(t / 1000) * 1000;

/** The runs that count, oldest first, one per id. */
export function countedRuns(runs: readonly CycleRunInput[], deployedAt: Date): CycleRunInput[] {
  const since = floorSecond(deployedAt.getTime());
  const byId = new Map<number, CycleRunInput>();
  for (const r of runs) if (floorSecond(r.createdAt.getTime()) >= since && !byId.has(r.id)) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
}

/** The estimated start of the next run, or undefined without a counted run. */
export function nextExpected(counted: readonly CycleRunInput[], deployedAt: Date): Date | undefined {
  const last = counted[counted.length - 1];
  if (!last) return undefined;
  const before = counted[counted.length - 2]?.createdAt.getTime() ?? floorSecond(deployedAt.getTime());
  const interval = last.createdAt.getTime() - before;
  return interval > 0 ? new Date(last.createdAt.getTime() + interval) : undefined;
}

function runLink(r: CycleRunInput): Mrkdwn {
  return link(r.url, r.runNumber !== undefined ? `#${r.runNumber}` : `run ${r.id}`);
}

function at(t: Date, zone: string): string {
  return `${formatLocal(t, zone)} ${zoneAbbreviation(t.getTime(), zone)}`;
}

export function cyclesGate(i: CyclesGateInput): CyclesResult {
  const short = `\`${i.sha.slice(0, 7)}\``;
  const base = { sha: i.sha, from: i.from, workflow: i.workflow, count: i.count };
  const what = `${i.count} successful run${i.count === 1 ? '' : 's'} of \`${i.workflow}\``;
  if (!i.deployed) {
    return gate(
      'cycles',
      'block',
      'cycles_never_deployed',
      `${short} has never run successfully in \`${i.from}\` (no successful deployment in shipgate's history or GitHub Deployments); it needs ${what} there before it can go to \`${i.to}\``,
      base,
    );
  }
  const counted = countedRuns(i.runs, i.deployed.at);
  const runs: CyclesRunDetails[] = counted.map((r) => ({
    id: r.id,
    ...(r.runNumber !== undefined ? { runNumber: r.runNumber } : {}),
    url: r.url,
    createdAt: r.createdAt.toISOString(),
  }));
  const details = {
    ...base,
    deployedAt: i.deployed.at.toISOString(),
    source: i.deployed.source,
    ...(i.deployed.reference ? { reference: i.deployed.reference } : {}),
    have: counted.length,
    runs,
  };
  const since = `since it was deployed there ${at(i.deployed.at, i.timeZone)} (${isoUtc(i.deployed.at)})`;
  const links = counted.length ? mrk`: ${joinMd(counted.map(runLink), ', ')}` : mrk``;
  if (counted.length >= i.count) {
    return gate(
      'cycles',
      'pass',
      'cycles_ok',
      mrk`${counted.length} of ${i.count} cycles: \`${i.workflow}\` succeeded on ${short} in \`${i.from}\` ${since}${links}`,
      details,
    );
  }
  const next = nextExpected(counted, i.deployed.at);
  let expectation: string;
  if (!next) expectation = counted.length ? 'no estimate of the next run' : 'no run yet';
  else if (next.getTime() > i.now.getTime()) expectation = `next expected around ${at(next, i.timeZone)} (in ${formatDuration(Math.ceil((next.getTime() - i.now.getTime()) / 60_000) * 60_000)})`;
  else expectation = `next was expected around ${at(next, i.timeZone)} (overdue)`;
  return gate(
    'cycles',
    'pending',
    'cycles_pending',
    mrk`${counted.length} of ${i.count} cycles: \`${i.workflow}\` on ${short} in \`${i.from}\` ${since}${links}; ${expectation}`,
    { ...details, ...(next ? { nextExpectedAt: next.toISOString() } : {}) },
  );
}
