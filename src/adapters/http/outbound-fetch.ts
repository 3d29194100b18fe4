import { Agent } from 'undici';

/** Idle connections are kept this long (Slack and GitHub keep theirs open about a minute). */
const KEEP_ALIVE_MS = 30_000;

/**
 * The one `fetch` every outbound HTTP call of a shipgate process goes through (Slack Web
 * API and response_url, GitHub, ServiceNow), over one shared undici `Agent` that keeps
 * connections alive between calls (no TLS handshake per Slack call). Shutdown aborts what is
 * still in flight and closes the connections, so a Slack or GitHub that accepts connections
 * and never answers cannot hold the process open; calls made afterwards fail at once (an
 * `AbortError`, which Octokit does not retry).
 */
export class OutboundFetch {
  private readonly controller = new AbortController();
  private active = 0;
  /** The shared connection pool (per origin), kept alive. */
  readonly agent = new Agent({ keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: 2 * KEEP_ALIVE_MS });

  readonly fetch: typeof fetch = async (input, init) => {
    const signal = init?.signal ? AbortSignal.any([this.controller.signal, init.signal]) : this.controller.signal;
    this.active += 1;
    try {
      // Node's own fetch (so FormData, Blob and Response stay the global ones) through the shared
      // Agent (`dispatcher` is undici's extension of RequestInit; its types come from another copy)
      const options: RequestInit = Object.assign({ ...init, signal }, { dispatcher: this.agent });
      return await globalThis.fetch(input, options);
    } finally {
      this.active -= 1;
    }
  };

  /** Requests whose response has not arrived yet. */
  get inFlight(): number {
    return this.active;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** Aborts every call in flight and every later one, and closes the kept-alive connections (idempotent). */
  abort(): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort();
    this.agent.destroy().catch(() => undefined);
  }
}
