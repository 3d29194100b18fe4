import { runLabel, type Evidence, type RunEvidence } from './evidence';
import { hotfixEvidence, hotfixLine } from './hotfix-evidence';
import { mdCell, mdCode, mdLink, mdText, mrkdwnToMarkdown } from './markdown';
import { databricksMarkdown } from './databricks-evidence-markdown';
import type { PlanReview } from './plan-review-state';
import { deployedSha, type Promotion } from './promotion';
import type { DeploymentEntry } from './rollback-target';

export interface AuditLine {
  at: string;
  type: string;
  actor?: string;
  data?: Record<string, unknown>;
}

export interface EvidencePack {
  json: Record<string, unknown>;
  markdown: string;
}

/**
 * One environment of the candidate's way to the last environment (runbook hand-off: PR links,
 * run URLs, Databricks run IDs per stage, the SHA promoted to production).
 */
export interface JourneyStage {
  env: string;
  /** The commit this stage put into `env` (what the next stage took as its candidate). */
  sha: string;
  /** shipgate's record of the stage (a promotion, or the rollback that restored what moved on). */
  promotion?: Promotion;
  /** A deployment in shipgate's history without a promotion record (a CI deploy of the first environment). */
  deployment?: DeploymentEntry;
  /** Not deployed by shipgate: what GitHub says about the commit (the PR that brought it, the deploy runs). */
  github?: { pullRequests: Evidence['pullRequests']; runs: RunEvidence[]; matches: Evidence['matches'] };
}

export interface EvidenceLinks {
  thread?: string;
  commitUrl?: (repo: string, sha: string) => string;
  /** Slack thread of another promotion (journey stages). */
  threadOf?: (p: Promotion) => string | undefined;
  /** Display names of Slack users by ID (from the directory); an unknown user is shown by ID. */
  names?: Readonly<Record<string, string>>;
  /** At the last environment: every stage of the candidate's journey, first environment first, this promotion last. */
  journey?: readonly JourneyStage[];
}

const STATE_WORD: Record<string, string> = { succeeded: 'SUCCEEDED', failed: 'FAILED', failed_verification: 'FAILED VERIFICATION', rejected: 'REJECTED', cancelled: 'CANCELLED', expired: 'EXPIRED', blocked: 'BLOCKED' };

const isDatabricks = (m: { name: string }) => /databricks/i.test(m.name);

/**
 * One evidence pack per change (for auditors): what, who requested, who approved when,
 * every gate with its result, change record, PRs, runs, Databricks run IDs, the SHA approved
 * and the SHA now running, timestamps and outcome, and at the last environment the whole
 * journey of the candidate; as JSON (machine-checkable) and Markdown (GitHub-flavoured, no
 * Slack markup). Pure.
 */
export function buildEvidencePack(p: Promotion, audit: readonly AuditLine[], links: EvidenceLinks = {}): EvidencePack {
  const e = p.evidence;
  const names = links.names ?? {};
  const person = (id: string) => ({ user: id, ...(names[id] ? { name: names[id] } : {}) });
  const at = (type: string) => audit.find((a) => a.type === type)?.at;
  const deployed = deployedSha(p);
  const journey = links.journey?.map((s) => stageJson(s, p, names, links));
  const json = {
    schema: 'shipgate.evidence/v1',
    id: p.id,
    kind: p.kind,
    service: p.service,
    repo: p.repo,
    from: p.from,
    environment: p.env,
    outcome: p.state,
    ...(p.stateReason ? { reason: p.stateReason } : {}),
    sha: p.sha ?? null,
    mergeSha: e.mergeSha ?? null,
    /** What runs in the environment after this change (null unless it succeeded). */
    deployed: p.state === 'succeeded' && deployed ? { environment: p.env, sha: deployed } : null,
    ref: p.ref ?? null,
    ...(p.force ? { force: true } : {}),
    ...(p.hotfix ? { hotfix: hotfixEvidence(p) } : {}),
    changeRecord: p.cr ?? null,
    requestReason: p.reason ?? null,
    requestedBy: { ...person(p.requester.id), ...(!names[p.requester.id] && p.requester.name ? { name: p.requester.name } : {}), at: p.createdAt },
    approvals: p.approvals.map((a) => ({ ...person(a.userId), at: a.at, ...(a.rules ? { rules: a.rules } : {}), ...(a.planDigest ? { planDigest: a.planDigest } : {}) })),
    ...(p.attestation ? { checklist: { ...person(p.attestation.userId), at: p.attestation.at, items: p.attestation.items } } : {}),
    ...(p.planReview ? { plan: planEvidence(p.planReview) } : {}),
    ...(p.rejection ? { rejection: { ...p.rejection, ...(names[p.rejection.by] ? { name: names[p.rejection.by] } : {}) } } : {}),
    ...(p.cancellation ? { cancellation: p.cancellation } : {}),
    ...(p.override ? { emergencyOverride: p.override } : {}),
    ...(p.rollback ? { rollback: p.rollback } : {}),
    gates: p.gates.map((g) => ({ gate: g.gate, status: g.status, code: g.code, summary: g.summary })),
    gatesEvaluatedAt: p.gatesEvaluatedAt ?? null,
    gateHistory: audit
      .filter((a) => Array.isArray(a.data?.gates))
      .map((a) => ({ at: a.at, event: a.type, gates: (a.data!.gates as Array<Record<string, unknown>>).map((g) => ({ gate: g.gate, status: g.status, code: g.code })) })),
    pullRequests: e.pullRequests,
    runs: e.runs,
    verification: e.verification ?? null,
    ...(p.origin ? { openedBy: { shipgate: true, via: p.origin.via, mode: p.origin.mode, ...(p.origin.author ? { onBehalfOf: p.origin.author } : {}), ...(p.origin.event ? { event: p.origin.event } : {}), ...(p.origin.sourcePromotionId ? { after: p.origin.sourcePromotionId } : {}) } } : {}),
    databricksRuns: e.matches.filter(isDatabricks),
    databricksJob: e.databricks ?? null,
    evidenceMatches: e.matches,
    githubDeployments: e.deployments,
    githubCalls: e.githubCalls ?? null,
    timestamps: {
      requested: p.createdAt,
      approved: at('approved') ?? null,
      started: e.startedAt ?? null,
      finished: e.finishedAt ?? null,
    },
    thread: links.thread ?? null,
    ...(journey ? { journey } : {}),
    users: Object.fromEntries(Object.entries(names)),
    audit: audit.map((a) => ({ at: a.at, type: a.type, ...(a.actor ? { actor: a.actor, ...(names[a.actor] ? { actorName: names[a.actor] } : {}) } : {}) })),
  };
  return { json, markdown: markdown(p, audit, links).join('\n') };
}

function stageJson(s: JourneyStage, last: Promotion, names: Readonly<Record<string, string>>, links: EvidenceLinks): Record<string, unknown> {
  const q = s.promotion;
  const ev = q?.evidence ?? s.github;
  return {
    environment: s.env,
    source: q ? 'shipgate' : s.deployment ? 'shipgate-history' : s.github ? 'github' : 'none',
    promotionId: q?.id ?? s.deployment?.promotionId ?? null,
    kind: q?.kind ?? s.deployment?.kind ?? null,
    from: q?.from ?? null,
    sha: q?.sha ?? null,
    deployedSha: s.sha,
    mergeSha: q?.evidence.mergeSha ?? null,
    outcome: q?.state ?? s.deployment?.outcome ?? null,
    finishedAt: q?.evidence.finishedAt ?? s.deployment?.at ?? null,
    pullRequests: ev?.pullRequests ?? [],
    runs: ev?.runs ?? (s.deployment?.runUrl ? [{ name: s.deployment.runName ?? 'run', url: s.deployment.runUrl }] : []),
    databricksRuns: (ev?.matches ?? []).filter(isDatabricks),
    approvals: (q?.approvals ?? []).map((a) => ({ user: a.userId, ...(names[a.userId] ? { name: names[a.userId] } : {}), at: a.at })),
    gates: (q?.gates ?? []).map((g) => ({ gate: g.gate, status: g.status, code: g.code, summary: g.summary })),
    thread: q ? (q.id === last.id ? (links.thread ?? null) : (links.threadOf?.(q) ?? null)) : null,
  };
}

function markdown(p: Promotion, audit: readonly AuditLine[], links: EvidenceLinks): string[] {
  const e = p.evidence;
  const names = links.names ?? {};
  const who = (id: string) => mdText(names[id] ?? id);
  const md = (mrkdwn: string, inTable = false) => mrkdwnToMarkdown(mrkdwn, { userName: (id) => names[id], inTable });
  const commit = (sha: string) => (links.commitUrl ? `[${mdCode(sha)}](${links.commitUrl(p.repo, sha)})` : mdCode(sha));
  const short = (sha: string) => (links.commitUrl ? `[${mdCode(sha.slice(0, 7))}](${links.commitUrl(p.repo, sha)})` : mdCode(sha.slice(0, 7)));
  const deployed = p.state === 'succeeded' ? deployedSha(p) : undefined;
  const requester = names[p.requester.id] ?? p.requester.name ?? p.requester.id;
  const runLine = (r: RunEvidence) => {
    const deploys = r.deployedSha ?? r.headSha;
    const from = r.deployedSha && r.deployedSha !== r.headSha ? `; workflow file at ${mdCode(r.headSha.slice(0, 7))}` : '';
    return `${mdLink(runLabel(r), r.url)}: ${r.conclusion ?? r.status}, deploys ${mdCode(deploys.slice(0, 7))}${from}`;
  };
  const matchText = (m: Evidence['matches'][number]) => `${m.url ? mdLink(m.value, m.url) : mdCode(m.value)} (${mdText(m.source)}${m.state ? `, ${mdText(m.state)}` : ''})`;
  const gateTable = (gates: Promotion['gates']) => [
    '| Gate | Result | Code | Detail |',
    '|---|---|---|---|',
    ...gates.map((g) => `| ${g.gate} | ${g.status} | ${mdCode(g.code, true)} | ${mdCell(md(g.summary, true))} |`),
  ];
  const out: string[] = [
    `# Evidence: ${p.kind === 'rollback' ? 'rollback' : 'promotion'} ${p.id}`,
    '',
    `**${mdText(p.service)}** (${mdText(p.repo)}) ${p.kind === 'rollback' ? `rolled back in ${mdCode(p.env)}` : `${mdCode(p.from)} → ${mdCode(p.env)}`}: **${STATE_WORD[p.state] ?? p.state.toUpperCase()}**${p.stateReason ? ` (${md(p.stateReason)})` : ''}`,
    '',
    '| Field | Value |',
    '|---|---|',
    `| ${p.kind === 'rollback' ? 'Rolled back to' : 'Approved commit'} | ${p.sha ? commit(p.sha) : 'unresolved'} |`,
    ...(deployed ? [`| Now in ${mdText(p.env)} | ${commit(deployed)} |`] : []),
    ...(e.mergeSha && e.mergeSha !== deployed ? [`| Merge commit | ${commit(e.mergeSha)} |`] : []),
    ...(p.force ? ['| Forced redeploy | `force=true` |'] : []),
    ...(p.hotfix ? [`| Hotfix | ${mdText(hotfixLine(p))} |`] : []),
    `| Change record | ${p.cr ? mdText(p.cr) : 'none'} |`,
    `| Requested by | ${mdText(requester)} at ${p.createdAt} |`,
    ...(p.reason ? [`| Reason | ${mdCell(mdText(p.reason))} |`] : []),
    `| Approved by | ${p.approvals.map((a) => `${who(a.userId)} at ${a.at}${a.rules?.length ? ` (${a.rules.map(mdText).join(', ')})` : ''}`).join(', ') || 'n/a'} |`,
    ...(p.attestation
      ? [
          `| Checklist | attested by ${who(p.attestation.userId)} at ${p.attestation.at}: ${p.attestation.items.map((i) => `${mdCell(mdText(i.text))}${i.value !== undefined ? ` (“${mdCell(mdText(i.value))}”)` : ''}`).join('; ')} |`,
        ]
      : []),
    ...(p.planReview ? [planRow(p.planReview)] : []),
    ...(p.rejection ? [`| Rejected by | ${who(p.rejection.by)} at ${p.rejection.at}: ${mdCell(mdText(p.rejection.reason))} |`] : []),
    ...(p.cancellation ? [`| Cancelled by | ${who(p.cancellation.by)} at ${p.cancellation.at}${p.cancellation.reason ? `: ${mdCell(mdText(p.cancellation.reason))}` : ''} |`] : []),
    ...(p.override
      ? [
          `| Emergency override | requested by ${who(p.override.requestedBy)} at ${p.override.at}; approved by ${p.override.approvedBy ? `${who(p.override.approvedBy.userId)} at ${p.override.approvedBy.at}` : 'nobody'}; on-call ${p.override.onCall ? who(p.override.onCall) : 'n/a'}; justification: ${mdCell(mdText(p.override.justification))}${p.override.rollbackPlan ? `; rollback plan: ${mdCell(mdText(p.override.rollbackPlan))}` : ''} |`,
        ]
      : []),
    ...(p.rollback ? [`| Rollback | ${short(p.rollback.currentSha)} → ${p.sha ? short(p.sha) : 'unresolved'} (target ${mdText(p.rollback.targetPromotionId)}) |`] : []),
    `| Started | ${e.startedAt ?? 'n/a'} |`,
    `| Finished | ${e.finishedAt ?? 'n/a'} |`,
    `| GitHub calls | ${e.githubCalls ?? 'n/a'} |`,
    ...(links.thread ? [`| Slack thread | ${mdLink('open the thread', links.thread)} |`] : []),
    '',
    ...(links.journey?.length ? journeyMarkdown(p, links, { who, md, short, runLine, gateTable }) : []),
    '## Gates',
    '',
    ...(p.gates.length ? gateTable(p.gates) : ['- none evaluated']),
    '',
    '## Pull requests',
    '',
    ...(e.pullRequests.length ? e.pullRequests.map((pr) => `- ${mdLink(`#${pr.number}`, pr.url)}${pr.title ? ` ${mdText(pr.title)}` : ''}`) : ['- none']),
    '',
    '## Workflow runs',
    '',
    ...(e.runs.length ? e.runs.flatMap((r) => [`- ${runLine(r)}`, ...(r.jobs ?? []).map((j) => `  - ${mdLink(j.name, j.url)}: ${j.conclusion ?? 'n/a'}`)]) : ['- none']),
    '',
    ...databricksMarkdown(e.databricks),
    ...(e.verification ? ['## Verification', '', `- ${mdLink(e.verification.name ?? e.verification.workflow, e.verification.url)} (${mdCode(e.verification.workflow)}, run ${e.verification.runId}): ${e.verification.conclusion ?? e.verification.status}`, ''] : []),
    '## Databricks runs and other evidence',
    '',
    ...(e.matches.length ? e.matches.map((m) => `- ${mdCode(m.name)}: ${matchText(m)}`) : ['- none']),
    ...(e.deployments.length ? ['', '## GitHub deployments', '', ...e.deployments.map((d) => `- ${d.id} (${mdText(d.environment)})`)] : []),
    '',
    '## Audit trail',
    '',
    ...audit.map((a) => `- ${a.at} ${mdCode(a.type)}${a.actor ? ` by ${who(a.actor)}` : ''}`),
    '',
  ];
  return out;
}

interface Render {
  who: (id: string) => string;
  md: (mrkdwn: string, inTable?: boolean) => string;
  short: (sha: string) => string;
  runLine: (r: RunEvidence) => string;
  gateTable: (gates: Promotion['gates']) => string[];
}

/** The candidate's way to the last environment: one table row per stage, then each earlier stage's gates. */
function journeyMarkdown(p: Promotion, links: EvidenceLinks, r: Render): string[] {
  const stages = links.journey ?? [];
  const runsOf = (s: JourneyStage): RunEvidence[] => s.promotion?.evidence.runs ?? s.github?.runs ?? [];
  const row = (s: JourneyStage) => {
    const q = s.promotion;
    const thread = q ? (q.id === p.id ? links.thread : links.threadOf?.(q)) : undefined;
    const how = q
      ? `${thread ? mdLink(q.id, thread) : mdText(q.id)} ${q.kind === 'rollback' ? 'rollback' : `${mdText(q.from)} → ${mdText(q.env)}`}${q.id === p.id ? ' (this pack)' : ''}`
      : s.deployment
        ? `deployed outside a promotion (${mdText(s.deployment.promotionId)})`
        : s.github
          ? 'not promoted by shipgate (from GitHub)'
          : 'no record';
    const pulls = (q?.evidence.pullRequests ?? s.github?.pullRequests ?? []).map((pr) => mdLink(`#${pr.number}`, pr.url)).join(', ');
    const runs = runsOf(s).map((x) => `${mdLink(runLabel(x), x.url)} ${x.conclusion ?? x.status}`);
    if (!runs.length && s.deployment?.runUrl) runs.push(mdLink(s.deployment.runName ?? 'run', s.deployment.runUrl));
    const job = q?.evidence.databricks;
    const dbx = [
      ...(job ? [job.runPageUrl ? mdLink(String(job.runId), job.runPageUrl) : mdCode(String(job.runId), true)] : []),
      ...(q?.evidence.matches ?? s.github?.matches ?? []).filter(isDatabricks).map((m) => (m.url ? mdLink(m.value, m.url) : mdCode(m.value, true))),
    ];
    const approvers = (q?.approvals ?? []).map((a) => r.who(a.userId)).join(', ');
    const merged = q?.sha && q.sha !== s.sha ? ` (merge of ${r.short(q.sha)})` : '';
    const result = q ? (STATE_WORD[q.state] ?? q.state) : (s.deployment?.outcome.toUpperCase() ?? '');
    return `| ${mdText(s.env)} | ${how} | ${r.short(s.sha)}${merged} | ${pulls || '—'} | ${runs.join(', ') || '—'} | ${dbx.join(', ') || '—'} | ${approvers || '—'} | ${result || '—'} |`;
  };
  const now = stages.at(-1);
  const earlier = stages.filter((s) => s.promotion && s.promotion.id !== p.id);
  return [
    `## Journey to ${mdText(p.env)}`,
    '',
    '| Stage | How | Commit deployed | Pull requests | Runs | Databricks runs | Approved by | Result |',
    '|---|---|---|---|---|---|---|---|',
    ...stages.map(row),
    '',
    ...(now && p.state === 'succeeded' ? [`**Commit now in ${mdText(p.env)}:** ${r.short(now.sha)} (\`${now.sha}\`)`, ''] : []),
    ...earlier.flatMap((s) => [`### ${mdText(s.env)}: gates of ${mdText(s.promotion!.id)}`, '', ...r.gateTable(s.promotion!.gates), '']),
    ...stages
      .filter((s) => !s.promotion && s.github?.runs.length)
      .flatMap((s) => [`### ${mdText(s.env)}: runs on GitHub`, '', ...s.github!.runs.map((x) => `- ${r.runLine(x)}`), '']),
  ];
}

/** The reviewed plan (SPEC §9 `plan:`) as evidence: what was approved is what was applied. */
function planEvidence(r: PlanReview): Record<string, unknown> {
  return {
    attempt: r.attempt,
    status: r.status,
    workflow: r.workflow,
    runId: r.runId ?? null,
    runUrl: r.runUrl ?? null,
    artifact: r.artifactName,
    artifactId: r.artifactId ?? null,
    digest: r.digest ?? null,
    summary: r.summary ?? null,
    ...(r.failure ? { failure: r.failure } : {}),
    ...(r.voided?.length ? { voidedApprovals: r.voided } : {}),
  };
}

function planRow(r: PlanReview): string {
  const run = r.runUrl ? mdLink(`${r.workflow} run ${r.runId ?? ''}`.trim(), r.runUrl) : mdText(r.workflow);
  const what = r.status === 'ready' ? mdCell(mdText(r.summary ?? 'plan ready')) : mdText(r.failure ? `failed: ${r.failure}` : r.status);
  return `| Reviewed plan | ${what}; ${run}; artifact ${mdCode(r.artifactName)}${r.artifactId !== undefined ? ` (id ${r.artifactId})` : ''}${r.digest ? ` digest ${mdCode(r.digest)}` : ''}${r.attempt > 1 ? `; plan #${r.attempt} (earlier approvals voided)` : ''} |`;
}
