/**
 * The sandbox console's server side, mounted on the bot's own port: the page and its
 * assets at `/` and `/console/*`, a JSON API under `/console/api/*`, and a server-sent
 * event stream that says "something changed" whenever an emulator records an event.
 *
 * Everything a person does in the console reaches the bot the way Slack would send it:
 * slash commands, button clicks and modal submissions go through the Slack emulator's
 * client side (`sendSlashCommand`, `sendBlockAction`, `sendViewSubmission`) as signed
 * HTTP requests to `/slack/events`.
 */
import { displayPipeline, displayStage, isParallel, pipelineEnvs, stageOf } from '../../domain/pipeline-stages';
import type http from 'node:http';
import type { ShipgateConfig } from '../../config/config-schema';
import type { DeploymentHistory } from '../../app/ports/deployment-history';
import type { HttpServer } from '../../adapters/http/http-server';
import type { GitHubEmulator } from '../../emulators/github-emulator';
import type { SlackBlock, SlackEmulator, SlackMessage } from '../../emulators/slack-emulator';
import { DEFAULT_CONSOLE_USER, DEMO_CHANNELS, DEMO_USERGROUPS, DEMO_USERS, TRY_COMMANDS, SIGN_OFF_DEMO } from '../demo-workspace';
import { consoleAssets } from './console-assets';

/** What the ServiceNow section of the side panel shows. */
export interface ServiceNowSnapshot {
  url: string;
  changes: Array<{ number: string; shortDescription: string; state: string; approval: string; ci?: string; window?: string; url: string }>;
  incidents: Array<{ number: string; priority: string; state: string; shortDescription: string; ci?: string; url: string }>;
}

/** The ServiceNow side of the panel: the sandbox passes its ServiceNow emulator (without one, a placeholder shows). */
export interface ServiceNowPanelSource {
  snapshot(): ServiceNowSnapshot | Promise<ServiceNowSnapshot>;
  /** Emits events on change (an EventEmitter such as the emulator itself); optional. */
  on?(event: string, listener: () => void): unknown;
  off?(event: string, listener: () => void): unknown;
}

export interface SandboxConsoleDeps {
  slack: SlackEmulator;
  github: GitHubEmulator;
  config: ShipgateConfig;
  history: Pick<DeploymentHistory, 'list'>;
  servicenow?: ServiceNowPanelSource;
  /** Shown in the console's guide. */
  redisDescription: string;
  /** The sandbox's clock (people's messages are stamped with it, like the Slack emulator's); default real time. */
  clock?: { nowMs(): number };
}

interface LocalMessage {
  channel: string;
  ts: string;
  user: string;
  text: string;
  threadTs?: string;
  /** Visible to this user only (e.g. "/foo is not a valid command"). */
  ephemeralFor?: string;
}

export interface ConsoleMessage {
  ts: string;
  channel: string;
  user: string;
  kind: 'bot' | 'user' | 'ephemeral';
  text: string;
  blocks: SlackBlock[];
  threadTs?: string;
  replyCount?: number;
  replyUsers?: string[];
  latestReply?: string;
  edited?: boolean;
  /** Files shared with the message (files.uploadV2), downloadable from the Slack emulator. */
  files?: Array<{ id: string; name: string; title: string; prettyType: string; size: number; url: string }>;
  /** Bumped on every edit (the console flashes a message whose revision changed). */
  rev: number;
}

const SLACK_EVENTS = ['message', 'update', 'ephemeral', 'view', 'delete', 'file'];
const GITHUB_EVENTS = ['run', 'pull_request', 'push', 'review', 'review_requested', 'dispatch', 'merge'];
const KNOWN_COMMANDS = ['/promote', '/rollback'];

function compareTs(a: string, b: string): number {
  const [as = '0', af = '0'] = a.split('.');
  const [bs = '0', bf = '0'] = b.split('.');
  return Number(as) - Number(bs) || Number(af) - Number(bf);
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 256 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  const parsed: unknown = JSON.parse(text);
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

function send(res: http.ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache', 'content-length': String(Buffer.byteLength(body)) }).end(body);
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body), 'application/json; charset=utf-8');
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export class SandboxConsole {
  private readonly local: LocalMessage[] = [];
  private readonly dismissedViews = new Set<string>();
  private readonly streams = new Set<http.ServerResponse>();
  private version = 0;
  private bumpTimer: NodeJS.Timeout | undefined;
  private readonly keepAlive: NodeJS.Timeout;
  private lastLocalMicros = 0;
  private readonly bump = (): void => {
    this.version += 1;
    if (this.bumpTimer) return;
    this.bumpTimer = setTimeout(() => {
      this.bumpTimer = undefined;
      const frame = `event: change\ndata: ${JSON.stringify({ version: this.version })}\n\n`;
      for (const res of this.streams) res.write(frame);
    }, 30);
  };

  constructor(private readonly d: SandboxConsoleDeps) {
    for (const e of SLACK_EVENTS) d.slack.on(e, this.bump);
    for (const e of GITHUB_EVENTS) d.github.on(e, this.bump);
    d.servicenow?.on?.('change', this.bump);
    this.keepAlive = setInterval(() => {
      for (const res of this.streams) res.write(': keep-alive\n\n');
    }, 15_000);
    this.keepAlive.unref();
  }

  register(server: HttpServer): void {
    for (const [route, asset] of consoleAssets()) server.route('GET', route, (_req, res) => send(res, 200, asset.body, asset.type));
    server.route('GET', '/console/api/bootstrap', (_req, res) => json(res, 200, this.bootstrap()));
    server.route('GET', '/console/api/state', async (req, res) => json(res, 200, await this.state(new URL(req.url ?? '/', 'http://x').searchParams)));
    server.route('GET', '/console/api/events', (req, res) => this.stream(req, res));
    server.route('POST', '/console/api/command', (req, res) => this.post(req, res, (b) => this.command(b)));
    server.route('POST', '/console/api/message', (req, res) => this.post(req, res, (b) => this.message(b)));
    server.route('POST', '/console/api/action', (req, res) => this.post(req, res, (b) => this.action(b)));
    server.route('POST', '/console/api/view/submit', (req, res) => this.post(req, res, (b) => this.submitView(b)));
    server.route('POST', '/console/api/view/close', (req, res) => this.post(req, res, (b) => this.closeView(b)));
  }

  /** Tells every open console that something changed (e.g. the clock moved). */
  notify(): void {
    this.bump();
  }

  close(): void {
    for (const e of SLACK_EVENTS) this.d.slack.off(e, this.bump);
    for (const e of GITHUB_EVENTS) this.d.github.off(e, this.bump);
    this.d.servicenow?.off?.('change', this.bump);
    clearInterval(this.keepAlive);
    if (this.bumpTimer) clearTimeout(this.bumpTimer);
    for (const res of this.streams) res.end();
    this.streams.clear();
  }

  // ------------------------------------------------------------------ read side

  bootstrap(): Record<string, unknown> {
    const { config, slack, github } = this.d;
    return {
      team: { id: slack.teamId, name: slack.teamName },
      bot: { id: slack.botUserId, name: slack.botUserName },
      defaultUser: DEFAULT_CONSOLE_USER,
      users: DEMO_USERS.map(({ id, name, realName, title, role, can, color, tz }) => ({ id, name, realName, title, role, can, color, tz })),
      usergroups: DEMO_USERGROUPS,
      channels: DEMO_CHANNELS.map(({ id, name, topic, incident }) => ({ id, name, topic, incident: Boolean(incident) })),
      commands: [
        {
          command: '/promote',
          hint: '<service> <env> [from=<env>] [ref=<sha|tag|branch>] [cr=CHG…] [reason="…"]',
          description: 'Promote a service to an environment (or help, plan, status, history, freeze, cancel)',
        },
        {
          command: '/rollback',
          hint: '<service> [env] [to=<sha|promotion-id>] [reason="…"]',
          description: 'Put the last known-good build back (incident channels only)',
        },
      ],
      tryCommands: TRY_COMMANDS,
      signOffDemo: SIGN_OFF_DEMO,
      services: config.services.map((s) => ({ name: s.name, repo: s.repo, pipeline: displayPipeline(s.pipeline), strategy: s.strategy.type, ...(s.trigger && 'push' in s.trigger ? { pushTrigger: s.trigger.push } : {}) })),
      environments: config.environments.map((e) => ({
        name: e.name,
        deployers: e.deployers,
        approvers: e.approvers ?? [],
        changeRecord: e.changeRecord,
        soak: e.soak ?? null,
      })),
      links: { github: github.url, slack: slack.url },
      servicenow: { connected: Boolean(this.d.servicenow) },
      redis: this.d.redisDescription,
    };
  }

  async state(q: URLSearchParams): Promise<Record<string, unknown>> {
    const user = q.get('user') || DEFAULT_CONSOLE_USER;
    const channel = q.get('channel') || DEMO_CHANNELS[0]!.id;
    const threadTs = q.get('thread') || undefined;
    const version = this.version;
    const [github, pipelines, servicenow] = await Promise.all([this.githubSnapshot(), this.pipelines(), this.servicenowSnapshot()]);
    return {
      version,
      user,
      channel,
      channels: DEMO_CHANNELS.map((c) => ({ id: c.id, count: this.timeline(c.id, user).length })),
      messages: this.timeline(channel, user),
      thread: threadTs ? this.threadView(channel, threadTs, user) : null,
      view: this.openView(user),
      github,
      pipelines,
      servicenow,
    };
  }

  private botMessage(channel: string, m: SlackMessage): ConsoleMessage {
    const out: ConsoleMessage = {
      ts: m.ts,
      channel,
      user: m.user,
      kind: 'bot',
      text: m.text,
      blocks: m.blocks,
      rev: this.d.slack.history(channel, m.ts).length,
    };
    if (m.thread_ts && m.thread_ts !== m.ts) out.threadTs = m.thread_ts;
    if (m.reply_count) {
      out.replyCount = m.reply_count;
      out.replyUsers = m.reply_users ?? [];
      if (m.latest_reply) out.latestReply = m.latest_reply;
    }
    if (m.edited) out.edited = true;
    if (m.files?.length) {
      out.files = m.files.map((f) => ({ id: f.id, name: f.name, title: f.title, prettyType: f.pretty_type, size: f.size, url: f.url_private_download }));
    }
    return out;
  }

  private localMessage(m: LocalMessage): ConsoleMessage {
    return {
      ts: m.ts,
      channel: m.channel,
      user: m.user,
      kind: m.ephemeralFor ? 'ephemeral' : 'user',
      text: m.text,
      blocks: [],
      rev: 1,
      ...(m.threadTs ? { threadTs: m.threadTs } : {}),
    };
  }

  /** Top-level messages of a channel as `user` sees them: bot messages, people's messages, their ephemerals. */
  private timeline(channel: string, user: string): ConsoleMessage[] {
    const { slack } = this.d;
    const replies = new Map<string, { count: number; users: Set<string>; latest: string }>();
    for (const m of this.local) {
      if (m.channel !== channel || !m.threadTs || m.ephemeralFor) continue;
      const r = replies.get(m.threadTs) ?? { count: 0, users: new Set<string>(), latest: m.ts };
      r.count += 1;
      r.users.add(m.user);
      r.latest = m.ts;
      replies.set(m.threadTs, r);
    }
    const bot = slack.messages(channel).map((m) => {
      const out = this.botMessage(channel, m);
      const extra = replies.get(m.ts);
      if (extra) {
        out.replyCount = (out.replyCount ?? 0) + extra.count;
        out.replyUsers = [...new Set([...(out.replyUsers ?? []), ...extra.users])];
        out.latestReply = out.latestReply && compareTs(out.latestReply, extra.latest) > 0 ? out.latestReply : extra.latest;
      }
      return out;
    });
    const local = this.local
      .filter((m) => m.channel === channel && !m.threadTs && (!m.ephemeralFor || m.ephemeralFor === user))
      .map((m) => this.localMessage(m));
    const ephemerals = this.ephemeralsFor(channel, user);
    return [...bot, ...local, ...ephemerals].sort((a, b) => compareTs(a.ts, b.ts));
  }

  /** Ephemeral messages a user sees in a channel (top level) or in one thread. */
  private ephemeralsFor(channel: string, user: string, threadTs?: string): ConsoleMessage[] {
    const { slack } = this.d;
    return slack
      .ephemerals(user)
      .filter((e) => e.channel === channel && (e.thread_ts || undefined) === threadTs)
      .map<ConsoleMessage>((e) => ({
        ts: e.message_ts,
        channel,
        user: slack.botUserId,
        kind: 'ephemeral',
        text: e.text,
        blocks: e.blocks,
        rev: e.history.length,
        ...(threadTs ? { threadTs } : {}),
      }));
  }

  private threadView(channel: string, ts: string, user: string): Record<string, unknown> | null {
    const { slack } = this.d;
    const messages = slack.thread(channel, ts).map((m) => this.botMessage(channel, m));
    const parent = messages.find((m) => m.ts === ts);
    if (!parent) return null;
    const local = this.local
      .filter((m) => m.channel === channel && m.threadTs === ts && (!m.ephemeralFor || m.ephemeralFor === user))
      .map((m) => this.localMessage(m));
    const ephemerals = this.ephemeralsFor(channel, user, ts);
    const replies = [...messages.filter((m) => m.ts !== ts), ...local, ...ephemerals].sort((a, b) => compareTs(a.ts, b.ts));
    return { channel, ts, parent, replies };
  }

  private openView(user: string): Record<string, unknown> | null {
    const open = this.d.slack.views().filter((v) => v.open && v.userId === user && !this.dismissedViews.has(v.view.id));
    const top = open[open.length - 1];
    return top ? { id: top.view.id, view: top.view, errors: top.errors ?? null, stack: open.length } : null;
  }

  private async githubSnapshot(): Promise<Record<string, unknown>> {
    const { github, config } = this.d;
    const repos = [...new Set(config.services.map((s) => s.repo))];
    const web = github.url;
    const lastActivity = (repo: string): number => Math.max(0, ...github.runs(repo).map((r) => Date.parse(str(r.updated_at)) || 0));
    return {
      url: web,
      // the repository with the latest activity first: what the demo is doing now is on top
      repos: [...repos]
        .sort((a, b) => lastActivity(b) - lastActivity(a))
        .map((repo) => {
          const services = config.services.filter((s) => s.repo === repo);
          const branchNames = new Set<string>();
          for (const s of services) {
            if (s.strategy.type === 'branch') Object.values(s.strategy.branches).forEach((b) => branchNames.add(b));
            else branchNames.add(s.strategy.ref);
          }
          const envOfRun = new Map<number, string>();
          for (const d of github.deployments(repo)) {
            const statuses = (d.statuses as Array<Record<string, unknown>>) ?? [];
            for (const s of statuses) {
              const id = /\/actions\/runs\/(\d+)/.exec(str(s.log_url))?.[1];
              if (id && !envOfRun.has(Number(id))) envOfRun.set(Number(id), str(d.environment)); // the run's own GitHub Environment first
            }
          }
          const runs = github.runs(repo);
          const inputsOf = new Map(github.dispatches.filter((d) => d.repo === repo).map((d) => [d.runId, d.inputs]));
          const titleOf = (r: Record<string, unknown>): string => {
            const inputs = inputsOf.get(Number(r.id));
            if (!inputs) return str(r.display_title) === str(r.name) ? '' : str(r.display_title);
            return Object.entries(inputs)
              .map(([k, v]) => `${k}=${/^[0-9a-f]{40}$/.test(String(v)) ? String(v).slice(0, 7) : String(v)}`)
              .join(' ');
          };
          const runRow = (r: Record<string, unknown>) => ({
            id: r.id,
            name: r.name,
            number: r.run_number,
            status: r.status,
            conclusion: r.conclusion,
            event: r.event,
            branch: r.head_branch,
            sha: r.head_sha,
            title: titleOf(r),
            url: r.html_url,
            createdAt: r.created_at,
            updatedAt: r.updated_at,
            environment: envOfRun.get(Number(r.id)) ?? null,
          });
          return {
            name: repo,
            url: `${web}/${repo}`,
            services: services.map((s) => s.name),
            branches: [...branchNames].map((b) => {
              const sha = github.branchHead(repo, b);
              return { name: b, sha: sha ?? null, url: sha ? `${web}/${repo}/commit/${sha}` : null };
            }),
            waiting: runs.filter((r) => r.status === 'waiting').map(runRow),
            runs: runs.slice(0, 8).map(runRow),
            totalRuns: runs.length,
            pulls: github
              .pulls(repo)
              .map((p) => ({
                number: p.number,
                title: p.title,
                state: p.state,
                merged: Boolean((p as { merged_at?: unknown }).merged_at),
                head: (p.head as { ref?: string } | undefined)?.ref ?? '',
                base: (p.base as { ref?: string } | undefined)?.ref ?? '',
                url: p.html_url,
                updatedAt: p.updated_at,
              }))
              .reverse()
              .slice(0, 6),
          };
        }),
    };
  }

  /** What runs where, from shipgate's own deployment history (what `/promote status` reads). */
  private async pipelines(): Promise<unknown[]> {
    const { config, history, github } = this.d;
    return Promise.all(
      config.services.map(async (s) => ({
        service: s.name,
        repo: s.repo,
        envs: await Promise.all(
          pipelineEnvs(s.pipeline).map(async (env) => {
            const last = (await history.list(s.name, env, 10).catch(() => [])).find((d) => d.outcome === 'succeeded');
            // a member of a parallel stage is labelled with its stage, e.g. "perf [perf | security]"
            const stage = stageOf(s.pipeline, env) ?? [env];
            const label = isParallel(stage) ? `${env} ${displayStage(stage)}` : env;
            return last ? { env: label, sha: last.sha, at: last.at, kind: last.kind, url: `${github.url}/${s.repo}/commit/${last.sha}` } : { env: label, sha: null };
          }),
        ),
      })),
    );
  }

  private async servicenowSnapshot(): Promise<ServiceNowSnapshot | null> {
    if (!this.d.servicenow) return null;
    try {
      return await this.d.servicenow.snapshot();
    } catch {
      return null;
    }
  }

  // ------------------------------------------------------------------ write side

  private async post(req: http.IncomingMessage, res: http.ServerResponse, fn: (body: Record<string, unknown>) => Promise<unknown>): Promise<void> {
    let body: Record<string, unknown>;
    try {
      body = await readJson(req);
    } catch (e) {
      json(res, 400, { ok: false, error: `bad JSON body: ${(e as Error).message}` });
      return;
    }
    try {
      json(res, 200, { ok: true, ...((await fn(body)) as object) });
    } catch (e) {
      json(res, 400, { ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }

  private nextLocalTs(): string {
    const micros = Math.max((this.d.clock?.nowMs() ?? Date.now()) * 1000, this.lastLocalMicros + 1);
    this.lastLocalMicros = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  private addLocal(m: Omit<LocalMessage, 'ts'>): void {
    this.local.push({ ...m, ts: this.nextLocalTs() });
    this.bump();
  }

  private requireUser(id: string): string {
    if (!DEMO_USERS.some((u) => u.id === id)) throw new Error(`unknown user ${id}`);
    return id;
  }

  /** A slash command, sent to the bot exactly as Slack sends it. */
  private async command(b: Record<string, unknown>): Promise<Record<string, unknown>> {
    const user = this.requireUser(str(b.user));
    const channel = str(b.channel);
    const text = str(b.text).trim();
    const m = /^(\/[\w-]+)(?:\s+([\s\S]*))?$/.exec(text);
    if (!m) throw new Error('a slash command starts with "/", e.g. /promote help');
    const command = m[1]!.toLowerCase();
    const threadTs = str(b.threadTs) || undefined;
    if (!KNOWN_COMMANDS.includes(command)) {
      this.addLocal({
        channel,
        user: this.d.slack.botUserId,
        ephemeralFor: user,
        ...(threadTs ? { threadTs } : {}),
        text: `\`${command}\` is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands. This workspace has ${KNOWN_COMMANDS.map((c) => `\`${c}\``).join(' and ')}.`,
      });
      return { status: 0 };
    }
    const response = await this.d.slack.sendSlashCommand({ command, text: (m[2] ?? '').trim(), userId: user, channelId: channel });
    if (response.status !== 200) {
      const reason = response.error ?? `http_${response.status}`;
      this.addLocal({ channel, user: this.d.slack.botUserId, ephemeralFor: user, text: `\`${command}\` failed with the error "${reason}"` });
    }
    return { status: response.status, ackMs: Math.round(response.ackMs) };
  }

  /** A plain message: the bot does not read channel messages, so it stays in the console. */
  private async message(b: Record<string, unknown>): Promise<Record<string, unknown>> {
    const user = this.requireUser(str(b.user));
    const text = str(b.text).trim();
    if (!text) throw new Error('empty message');
    const threadTs = str(b.threadTs) || undefined;
    // like Slack's client: escape &, <, > and turn @name of a workspace member into a mention
    const escaped = text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/(^|[\s(])@([a-z0-9._-]+)/gi, (all, pre: string, name: string) => {
        const member = DEMO_USERS.find((u) => u.name === name.toLowerCase().replace(/\.$/, ''));
        return member ? `${pre}<@${member.id}>` : all;
      });
    this.addLocal({ channel: str(b.channel), user, text: escaped, ...(threadTs ? { threadTs } : {}) });
    return {};
  }

  /** A button click (after the console showed the button's confirm dialog, if any). */
  private async action(b: Record<string, unknown>): Promise<Record<string, unknown>> {
    const user = this.requireUser(str(b.user));
    const viewId = str(b.viewId);
    const response = await this.d.slack.sendBlockAction({
      userId: user,
      actionId: str(b.actionId),
      ...(viewId ? { viewId } : { channelId: str(b.channel), messageTs: str(b.messageTs) }),
      ...(b.blockId ? { blockId: str(b.blockId) } : {}),
      ...(typeof b.value === 'string' ? { value: b.value } : {}),
    });
    if (response.status !== 200 && !viewId) {
      this.addLocal({
        channel: str(b.channel),
        user: this.d.slack.botUserId,
        ephemeralFor: user,
        text: `The app did not respond to the click (${response.error ?? `HTTP ${response.status}`}).`,
      });
    }
    return { status: response.status };
  }

  private async submitView(b: Record<string, unknown>): Promise<Record<string, unknown>> {
    const user = this.requireUser(str(b.user));
    const values = (b.values && typeof b.values === 'object' ? b.values : {}) as Record<string, Record<string, Record<string, unknown>>>;
    const response = await this.d.slack.sendViewSubmission({ userId: user, viewId: str(b.viewId), values });
    const body = response.body && typeof response.body === 'object' ? (response.body as Record<string, unknown>) : {};
    this.bump();
    return { status: response.status, errors: body.response_action === 'errors' ? (body.errors ?? null) : null, error: response.error ?? null };
  }

  /** Closing a modal (X or Cancel): Slack only tells the app when `notify_on_close` is set; shipgate's modals do not. */
  private async closeView(b: Record<string, unknown>): Promise<Record<string, unknown>> {
    const viewId = str(b.viewId);
    const record = this.d.slack.views().find((v) => v.view.id === viewId);
    for (const v of this.d.slack.views()) if (record && v.view.root_view_id === record.view.root_view_id) this.dismissedViews.add(v.view.id);
    this.dismissedViews.add(viewId);
    this.bump();
    return {};
  }

  private stream(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(`retry: 1000\nevent: change\ndata: ${JSON.stringify({ version: this.version })}\n\n`);
    this.streams.add(res);
    const drop = () => this.streams.delete(res);
    req.on('close', drop);
    res.on('close', drop);
  }
}
