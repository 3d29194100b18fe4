import { parsePromoteCommand } from '../../../src/domain/command-parser';
import { approvalsForPlan, planGate, planSummary, planTemplateVars, planThreadMessage, type PlanReview } from '../../../src/domain/plan-review';
import { approveValue, parseApproveValue } from '../../../src/adapters/slack/blocks/plan-buttons';

describe('planSummary (the card line of a plan.md)', () => {
  it.each<[string, string, string, number]>([
    [
      'terraform plan line',
      'Terraform will perform the following actions:\n  + x\n\nPlan: 3 to add, 1 to change, 0 to destroy.\n',
      'Plan: 3 to add, 1 to change, 0 to destroy',
      4,
    ],
    ['with imports', 'Plan: 2 to import, 1 to add, 0 to change, 0 to destroy.', 'Plan: 2 to import, 1 to add, 0 to change, 0 to destroy', 1],
    ['coloured output', '\u001b[1mPlan:\u001b[0m 0 to add, 5 to change, 2 to destroy.\n', 'Plan: 0 to add, 5 to change, 2 to destroy', 1],
    ['in a markdown code block', '## prod\n```\nPlan: 10 to add, 0 to change, 0 to destroy.\n```\n', 'Plan: 10 to add, 0 to change, 0 to destroy', 4],
    [
      'the last plan line counts',
      'Plan: 1 to add, 0 to change, 0 to destroy.\n...\nPlan: 4 to add, 0 to change, 1 to destroy.\n',
      'Plan: 4 to add, 0 to change, 1 to destroy',
      3,
    ],
    ['windows line endings', 'a\r\nb\r\nPlan: 1 to add, 1 to change, 1 to destroy.\r\n', 'Plan: 1 to add, 1 to change, 1 to destroy', 3],
    ['no changes', 'No changes. Your infrastructure matches the configuration.\n', 'No changes', 1],
    ['a toolkit diff', 'would create 2 resources\nwould update 1 resource\n', 'plan ready (2 lines)', 2],
    ['one line', 'nothing to report', 'plan ready (1 line)', 1],
    ['empty', '', 'plan ready (0 lines)', 0],
    ['a lookalike is not a plan line', 'Plan: three to add, 1 to change, 0 to destroy.', 'plan ready (1 line)', 1],
  ])('%s', (_name, md, summary, lines) => {
    expect(planSummary(md)).toMatchObject({ summary, lines });
  });

  it('returns the counts', () => {
    expect(planSummary('Plan: 3 to add, 1 to change, 0 to destroy.').counts).toEqual({ add: 3, change: 1, destroy: 0 });
  });
});

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;
const ready: PlanReview = {
  attempt: 1,
  status: 'ready',
  workflow: 'plan.yml',
  ref: 'main',
  inputs: {},
  artifactName: 'plan',
  requestedAt: '2026-12-01T10:00:00.000Z',
  runId: 7,
  runUrl: 'https://github.test/acme/markets/actions/runs/7',
  artifactId: 9,
  digest: DIGEST,
  summary: 'Plan: 3 to add, 1 to change, 0 to destroy',
  lines: 4,
};
const running: PlanReview = { ...ready, status: 'running', digest: undefined, artifactId: undefined };
const failed: PlanReview = { ...running, status: 'failed', failure: 'it concluded failure' };

describe('planGate', () => {
  const a = (planDigest?: string) => ({ userId: 'U0RELMGR1', at: '2026-12-01T10:05:00.000Z', ...(planDigest ? { planDigest } : {}) });
  it.each<[string, PlanReview | undefined, Array<ReturnType<typeof a>>, 'request' | 'execute', boolean, string | undefined, string | undefined]>([
    ['no plan configured', undefined, [], 'execute', false, undefined, undefined],
    ['plan configured but none made', undefined, [], 'execute', true, 'block', 'plan_not_approved'],
    ['running, at request', running, [], 'request', true, 'pending', 'plan_running'],
    ['running, at execution', running, [], 'execute', true, 'block', 'plan_not_approved'],
    ['failed', failed, [], 'request', true, 'block', 'plan_failed'],
    ['ready', ready, [a(DIGEST)], 'execute', true, 'pass', 'plan_ready'],
    ['approval for another plan, at execution', ready, [a(DIGEST), a(OTHER)], 'execute', true, 'block', 'plan_not_approved'],
    ['approval without a digest, at execution', ready, [a()], 'execute', true, 'block', 'plan_not_approved'],
    ['approval for another plan, at request', ready, [a(OTHER)], 'request', true, 'pass', 'plan_ready'],
  ])('%s', (_name, planReview, approvals, phase, required, status, code) => {
    const g = planGate({ ...(planReview ? { planReview } : {}), approvals }, phase, required);
    expect(g?.status).toBe(status);
    expect(g?.code).toBe(code);
  });

  it('shows the summary, the run link and the re-plan on the card line', () => {
    const g = planGate({ planReview: { ...ready, attempt: 2, voided: [a(OTHER)] }, approvals: [] }, 'request');
    expect(g?.summary).toBe(
      'Plan: 3 to add, 1 to change, 0 to destroy (<https://github.test/acme/markets/actions/runs/7|plan run #2>, artifact `aaaaaaaaaaaa`) · re-planned (1 earlier approval voided)',
    );
  });
});

describe('approvals and template variables', () => {
  it('counts only approvals for the current digest', () => {
    const approvals = [
      { userId: 'U1', at: 'x', planDigest: DIGEST },
      { userId: 'U2', at: 'x', planDigest: OTHER },
      { userId: 'U3', at: 'x' },
    ];
    expect(approvalsForPlan({ planReview: ready, approvals }).map((x) => x.userId)).toEqual(['U1']);
    expect(approvalsForPlan({ planReview: running, approvals })).toEqual([]);
    expect(approvalsForPlan({ approvals })).toHaveLength(3);
  });

  it('gives the deploy the plan artifact id and run id (empty without a plan)', () => {
    expect(planTemplateVars({ planReview: ready })).toEqual({ planArtifactId: '9', planRunId: '7' });
    expect(planTemplateVars({})).toEqual({ planArtifactId: '', planRunId: '' });
  });

  it('the Approve value carries the digest of the plan on the card', () => {
    expect(approveValue({ id: 'p-1', planReview: ready })).toBe(`p-1@${DIGEST}`);
    expect(approveValue({ id: 'p-1', planReview: running })).toBe('p-1');
    expect(approveValue({ id: 'p-1' })).toBe('p-1');
    expect(parseApproveValue(`p-1@${DIGEST}`)).toEqual({ id: 'p-1', planDigest: DIGEST });
    expect(parseApproveValue('p-1')).toEqual({ id: 'p-1' });
  });
});

describe('planThreadMessage', () => {
  it('escapes the plan, keeps it in one code block and links the run', () => {
    const m = planThreadMessage(ready, '<!channel> & <http://x|y>\n```\nend');
    expect(m.text).toContain('&lt;!channel&gt; &amp; &lt;http://x|y&gt;');
    expect(m.text.match(/```/g)).toHaveLength(2);
    expect(m.text).toContain('<https://github.test/acme/markets/actions/runs/7|plan run #1>');
  });

  it('caps the plan text and says where the rest is', () => {
    const m = planThreadMessage(ready, 'x'.repeat(5000), 3000);
    expect(m.text).toContain(`${'x'.repeat(3000)}\n…`);
    expect(m.text).not.toContain('x'.repeat(3001));
    expect(m.text).toContain('Showing the first 3000 of 5000 characters');
  });
});

describe('/promote replan', () => {
  it.each<[string, unknown]>([
    ['replan p-20261201-abc123', { kind: 'replan', id: 'p-20261201-abc123' }],
    ['REPLAN p-20261201-abc123', { kind: 'replan', id: 'p-20261201-abc123' }],
    ['replan', { kind: 'error' }],
    ['replan markets-pipeline prod', { kind: 'error' }],
  ])('%s', (text, expected) => {
    expect(parsePromoteCommand(text)).toMatchObject(expected as object);
  });
});
