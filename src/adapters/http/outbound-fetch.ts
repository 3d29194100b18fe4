/**
 * The one `fetch` every outbound HTTP call of a shipgate process goes through (Slack Web
 * API and response_url, GitHub, ServiceNow). Shutdown aborts what is still in flight, so a
 * Slack or GitHub that accepts connections and never answers cannot hold the process open;
 * calls made afterwards fail at once (an `AbortError`, which Octokit does not retry).
 */
export class OutboundFetch {
  private readonly controller = new AbortController();
  private active = 0;

  readonly fetch: typeof fetch = async (input, init) => {
    const signal = init?.signal ? AbortSignal.any([this.controller.signal, init.signal]) : this.controller.signal;
    this.active += 1;
    try {
      return await globalThis.fetch(input, { ...init, signal });
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

  /** Aborts every call in flight and every later one (idempotent). */
  abort(): void {
    this.controller.abort();
  }
}
