/**
 * The console's clock control: `GET /console/api/clock` says what time the sandbox thinks it
 * is, what is frozen then and which freezes come next; `POST /console/api/clock` jumps to one
 * of them (`{ jump: id }`), to an instant (`{ at: ISO }`) or back to real time (`{ to: 'now' }`).
 * The bot and the emulators share the clock, so a freeze's Blocked message, the emergency
 * override and queue-for-next-window can be tried on any day.
 */
import type http from 'node:http';
import type { HttpServer } from '../../adapters/http/http-server';
import type { FreezeCalendars } from '../../app/ports/freeze-calendars';
import type { SandboxClock } from '../sandbox-clock';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How far ahead the console offers freezes to jump to. */
const HORIZON_DAYS = 400;

export interface ClockJump {
  id: string;
  rule: string;
  label?: string;
  environments: string[];
  start: string;
  end: string;
  /** Where the jump lands: inside the window (09:00 after a midnight start, or its middle when shorter). */
  at: string;
}

export interface ClockState {
  now: string;
  realNow: string;
  offsetMs: number;
  timezone: string;
  /** Environments frozen at `now`, with the rules that freeze them. */
  frozen: Array<{ env: string; rules: string[]; nextOpen: string }>;
  jumps: ClockJump[];
}

export interface ClockConsoleDeps {
  clock: SandboxClock;
  calendars: FreezeCalendars;
  environments: string[];
  timezone: string;
  /** Why the clock cannot move right now (e.g. a workflow run in progress), or undefined. */
  busy?: () => string | undefined;
  /** After every move (re-open demo change windows, re-check queued promotions, refresh the console). */
  moved?: () => Promise<void>;
}

function landing(start: number, end: number): number {
  return start + Math.min(9 * HOUR, Math.floor((end - start) / 2));
}

async function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const parsed: unknown = text ? JSON.parse(text) : {};
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache', 'content-length': String(Buffer.byteLength(text)) }).end(text);
}

export class ClockConsole {
  constructor(private readonly d: ClockConsoleDeps) {}

  register(server: HttpServer): void {
    server.route('GET', '/console/api/clock', async (_req, res) => reply(res, 200, { ok: true, ...(await this.state()) }));
    server.route('POST', '/console/api/clock', async (req, res) => {
      let body: Record<string, unknown>;
      try {
        body = await readBody(req);
      } catch (e) {
        return reply(res, 400, { ok: false, error: `bad JSON body: ${(e as Error).message}` });
      }
      const result = await this.move(body);
      reply(res, result.status, result.status === 200 ? { ok: true, ...(await this.state()) } : { ok: false, error: result.error });
    });
  }

  async state(): Promise<ClockState> {
    const { clock, environments, timezone } = this.d;
    const now = clock.now();
    const calendar = await this.d.calendars.current();
    const frozen: ClockState['frozen'] = [];
    const byWindow = new Map<string, ClockJump>();
    for (const env of environments) {
      const check = calendar.check(env, now);
      if (check.frozen) frozen.push({ env, rules: [...new Set(check.windows.map((w) => w.rule))], nextOpen: check.nextOpen.toISOString() });
      for (const w of calendar.upcoming(env, now, HORIZON_DAYS)) {
        if (w.start.getTime() <= now.getTime()) continue; // already running: nothing to jump to
        const id = `${w.rule}@${w.start.toISOString()}`;
        const known = byWindow.get(id);
        if (known) {
          if (!known.environments.includes(env)) known.environments.push(env);
          continue;
        }
        byWindow.set(id, {
          id,
          rule: w.rule,
          ...(w.label ? { label: w.label } : {}),
          environments: [env],
          start: w.start.toISOString(),
          end: w.end.toISOString(),
          at: new Date(landing(w.start.getTime(), w.end.getTime())).toISOString(),
        });
      }
    }
    // the next window of each rule, soonest first
    const firstPerRule = new Map<string, ClockJump>();
    for (const j of [...byWindow.values()].sort((a, b) => a.start.localeCompare(b.start))) if (!firstPerRule.has(j.rule)) firstPerRule.set(j.rule, j);
    return {
      now: now.toISOString(),
      realNow: new Date(clock.realNowMs()).toISOString(),
      offsetMs: clock.offsetMs,
      timezone,
      frozen,
      jumps: [...firstPerRule.values()],
    };
  }

  /** Moves the clock as asked; says why not when it cannot. */
  async move(body: Record<string, unknown>): Promise<{ status: 200 } | { status: 400 | 409; error: string }> {
    let target: number | 'now';
    if (body.to === 'now') target = 'now';
    else if (typeof body.jump === 'string') {
      const jump = (await this.state()).jumps.find((j) => j.id === body.jump);
      if (!jump) return { status: 400, error: `no upcoming freeze "${body.jump}" (the list changes as the clock moves: reload it)` };
      target = Date.parse(jump.at);
    } else if (typeof body.at === 'string' && Number.isFinite(Date.parse(body.at))) {
      target = Date.parse(body.at);
      if (Math.abs(target - this.d.clock.realNowMs()) > HORIZON_DAYS * DAY) return { status: 400, error: `stay within ${HORIZON_DAYS} days of today` };
    } else {
      return { status: 400, error: 'send {"to":"now"}, {"jump":"<id from GET /console/api/clock>"} or {"at":"<ISO-8601 instant>"}' };
    }
    const busy = this.d.busy?.();
    if (busy) return { status: 409, error: busy };
    if (target === 'now') this.d.clock.reset();
    else this.d.clock.set(target);
    await this.d.moved?.();
    return { status: 200 };
  }
}
