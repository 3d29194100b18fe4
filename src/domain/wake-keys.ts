/** What a waiting promotion can be woken by: keys shared by the webhook receiver and the executor. */
export const wakeKeys = {
  run: (repo: string, runId: number) => `run:${repo}:${runId}`,
  sha: (repo: string, sha: string) => `sha:${repo}:${sha}`,
  pull: (repo: string, n: number) => `pr:${repo}:${n}`,
  workflow: (repo: string) => `workflow:${repo}`,
};
