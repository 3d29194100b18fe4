/**
 * Writes what the seeded GitHub history implies into shipgate's own stores, through its
 * repository/history/audit adapters: the past promotions (succeeded, with evidence and
 * approvers), the deployment history per (service, env) that `status`, `history`, soak and
 * `/rollback` read, and their audit records.
 */
import type { DeploymentHistory } from '../app/ports/deployment-history';
import type { AuditLog } from '../app/ports/audit-log';
import type { PromotionRepository } from '../app/ports/promotion-repository';
import { runLabel } from '../domain/evidence';
import { gate } from '../domain/gates/gate-result';
import { newPromotion, type Promotion } from '../domain/promotion';
import { RELEASES_CHANNEL } from './demo-workspace';
import type { SeededDeployment } from './seed-github';

export interface HistoryStores {
  repo: Pick<PromotionRepository, 'create'>;
  history: Pick<DeploymentHistory, 'record'>;
  audit: Pick<AuditLog, 'append'>;
}

const MINUTE = 60_000;

/** Who asked and who approved each seeded promotion (prod: a release manager asks, the other approves). */
function people(d: SeededDeployment, i: number): { requester: string; approver?: string } {
  if (d.env === 'prod') return i % 2 === 0 ? { requester: 'U0RELMGR1', approver: 'U0RELMGR2' } : { requester: 'U0RELMGR2', approver: 'U0RELMGR1' };
  return { requester: 'U0ENGINEER' };
}

export async function seedHistory(stores: HistoryStores, deployments: readonly SeededDeployment[]): Promise<number> {
  const sorted = [...deployments].sort((a, b) => a.at.getTime() - b.at.getTime());
  let promotions = 0;
  for (const [i, d] of sorted.entries()) {
    const finishedAt = d.at.toISOString();
    const runUrl = d.runs[0]?.url;
    const first = d.runs[0];
    const runName = first ? runLabel(first) : undefined;
    if (!d.promotionId) {
      // a CI deploy of the first environment: history only (what runs there, and since when)
      await stores.history.record({
        service: d.service,
        env: d.env,
        sha: d.sha,
        promotionId: `${d.runs[0]?.name ?? 'ci'}-run-${d.runs[0]?.id ?? 0}`,
        kind: 'promotion',
        outcome: 'succeeded',
        at: finishedAt,
        ...(runUrl ? { runUrl } : {}),
        ...(runName ? { runName } : {}),
        ...(d.verified ? { verification: 'passed' as const } : {}),
      });
      continue;
    }
    const { requester, approver } = people(d, i);
    const requestedAt = new Date(d.at.getTime() - 25 * MINUTE).toISOString();
    const approvedAt = new Date(d.at.getTime() - 15 * MINUTE).toISOString();
    const startedAt = new Date(d.at.getTime() - 14 * MINUTE).toISOString();
    const approvals = approver ? [{ userId: approver, at: approvedAt }] : [];
    const gates = [
      gate('candidate', 'pass', 'candidate_resolved', `Candidate \`${d.sha.slice(0, 7)}\` running in ${d.from}`, { sha: d.sha }),
      gate('path', 'pass', 'path_ok', `${d.from} → ${d.env} follows the pipeline`),
      approver
        ? gate('approval', 'pass', 'approved', `Approved by <@${approver}>`)
        : gate('approval', 'pass', 'no_approval_needed', `No approval needed for ${d.env}`),
    ];
    const requested = newPromotion({
      id: d.promotionId,
      kind: 'promotion',
      service: d.service,
      repo: d.repo,
      from: d.from,
      env: d.env,
      sha: d.sha,
      ...(d.cr ? { cr: d.cr } : {}),
      ...(d.reason ? { reason: d.reason } : {}),
      requester: { id: requester },
      channel: RELEASES_CHANNEL,
      at: new Date(requestedAt),
      requiredApprovals: approvals.length,
    });
    const p: Promotion = {
      ...requested,
      state: 'succeeded',
      updatedAt: finishedAt,
      approvals,
      gates,
      gatesEvaluatedAt: startedAt,
      evidence: {
        sha: d.sha,
        runs: d.runs.map((r) => ({ id: r.id, name: r.name, ...(r.runNumber ? { runNumber: r.runNumber } : {}), url: r.url, status: 'completed', conclusion: 'success', headSha: r.headSha })),
        pullRequests: d.pullRequests,
        ...(d.pullRequests.length ? { mergeSha: d.sha } : {}),
        deployments: [],
        matches: d.matches,
        approvers: approvals,
        startedAt,
        finishedAt,
        outcome: 'succeeded',
      },
    };
    await stores.repo.create(p);
    await stores.history.record({
      service: d.service,
      env: d.env,
      sha: d.sha,
      promotionId: p.id,
      kind: 'promotion',
      outcome: 'succeeded',
      at: finishedAt,
      ...(runUrl ? { runUrl } : {}),
      ...(runName ? { runName } : {}),
    });
    const audit = [
      {
        at: requestedAt,
        type: 'requested',
        actor: requester,
        data: { service: p.service, from: p.from, env: p.env, cr: p.cr, reason: p.reason, channel: p.channel, seeded: true },
      },
      { at: requestedAt, type: 'gates_passed', data: { sha: d.sha, gates: gates.map((g) => ({ gate: g.gate, status: g.status, code: g.code })) } },
      ...(approver ? [{ at: approvedAt, type: 'approved', actor: approver }] : []),
      { at: startedAt, type: 'started', data: { sha: d.sha } },
      { at: finishedAt, type: 'succeeded', data: { sha: d.sha, evidence: p.evidence } },
    ];
    for (const entry of audit) await stores.audit.append({ promotionId: p.id, ...entry });
    promotions += 1;
  }
  return promotions;
}
