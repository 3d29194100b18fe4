import { ErrorCode, type AuthTestResponse, type WebAPICallError } from '@slack/web-api';
import type { Logger } from '../../app/logger';
import type { Clock } from '../../app/ports/clock';

/** What shipgate knows about its bot token, from the last `auth.test`. */
export type SlackAuthState =
  | { status: 'pending' }
  | { status: 'ok'; botUserId?: string; botId?: string; teamId?: string; team?: string; checkedAt: string }
  | { status: 'failed'; error: string; since: string; retryInMs: number };

export interface SlackAuthMonitorOptions {
  /** `auth.test` with the bot token (one attempt; the monitor does its own backoff). */
  authTest: () => Promise<AuthTestResponse>;
  logger: Logger;
  clock: Clock;
  /** Re-check a working token this often (default 5 min): a revoked token shows within that time. */
  recheckMs?: number;
  /** Backoff after a failure: doubles from `minBackoffMs` (default 1 s) up to `maxBackoffMs` (default 5 min). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/** The Slack error behind a failed `auth.test`, in words (never the token). */
export function describeSlackError(e: unknown): string {
  const err = e as Partial<WebAPICallError> & { message?: string };
  switch (err.code) {
    case ErrorCode.PlatformError:
      return String((err as { data?: { error?: string } }).data?.error ?? 'unknown_error');
    case ErrorCode.HTTPError:
      return `HTTP ${(err as { statusCode?: number }).statusCode ?? '?'} from Slack`;
    case ErrorCode.RequestError: {
      const original = (err as { original?: Error & { cause?: { message?: string } } }).original;
      return `Slack did not answer: ${original?.cause?.message ?? original?.message ?? 'request failed'}`;
    }
    case ErrorCode.RateLimitedError:
      return 'rate limited by Slack';
    default:
      return err.message ?? String(e);
  }
}

const TOKEN_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission', 'missing_scope']);

/**
 * Checks the bot token with `auth.test` at start, then every `recheckMs`; after a failure it
 * retries with exponential backoff until the token works again. `/readyz` reads `state()`.
 * A failure is logged once when it starts (and again only if the reason changes), the
 * recovery once; probes never log. Its timers never keep the process alive.
 */
export class SlackAuthMonitor {
  private current: SlackAuthState = { status: 'pending' };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failures = 0;
  private readonly settledOnce: Promise<void>;
  private markSettled!: () => void;

  constructor(private readonly o: SlackAuthMonitorOptions) {
    this.settledOnce = new Promise((resolve) => (this.markSettled = resolve));
  }

  start(): this {
    this.checkNow();
    return this;
  }

  state(): SlackAuthState {
    return this.current;
  }

  /** The state, after waiting (at most `ms`) for the first check to finish. */
  async whenChecked(ms: number): Promise<SlackAuthState> {
    if (this.current.status === 'pending') {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.settledOnce, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms).unref()))]);
      clearTimeout(timer);
    }
    return this.current;
  }

  /** Bot ids once known (Bolt's ignoreSelf uses them). */
  identity(): { botId?: string; botUserId?: string } {
    const s = this.current;
    return s.status === 'ok' ? { ...(s.botId ? { botId: s.botId } : {}), ...(s.botUserId ? { botUserId: s.botUserId } : {}) } : {};
  }

  /** Check again now (e.g. after a call failed with invalid_auth); a check already running is reused. */
  checkNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    clearTimeout(this.timer);
    this.running ??= this.check().finally(() => {
      this.running = undefined;
      this.markSettled();
    });
    return this.running;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.markSettled();
  }

  private async check(): Promise<void> {
    const { logger, clock } = this.o;
    let next: number;
    try {
      const r = await this.o.authTest();
      if (this.stopped) return;
      const previous = this.current;
      this.current = {
        status: 'ok',
        ...(r.user_id ? { botUserId: r.user_id } : {}),
        ...(r.bot_id ? { botId: r.bot_id } : {}),
        ...(r.team_id ? { teamId: r.team_id } : {}),
        ...(r.team ? { team: r.team } : {}),
        checkedAt: clock.now().toISOString(),
      };
      this.failures = 0;
      if (previous.status === 'failed') logger.info({ team: r.team, botUserId: r.user_id }, 'Slack auth.test succeeded again: the bot token works, /readyz is ready');
      else if (previous.status === 'pending') logger.info({ team: r.team, botUserId: r.user_id }, 'Slack auth.test ok');
      next = this.o.recheckMs ?? 300_000;
    } catch (e) {
      if (this.stopped) return; // aborted by shutdown: nothing to report
      const error = describeSlackError(e);
      const previous = this.current;
      const min = this.o.minBackoffMs ?? 1000;
      next = Math.min(this.o.maxBackoffMs ?? 300_000, min * 2 ** Math.min(this.failures, 20));
      this.failures += 1;
      this.current = { status: 'failed', error, since: previous.status === 'failed' ? previous.since : clock.now().toISOString(), retryInMs: next };
      if (previous.status !== 'failed' || previous.error !== error) {
        const what = TOKEN_ERRORS.has(error)
          ? `Slack refused SLACK_BOT_TOKEN (auth.test: ${error}): set a valid bot token (xoxb-…, OAuth & Permissions)`
          : `Slack auth.test failed (${error})`;
        logger.error({ error }, `${what}; /readyz answers 503 until it works; re-checking with backoff (first retry in ${Math.round(next / 1000)} s)`);
      }
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.checkNow(), next).unref();
  }
}
