/** Waiting between polls; a webhook for one of `wakeOn` ends the wait early. */
export interface Sleeper {
  sleep(ms: number, wakeOn?: readonly string[]): Promise<void>;
}

export const realSleeper: Sleeper = { sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** Wake keys shared by the webhook receiver and the waiting executor. */
export const wakeKeys = {
  run: (repo: string, runId: number) => `run:${repo}:${runId}`,
  sha: (repo: string, sha: string) => `sha:${repo}:${sha}`,
  pull: (repo: string, n: number) => `pr:${repo}:${n}`,
  workflow: (repo: string) => `workflow:${repo}`,
};
