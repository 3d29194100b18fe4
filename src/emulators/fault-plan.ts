/**
 * Fault injection for the emulators: make a matching request fail the way real services
 * fail in production, so tests can prove that shipgate never acts twice and never
 * misreports. Modes:
 * - `before`: answer `status` without applying the request (a 502 from a proxy in front);
 * - `after`: apply the request, then answer `status` (the write happened, the answer was lost);
 * - `hang`: accept the request and never answer (a silent service); the socket stays open;
 * - `hang-after`: apply the request, then never answer (kill a client mid-call);
 * - `reset`: destroy the connection without an answer (the service is unreachable).
 */
export type FaultMode = 'before' | 'after' | 'hang' | 'hang-after' | 'reset';

export interface FaultRule {
  /** HTTP method to match (default: any). */
  method?: string;
  /** Exact path, or a pattern tested against the path (without the query string). */
  path: string | RegExp;
  mode: FaultMode;
  /** Status of the faulty answer (`before`/`after`; default 502). */
  status?: number;
  headers?: Record<string, string>;
  /** Body of the faulty answer (JSON; default a GitHub-style message). */
  body?: unknown;
  /** How many matching requests it affects (default 1; `Infinity` until removed). */
  times?: number;
}

export interface ActiveFault {
  readonly rule: FaultRule;
  /** Matching requests it affected so far. */
  hits: number;
  /** Resolves when the first matching request arrived (before any answer). */
  readonly hit: Promise<void>;
  remove(): void;
}

interface Entry extends ActiveFault {
  left: number;
  resolveHit: () => void;
}

export class FaultPlan {
  private readonly entries: Entry[] = [];

  /** Adds a rule; the first rule matching a request applies. */
  add(rule: FaultRule): ActiveFault {
    let resolveHit: () => void = () => undefined;
    const hit = new Promise<void>((r) => {
      resolveHit = r;
    });
    const entry: Entry = {
      rule,
      hits: 0,
      hit,
      left: rule.times ?? 1,
      resolveHit,
      remove: () => {
        const i = this.entries.indexOf(entry);
        if (i >= 0) this.entries.splice(i, 1);
      },
    };
    this.entries.push(entry);
    return entry;
  }

  clear(): void {
    this.entries.length = 0;
  }

  /** The fault to apply to this request, consuming one of its `times`. */
  take(method: string, path: string): FaultRule | undefined {
    const entry = this.entries.find(
      (e) => e.left > 0 && (!e.rule.method || e.rule.method.toUpperCase() === method) && (typeof e.rule.path === 'string' ? e.rule.path === path : e.rule.path.test(path)),
    );
    if (!entry) return undefined;
    entry.left -= 1;
    entry.hits += 1;
    entry.resolveHit();
    if (entry.left <= 0) entry.remove();
    return entry.rule;
  }
}
