/** Waiting between polls; tests inject one that resolves early on events. */
export interface Sleeper {
  sleep(ms: number): Promise<void>;
}

export const realSleeper: Sleeper = { sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
