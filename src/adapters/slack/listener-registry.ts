import type { App } from '@slack/bolt';

/**
 * The Bolt listener kinds a request can be meant for. `view` is a modal submission (what
 * `app.view('id')` listens to); `view_closed` needs `app.view({ type: 'view_closed' })`.
 */
export type ListenerKind = 'command' | 'action' | 'view' | 'view_closed' | 'shortcut' | 'options' | 'event';

type Matcher = string | RegExp | { any: true };

const METHODS = ['command', 'action', 'view', 'shortcut', 'options', 'event', 'message'] as const;
type Method = (typeof METHODS)[number];

/** What one listener registration listens to (a constraints object without an id matches every id). */
function registration(method: Method, constraint: unknown): { kind: ListenerKind; matcher: Matcher } {
  if (method === 'message') return { kind: 'event', matcher: 'message' };
  if (typeof constraint === 'string') return { kind: method, matcher: constraint };
  if (constraint instanceof RegExp) return { kind: method, matcher: stateless(constraint) };
  const c = (constraint ?? {}) as Record<string, unknown>;
  const id = method === 'action' || method === 'options' ? (c.action_id ?? c.callback_id) : c.callback_id;
  const kind: ListenerKind = method === 'view' && c.type === 'view_closed' ? 'view_closed' : method;
  return { kind, matcher: typeof id === 'string' ? id : id instanceof RegExp ? stateless(id) : { any: true } };
}

/** A copy without `g` / `y`, whose `test` keeps no position between calls (compiled once, at registration). */
function stateless(r: RegExp): RegExp {
  return new RegExp(r.source, r.flags.replace(/[gy]/g, ''));
}

/**
 * What the Bolt app has listeners for: the Slack route answers anything else at once (Bolt would
 * wait for its unhandled-request timeout and answer 404). Filled by registering listeners through
 * {@link SlackListenerRegistry.recording}, so it cannot drift from the listeners themselves.
 */
export class SlackListenerRegistry {
  private readonly matchers: Array<{ kind: ListenerKind; matcher: Matcher }> = [];

  /** `app` as seen by listener registration code: every `command`/`action`/`view`/… call is recorded, then forwarded. */
  recording(app: App): App {
    return new Proxy(app, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        const fn = value as (...a: unknown[]) => unknown;
        const method = METHODS.find((m) => m === prop);
        if (!method) return fn.bind(target);
        return (constraint: unknown, ...rest: unknown[]) => {
          this.matchers.push(registration(method, constraint));
          return fn.call(target, constraint, ...rest);
        };
      },
    });
  }

  handles(kind: ListenerKind, id: string): boolean {
    return this.matchers.some(
      (r) => r.kind === kind && (typeof r.matcher === 'string' ? r.matcher === id : r.matcher instanceof RegExp ? r.matcher.test(id) : true),
    );
  }
}
