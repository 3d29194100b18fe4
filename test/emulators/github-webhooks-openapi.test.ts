/**
 * Contract test: the GitHub emulator's webhook deliveries against GitHub's published webhooks
 * description (`@octokit/openapi-webhooks`, api.github.com.json), and the request bodies
 * shipgate's GitHub adapters send against the REST description's request schemas
 * (`@octokit/openapi`).
 *
 * Webhooks: one scenario drives the emulator over real HTTP through every event it delivers
 * (push, status, pull_request, workflow_run, workflow_job, check_suite, deployment,
 * deployment_status, deployment_review requested/approved/rejected, deployment_protection_rule)
 * as a GitHub App installation would receive them. Each payload is validated against the
 * schema of its `<event>-<action>` (required properties, types, enums, formats) and must not
 * carry properties GitHub does not document (a top-level `sha` on deployment_protection_rule,
 * say): code written against the emulator must read what GitHub really sends.
 *
 * Request bodies: real promotions of each strategy (workflow with environment approval and a
 * custom protection rule; branch dev → test → prod with PRs, merges and an environment review)
 * run through the bot and the emulator; every body the adapters sent is validated against the
 * requestBody schema of its operation, undocumented properties included.
 *
 * KNOWN_GAPS: required properties the emulator's payloads leave out (per schema object), as in
 * the REST contract test; a ratchet test keeps the list exact.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ValidateFunction } from 'ajv';
import { GitHubEmulator, type WebhookDelivery } from '../../src/emulators/github-emulator';
import type { RecordedCall } from '../../src/emulators/emulator-base';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { githubWebhookPayload, protectionRuleEvent } from '../../src/adapters/github/webhook-payload';
import { wakeKeysFor } from '../../src/adapters/github/github-webhook-event';
import { startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';
import { describeErrors, loadDocument, missingRequired, SchemaSet, type Json } from '../helpers/openapi-schemas';
import { platformConfig } from '../helpers/platform';

const webhooksDoc = loadDocument('@octokit/openapi-webhooks/generated/api.github.com.json');
const restDoc = loadDocument('@octokit/openapi/generated/api.github.com.json');

const TOKEN = 'ghp_contract';
const REPO = 'acme/platform';

/**
 * The emulator's known gaps in webhook payloads: required properties of GitHub's webhook
 * schemas it leaves out (`component` or `component.prop`), forgiven by the tolerant validator.
 * Add one only for a property shipgate never reads; remove it once the emulator sends it.
 */
const KNOWN_GAPS: Record<string, string[]> = {};

/**
 * Where GitHub's webhooks description is narrower than what GitHub sends; the emulator sends
 * what GitHub does, and these corrections let it.
 */
const ERRATA: Record<string, (node: Json) => void> = {
  // Actions' deployment statuses carry `environment_url: ""` when no URL is set (octokit/webhooks
  // payload-examples/api.github.com/deployment_status/gh-pages.payload.json)
  'webhook-deployment-status-created.deployment_status.environment_url': (node) => {
    delete node.format;
    node.anyOf = [{ format: 'uri' }, { const: '' }];
  },
  // every workflow_run action carries the run's display_title (requested and completed document it)
  'webhook-workflow-run-in-progress.workflow_run': (node) => {
    (node.properties as Json).display_title = { type: 'string' };
  },
};

const webhookSchemas = new SchemaSet(webhooksDoc, { id: 'ghw', closed: true, tolerate: KNOWN_GAPS, errata: ERRATA });
const strictWebhookSchemas = new SchemaSet(webhooksDoc, { id: 'ghw', closed: true, errata: ERRATA });
const restSchemas = new SchemaSet(restDoc, { id: 'gh', closed: true });

/** `workflow_run` + `in_progress` → `workflow-run-in-progress` (the webhooks document's key). */
function webhookName(event: string, action: string | undefined): string {
  const withAction = `${event}-${action ?? ''}`.replace(/_/g, '-');
  if (action !== undefined && webhooksDoc.webhooks![withAction]) return withAction;
  if (webhooksDoc.webhooks![event.replace(/_/g, '-')]) return event.replace(/_/g, '-');
  throw new Error(`webhook ${event}${action ? `.${action}` : ''} is not in GitHub's webhooks description`);
}

const webhookValidators = new Map<string, { tolerant: ValidateFunction; strict: ValidateFunction }>();

interface Checked {
  /** Errors of the tolerant validation (everything but KNOWN_GAPS), undocumented properties included. */
  errors: string[];
  /** Missing required properties found by the strict validation. */
  gaps: string[];
}

function checkDelivery(d: Pick<WebhookDelivery, 'event' | 'action' | 'payload'>): Checked {
  const name = webhookName(d.event, d.action);
  let v = webhookValidators.get(name);
  if (!v) {
    const schema = (webhooksDoc.webhooks![name]!.post.requestBody.content as Record<string, { schema: unknown }>)['application/json']!.schema;
    v = { tolerant: webhookSchemas.compile(schema), strict: strictWebhookSchemas.compile(schema) };
    webhookValidators.set(name, v);
  }
  const errors = v.tolerant(d.payload) ? [] : describeErrors(v.tolerant.errors);
  const gaps = v.strict(d.payload) ? [] : missingRequired(v.strict.errors, KNOWN_GAPS);
  return { errors, gaps };
}

/** `event.action` → the union of what its deliveries got wrong. */
function checkAll(deliveries: WebhookDelivery[]): Map<string, Checked> {
  const out = new Map<string, Checked>();
  for (const d of deliveries) {
    const key = d.action ? `${d.event}.${d.action}` : d.event;
    const r = checkDelivery(d);
    const prev = out.get(key) ?? { errors: [], gaps: [] };
    out.set(key, { errors: [...new Set([...prev.errors, ...r.errors])].sort(), gaps: [...new Set([...prev.gaps, ...r.gaps])].sort() });
  }
  return out;
}

/** Every delivery the emulator makes, by `event.action`. */
const DELIVERIES = [
  'push',
  'status',
  'pull_request.opened',
  'pull_request.closed',
  'workflow_run.requested',
  'workflow_run.in_progress',
  'workflow_run.completed',
  'workflow_job.queued',
  'workflow_job.waiting',
  'workflow_job.in_progress',
  'workflow_job.completed',
  'check_suite.completed',
  'deployment.created',
  'deployment_status.created',
  'deployment_review.requested',
  'deployment_review.approved',
  'deployment_review.rejected',
  'deployment_protection_rule.requested',
] as const;

/** A webhook receiver that answers 204 (deliveries are validated from `emu.deliveries`). */
async function startReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/github/webhooks`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe(`GitHub emulator webhooks vs GitHub's webhooks description (@octokit/openapi-webhooks ${webhooksDoc.info.version})`, () => {
  let emu: GitHubEmulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let results: Map<string, Checked>;
  const clock = { now: Date.parse('2026-03-02T10:00:00Z') };

  beforeAll(async () => {
    receiver = await startReceiver();
    emu = new GitHubEmulator({ token: TOKEN, now: () => clock.now, tickMs: 10_000, installationId: 4711, webhook: { url: receiver.url, secret: 's3cret' } });
    await emu.start();
    const advance = (ms: number): void => {
      clock.now += ms;
      emu.tick();
    };
    const api = async (method: string, path: string, body?: unknown): Promise<Json> => {
      const res = await fetch(`${emu.url}/repos/${REPO}${path}`, {
        method,
        headers: { authorization: `token ${TOKEN}`, accept: 'application/vnd.github+json', 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : {}) as Json;
    };

    emu.addRepo(REPO, { defaultBranch: 'main' });
    emu.addCommit(REPO, 'main', { message: 'feat: base', author: { name: 'Alice A', email: 'alice@example.com', login: 'alice' } });
    for (const b of ['test', 'prod']) emu.setBranch(REPO, b, emu.branchHead(REPO, 'main')!);
    const devSha = emu.addCommit(REPO, 'dev', { message: 'feat: new job\n\nbody', author: { name: 'Bob B', email: 'bob@example.com' } });
    const fast = { queuedMs: 1000, inProgressMs: 2000 };
    emu.addWorkflow(REPO, { file: 'ci-test.yml', name: 'ci-test', onPushBranches: ['test'], durations: fast });
    emu.addEnvironment(REPO, 'DataBricks-Prod', { reviewers: true });
    emu.addWorkflow(REPO, { file: 'cd-prod.yml', name: 'cd-prod', environment: 'DataBricks-Prod', durations: fast });
    emu.addEnvironment(REPO, 'guarded', { customRule: true });
    emu.addWorkflow(REPO, { file: 'cd-guarded.yml', name: 'cd-guarded', environment: 'guarded', durations: fast });

    // a commit status; a PR dev → test, merged (push to test starts ci-test)
    await api('POST', `/statuses/${devSha}`, { state: 'success', context: 'unit-tests', target_url: 'https://ci.example/1', description: 'ok' });
    const pr = await api('POST', '/pulls', { title: 'Promote dev → test', head: 'dev', base: 'test', body: 'commits' });
    await api('PUT', `/pulls/${String(pr.number)}/merge`, { sha: devSha, merge_method: 'merge', commit_title: 'Promote' });
    advance(1500);
    advance(2000); // ci-test completed

    // cd-prod waits for review on DataBricks-Prod: approved through the API; a second run rejected
    await api('POST', '/actions/workflows/cd-prod.yml/dispatches', { ref: 'test' });
    advance(1500);
    const waiting = emu.runs(REPO).find((r) => r.name === 'cd-prod' && r.status === 'waiting')!;
    const pending = (await api('GET', `/actions/runs/${String(waiting.id)}/pending_deployments`)) as unknown as Array<{ environment: { id: number } }>;
    await api('POST', `/actions/runs/${String(waiting.id)}/pending_deployments`, {
      environment_ids: [pending[0]!.environment.id],
      state: 'approved',
      comment: 'ok',
    });
    advance(3000);
    await api('POST', '/actions/workflows/cd-prod.yml/dispatches', { ref: 'test' });
    advance(1500);
    emu.reviewRun(emu.runs(REPO).find((r) => r.name === 'cd-prod' && r.status === 'waiting')!.id as number, 'rejected', {
      login: emu.login,
      comment: 'not today',
    });

    // cd-guarded asks the custom deployment protection rule
    await api('POST', '/actions/workflows/cd-guarded.yml/dispatches', { ref: 'test' });
    advance(1500);
    const guarded = emu.runs(REPO).find((r) => r.name === 'cd-guarded')!;
    await api('POST', `/actions/runs/${String(guarded.id)}/deployment_protection_rule`, { environment_name: 'guarded', state: 'approved', comment: 'ok' });
    advance(3000);

    // a deployment created through the API, with a status
    const dep = await api('POST', '/deployments', {
      ref: devSha,
      environment: 'test',
      auto_merge: false,
      required_contexts: [],
      payload: { promotion: 'p-1' },
    });
    await api('POST', `/deployments/${String(dep.id)}/statuses`, { state: 'success', log_url: 'https://ci.example/run/1', description: 'deployed' });

    await waitUntil('every webhook delivery answered', () => emu.deliveries.every((d) => d.status !== undefined || d.error !== undefined));
    results = checkAll(emu.deliveries);
  }, 60_000);

  afterAll(async () => {
    await emu.stop();
    await receiver.close();
  });

  it('the scenario made every kind of delivery, and each reached the receiver', () => {
    expect([...results.keys()].sort()).toEqual([...DELIVERIES].sort());
    expect(emu.deliveries.filter((d) => d.status !== 204)).toEqual([]);
  });

  it.each(DELIVERIES.map((d) => [d]))('%s matches the documented payload schema, with no undocumented property (known gaps aside)', (key) => {
    expect({ delivery: key, errors: results.get(key)?.errors }).toEqual({ delivery: key, errors: [] });
  });

  it('every known gap is still a gap (remove entries the emulator has fixed) and no other property is missing', () => {
    const found = new Set([...results.values()].flatMap((r) => r.gaps));
    const known = new Set(Object.entries(KNOWN_GAPS).flatMap(([where, props]) => props.map((p) => `${where}: ${p}`)));
    expect([...found].filter((g) => !known.has(g)).sort()).toEqual([]);
    expect([...known].filter((g) => !found.has(g)).sort()).toEqual([]);
  });

  it('every erratum is still needed: without them exactly those properties are refused', () => {
    const plain = new SchemaSet(webhooksDoc, { id: 'ghw', closed: true });
    const refused = (event: string, action: string): string[] => {
      const name = webhookName(event, action);
      const v = plain.compile((webhooksDoc.webhooks![name]!.post.requestBody.content as Record<string, { schema: unknown }>)['application/json']!.schema);
      return [
        ...new Set(emu.deliveries.filter((d) => d.event === event && d.action === action).flatMap((d) => (v(d.payload) ? [] : describeErrors(v.errors)))),
      ];
    };
    expect(refused('deployment_status', 'created')).toEqual(['/deployment_status/environment_url must match format "uri"']);
    expect(refused('workflow_run', 'in_progress')).toEqual(["/workflow_run has undocumented property 'display_title'"]);
  });

  it("shipgate's wake keys come from fields GitHub sends: each names a run, commit or PR of the repository", () => {
    const kinds = new Map<string, string[]>();
    for (const d of emu.deliveries) {
      const key = d.action ? `${d.event}.${d.action}` : d.event;
      const keys = wakeKeysFor(d.event, githubWebhookPayload.parse(d.payload));
      const parsed = keys.map((k) => /^(\w+):acme\/platform(?::(.+))?$/.exec(k) ?? [k, 'not about the repository', '']);
      for (const [, kind, id = ''] of parsed) {
        if (kind === 'run') expect(emu.run(Number(id))).toBeDefined();
        if (kind === 'sha') expect(emu.commit(REPO, id)).toBeDefined();
        if (kind === 'pr') expect(emu.pulls(REPO).map((p) => String(p.number))).toContain(id);
      }
      kinds.set(key, [...new Set([...(kinds.get(key) ?? []), ...parsed.map(([, kind]) => kind!)])].sort());
    }
    expect(Object.fromEntries(kinds)).toEqual({
      push: [],
      status: ['sha'],
      'pull_request.opened': ['pr', 'sha'],
      'pull_request.closed': ['pr', 'sha'],
      'workflow_run.requested': ['run', 'sha', 'workflow'],
      'workflow_run.in_progress': ['run', 'sha', 'workflow'],
      'workflow_run.completed': ['run', 'sha', 'workflow'],
      // only a waiting job is news to a run's follower (GitHub sends no workflow_run event for it)
      'workflow_job.queued': [],
      'workflow_job.waiting': ['run'],
      'workflow_job.in_progress': [],
      'workflow_job.completed': [],
      'check_suite.completed': ['sha'],
      'deployment.created': ['sha'],
      'deployment_status.created': ['sha'],
      'deployment_review.requested': [],
      'deployment_review.approved': [],
      'deployment_review.rejected': [],
      'deployment_protection_rule.requested': [],
    });
  });

  it('the protection-rule request reads the environment, the deployment SHA and the callback URL GitHub sends', () => {
    const rule = emu.deliveries.find((d) => d.event === 'deployment_protection_rule')!;
    const guarded = emu.runs(REPO).find((r) => r.name === 'cd-guarded')!;
    expect(protectionRuleEvent(rule.payload)).toEqual({
      repo: REPO,
      environment: 'guarded',
      sha: guarded.head_sha,
      callbackUrl: `${emu.url}/repos/${REPO}/actions/runs/${String(guarded.id)}/deployment_protection_rule`,
    });
  });

  it('the validator is not vacuous: fields GitHub does not send, and missing ones, are reported', () => {
    const rule = emu.deliveries.find((d) => d.event === 'deployment_protection_rule')!;
    expect(checkDelivery({ ...rule, payload: { ...rule.payload, sha: 'f'.repeat(40), ref: 'refs/heads/test' } }).errors).toEqual([
      "(root) has undocumented property 'ref'",
      "(root) has undocumented property 'sha'",
    ]);
    const approved = emu.deliveries.find((d) => d.event === 'deployment_review' && d.action === 'approved')!;
    expect(checkDelivery({ ...approved, payload: { ...approved.payload, environment: 'DataBricks-Prod' } }).errors).toEqual([
      "(root) has undocumented property 'environment'",
    ]);
    const run = emu.deliveries.find((d) => d.event === 'workflow_run' && d.action === 'completed')!;
    const { head_commit: _dropped, ...withoutHead } = run.payload.workflow_run as Json;
    void _dropped;
    expect(checkDelivery({ ...run, payload: { ...run.payload, workflow_run: withoutHead } }).errors).toContain(
      "/workflow_run must have required property 'head_commit'",
    );
  });
});

// ------------------------------------------------------------------ request bodies

/** REST operations by method, with a matcher of their concrete paths (longest literal prefix wins). */
const operations = Object.entries(restDoc.paths!).flatMap(([template, methods]) =>
  Object.entries(methods)
    .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))
    .map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      op,
      literal: template.replace(/\{[^}]+\}/g, '').length,
      pattern: new RegExp(
        `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'ref' || name === 'branch' ? '(.+)' : '([^/]+)'))}$`,
      ),
    })),
);

function operationOf(call: Pick<RecordedCall, 'method' | 'path'>): (typeof operations)[number] {
  const found = operations.filter((o) => o.method === call.method && o.pattern.test(call.path)).sort((a, b) => b.literal - a.literal)[0];
  if (!found) throw new Error(`${call.method} ${call.path} is not an operation of GitHub's REST description`);
  return found;
}

const bodyValidators = new Map<string, ValidateFunction | null>();

/** Errors of a request body against its operation's requestBody schema (undocumented properties included). */
function checkRequestBody(call: Pick<RecordedCall, 'method' | 'path' | 'body'>): { operation: string; errors: string[] } {
  const o = operationOf(call);
  const operation = `${o.method} ${o.template}`;
  if (!bodyValidators.has(operation)) {
    let requestBody = o.op.requestBody;
    if (requestBody && typeof requestBody.$ref === 'string') requestBody = restDoc.components.requestBodies![(requestBody.$ref as string).split('/').pop()!];
    const schema = (requestBody?.content as Record<string, { schema?: unknown }> | undefined)?.['application/json']?.schema;
    bodyValidators.set(operation, schema === undefined ? null : restSchemas.compile(schema));
  }
  const v = bodyValidators.get(operation)!;
  if (!v) return { operation, errors: call.body === undefined ? [] : ['(root) GitHub documents no request body for this operation'] };
  if (call.body === undefined) return { operation, errors: o.op.requestBody?.required === true ? ['(root) a request body is required'] : [] };
  return { operation, errors: v(call.body) ? [] : describeErrors(v.errors) };
}

const WORKFLOW_CONFIG = `
timezone: Europe/London
environments:
  - { name: int, deployers: ["*"] }
  - { name: prod, deployers: [S0RELEASEMGRS], approvers: [S0RELEASEMGRS] }
services:
  - name: markets-pipeline
    repo: acme/markets
    pipeline: [int, prod]
    strategy:
      type: workflow
      workflow: deploy-prod.yml
      ref: main
      inputs: { environment: "{{env}}", sha: "{{sha}}", promotion: "{{promotion}}" }
      approveEnvironments: true
      githubEnvironments: { prod: markets-prod }
`;

const BRANCH_CONFIG = platformConfig({ deployWorkflows: '{ test: ci-test, prod: cd-prod }', trailer: false });

const WEBHOOK_SECRET = 'contract-webhook-secret';

describe("request bodies shipgate's GitHub adapters send, vs GitHub's REST request schemas (@octokit/openapi)", () => {
  const sent: RecordedCall[] = [];
  const delivered: WebhookDelivery[] = [];

  async function record(h: Harness): Promise<void> {
    await h.close();
    sent.push(...h.github.calls.filter((c) => c.method !== 'GET'));
    delivered.push(...h.github.deliveries);
  }

  beforeAll(async () => {
    // workflow strategy: dispatch, environment review approved in Slack, a custom protection rule answered
    const w = await startHarness('contract-workflow', { config: WORKFLOW_CONFIG, webhookSecret: WEBHOOK_SECRET });
    try {
      w.github.addEnvironment('acme/markets', 'markets-prod', { reviewers: true, customRule: true });
      w.github.addWorkflow('acme/markets', {
        file: 'deploy-prod.yml',
        name: 'deploy-prod',
        environment: 'markets-prod',
        inputs: { environment: { required: true }, sha: { required: true }, promotion: {} },
        durations: { queuedMs: 30, inProgressMs: 60 },
      });
      const p = await w.request('markets-pipeline prod', USERS.rm1);
      await w.click(p, ACTIONS.approve, USERS.rm2);
      expect((await w.waitState(p.id, ['succeeded', 'failed'], 15_000)).state).toBe('succeeded');
    } finally {
      await record(w);
    }

    // branch strategy: PRs and merges dev → test → prod, cd-prod's environment review
    const b = await startHarness('contract-branch', { config: BRANCH_CONFIG, webhookSecret: WEBHOOK_SECRET });
    try {
      const gh = b.github;
      const base = gh.addRepo('acme/platform', { defaultBranch: 'main' });
      for (const branch of ['dev', 'test', 'prod']) gh.setBranch('acme/platform', branch, base);
      gh.addCommit('acme/platform', 'dev', { message: 'feat: new smoke job', author: { name: 'Erin', email: 'erin@acme.test', login: 'erin' } });
      const fast = { queuedMs: 40, inProgressMs: 120 };
      gh.addWorkflow('acme/platform', { file: 'ci-test.yml', name: 'ci-test', onPushBranches: ['test'], durations: fast });
      gh.addEnvironment('acme/platform', 'prod', { reviewers: true });
      gh.addWorkflow('acme/platform', { file: 'cd-prod.yml', name: 'cd-prod', onPushBranches: ['prod'], environment: 'prod', durations: fast });
      const toTest = await b.request('databricks-jobs test', USERS.engineer);
      await b.click(toTest, ACTIONS.approve, USERS.engineer);
      expect((await b.waitState(toTest.id, ['succeeded', 'failed'], 15_000)).state).toBe('succeeded');
      const toProd = await b.request('databricks-jobs prod', USERS.rm1);
      await b.click(toProd, ACTIONS.approve, USERS.rm2);
      expect((await b.waitState(toProd.id, ['succeeded', 'failed'], 15_000)).state).toBe('succeeded');
    } finally {
      await record(b);
    }
  }, 90_000);

  it('the promotions made the writes of both strategies', () => {
    const made = new Set(sent.map((c) => operationOf(c)).map((o) => `${o.method} ${o.template}`));
    expect([...made].sort()).toEqual([
      'POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule',
      'POST /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments',
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      'POST /repos/{owner}/{repo}/deployments',
      'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      'POST /repos/{owner}/{repo}/pulls',
      'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge',
    ]);
  });

  it("every request body matches its operation's requestBody schema, with no undocumented property", () => {
    const wrong = sent.map((c) => ({ call: `${c.method} ${c.path}`, body: c.body, ...checkRequestBody(c) })).filter((r) => r.errors.length > 0);
    expect(wrong).toEqual([]);
  });

  it("the webhooks delivered during those promotions match GitHub's webhook schemas too", () => {
    const wrong = [...checkAll(delivered)].filter(([, r]) => r.errors.length > 0);
    expect(wrong).toEqual([]);
  });

  it('the request-body validator is not vacuous', () => {
    const dispatch = { method: 'POST', path: '/repos/acme/markets/actions/workflows/deploy.yml/dispatches' };
    expect(checkRequestBody({ ...dispatch, body: { ref: 'main', inputs: {} } }).errors).toEqual([]);
    expect(checkRequestBody({ ...dispatch, body: { branch: 'main' } }).errors).toEqual([
      "(root) has undocumented property 'branch'",
      "(root) must have required property 'ref'",
    ]);
    const review = { method: 'POST', path: '/repos/acme/markets/actions/runs/7/pending_deployments' };
    expect(checkRequestBody({ ...review, body: { environment_ids: ['1'], state: 'approve', comment: 'ok' } }).errors).toEqual(
      expect.arrayContaining(['/environment_ids/0 must be integer', '/state must be equal to one of the allowed values ["approved","rejected"]']),
    );
  });
});
