import { formatLocal, isoUtc, zoneAbbreviation } from '../../calendar/format';
import { formatDuration } from '../../shared/duration';
import { gate, type GateResultFor } from './gate-result';
import { link, mrk, type Mrkdwn } from '../../shared/mrkdwn';

/**
 * `soak`: the candidate SHA ran successfully in the source environment at least
 * `environments[].soak` ago (SPEC §3). Measured from the most recent successful deployment
 * of that exact SHA in the source environment (shipgate's own history first, GitHub
 * Deployments as the fallback); the caller finds it, this decides. Exactly `soak` elapsed
 * passes.
 */

export interface SoakDeployment {
  /** When the SHA was successfully deployed in the source environment. */
  at: Date;
  source: 'shipgate' | 'github';
  /** Promotion id (shipgate) or deployment id (GitHub). */
  reference?: string;
  url?: string;
}

export interface SoakGateInput {
  sha: string;
  /** Source environment, where the candidate must have run. */
  from: string;
  /** Target environment (for the message). */
  to: string;
  /** Configured soak as written, e.g. "24h". */
  soak: string;
  soakMs: number;
  deployed: SoakDeployment | undefined;
  now: Date;
  /** Zone the "reached at" instant is shown in (the config's timezone). */
  timeZone: string;
}

/** "Tue 3 Mar 2026 08:00 GMT (2026-03-03T08:00:00Z)". */
export function formatInstant(t: Date, zone: string): string {
  return `${formatLocal(t, zone, true)} ${zoneAbbreviation(t.getTime(), zone)} (${isoUtc(t)})`;
}

/** Remaining time rounded up to the minute (never says "0m left" while something is left). */
function remaining(ms: number): string {
  return ms < 60_000 ? formatDuration(ms) : formatDuration(Math.ceil(ms / 60_000) * 60_000);
}

function where(d: SoakDeployment): Mrkdwn {
  const ref = d.reference ? (d.url ? link(d.url, d.reference) : mrk`${d.reference}`) : undefined;
  return mrk`${d.source === 'shipgate' ? 'shipgate' : 'GitHub'} deployment${ref ? mrk` ${ref}` : ''}`;
}

export function soakGate(i: SoakGateInput): GateResultFor<'soak', 'soak_ok' | 'soak_not_reached' | 'soak_never_deployed'> {
  const short = `\`${i.sha.slice(0, 7)}\``;
  const base = { sha: i.sha, from: i.from, soak: i.soak, soakMs: i.soakMs };
  if (!i.deployed) {
    return gate(
      'soak',
      'block',
      'soak_never_deployed',
      `${short} has never run successfully in \`${i.from}\` (no successful deployment in shipgate's history or GitHub Deployments); it must run there for ${i.soak} before it can go to \`${i.to}\``,
      base,
    );
  }
  const deployedAt = i.deployed.at;
  const readyAt = new Date(deployedAt.getTime() + i.soakMs);
  const elapsed = i.now.getTime() - deployedAt.getTime();
  const details = {
    ...base,
    deployedAt: deployedAt.toISOString(),
    readyAt: readyAt.toISOString(),
    source: i.deployed.source,
    ...(i.deployed.reference ? { reference: i.deployed.reference } : {}),
  };
  if (elapsed >= i.soakMs) {
    return gate(
      'soak',
      'pass',
      'soak_ok',
      mrk`${short} has run in \`${i.from}\` for ${formatDuration(elapsed)} (soak ${i.soak}), since ${formatInstant(deployedAt, i.timeZone)} (${where(i.deployed)})`,
      details,
    );
  }
  const left = readyAt.getTime() - i.now.getTime();
  const ran = elapsed <= 0 ? 'has just been deployed' : `has run for ${formatDuration(elapsed)}`;
  return gate(
    'soak',
    'block',
    'soak_not_reached',
    `${short} ${ran} in \`${i.from}\` of the required ${i.soak}: ${remaining(left)} left; soak reached at ${formatInstant(readyAt, i.timeZone)}`,
    { ...details, remainingMs: left },
  );
}
