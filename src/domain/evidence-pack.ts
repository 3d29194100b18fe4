import { runLabel } from './evidence';
import type { Promotion } from './promotion';

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

const STATE_WORD: Record<string, string> = { succeeded: 'SUCCEEDED', failed: 'FAILED', rejected: 'REJECTED', cancelled: 'CANCELLED', expired: 'EXPIRED', blocked: 'BLOCKED' };

/**
 * One evidence pack per change (for auditors): what, who requested, who approved when,
 * every gate with its result, change record, PRs, runs, Databricks run IDs, SHA, timestamps
 * and outcome; as JSON (machine-checkable) and Markdown (readable). Pure.
 */
export function buildEvidencePack(p: Promotion, audit: readonly AuditLine[], links: { thread?: string; commitUrl?: (repo: string, sha: string) => string } = {}): EvidencePack {
  const e = p.evidence;
  const at = (type: string) => audit.find((a) => a.type === type)?.at;
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
    ref: p.ref ?? null,
    changeRecord: p.cr ?? null,
    requestReason: p.reason ?? null,
    requestedBy: { user: p.requester.id, ...(p.requester.name ? { name: p.requester.name } : {}), at: p.createdAt },
    approvals: p.approvals.map((a) => ({ user: a.userId, at: a.at })),
    ...(p.rejection ? { rejection: p.rejection } : {}),
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
    databricksRuns: e.matches.filter((m) => /databricks/i.test(m.name)),
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
    audit: audit.map((a) => ({ at: a.at, type: a.type, ...(a.actor ? { actor: a.actor } : {}) })),
  };

  const commit = (sha: string) => (links.commitUrl ? `[\`${sha}\`](${links.commitUrl(p.repo, sha)})` : `\`${sha}\``);
  const md: string[] = [
    `# Evidence: ${p.kind === 'rollback' ? 'rollback' : 'promotion'} ${p.id}`,
    '',
    `**${p.service}** (${p.repo}) ${p.kind === 'rollback' ? `rolled back in \`${p.env}\`` : `\`${p.from}\` → \`${p.env}\``}: **${STATE_WORD[p.state] ?? p.state.toUpperCase()}**${p.stateReason ? ` (${p.stateReason})` : ''}`,
    '',
    '| | |',
    '|---|---|',
    `| Commit | ${p.sha ? commit(p.sha) : 'unresolved'} |`,
    ...(e.mergeSha ? [`| Merge commit | ${commit(e.mergeSha)} |`] : []),
    `| Change record | ${p.cr ?? 'none'} |`,
    `| Requested by | <@${p.requester.id}>${p.requester.name ? ` (${p.requester.name})` : ''} at ${p.createdAt} |`,
    ...(p.reason ? [`| Reason | ${p.reason.replace(/\|/g, '\\|')} |`] : []),
    `| Approved by | ${p.approvals.map((a) => `<@${a.userId}> at ${a.at}`).join(', ') || 'n/a'} |`,
    ...(p.override ? [`| Emergency override | requested by <@${p.override.requestedBy}> at ${p.override.at}; approved by ${p.override.approvedBy ? `<@${p.override.approvedBy.userId}> at ${p.override.approvedBy.at}` : 'nobody'}; on-call <@${p.override.onCall ?? 'n/a'}> |`] : []),
    ...(p.rollback ? [`| Rollback | \`${p.rollback.currentSha.slice(0, 7)}\` → \`${(p.sha ?? '').slice(0, 7)}\` (target ${p.rollback.targetPromotionId}) |`] : []),
    `| Started | ${e.startedAt ?? 'n/a'} |`,
    `| Finished | ${e.finishedAt ?? 'n/a'} |`,
    ...(links.thread ? [`| Slack thread | ${links.thread} |`] : []),
    '',
    '## Gates',
    '',
    '| gate | result | code | detail |',
    '|---|---|---|---|',
    ...p.gates.map((g) => `| ${g.gate} | ${g.status} | ${g.code} | ${g.summary.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`),
    '',
    '## Pull requests',
    '',
    ...(e.pullRequests.length ? e.pullRequests.map((pr) => `- [#${pr.number}](${pr.url})${pr.title ? ` ${pr.title}` : ''}`) : ['- none']),
    '',
    '## Workflow runs',
    '',
    ...(e.runs.length
      ? e.runs.flatMap((r) => [`- [${runLabel(r)}](${r.url}): ${r.conclusion ?? r.status} at \`${r.headSha.slice(0, 7)}\``, ...(r.jobs ?? []).map((j) => `  - [${j.name}](${j.url}): ${j.conclusion ?? 'n/a'}`)])
      : ['- none']),
    '',
    '## Databricks runs and other evidence',
    '',
    ...(e.matches.length ? e.matches.map((m) => `- ${m.name}: ${m.url ? `[${m.value}](${m.url})` : `\`${m.value}\``} (${m.source}${m.state ? `, ${m.state}` : ''})`) : ['- none']),
    ...(e.deployments.length ? ['', '## GitHub deployments', '', ...e.deployments.map((d) => `- ${d.id} (${d.environment})`)] : []),
    '',
    '## Audit trail',
    '',
    ...audit.map((a) => `- ${a.at} ${a.type}${a.actor ? ` by <@${a.actor}>` : ''}`),
    '',
  ];
  return { json, markdown: md.join('\n') };
}
