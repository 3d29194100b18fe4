/** What a command of the command line reads and writes (the process's in `bin/shipgate.js`, a recorder in tests). */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Record<string, string | undefined>;
  now: () => Date;
  /** Ends the process (long-running commands force their exit with it after a bounded stop); absent in tests. */
  exit?: (code: number) => void;
}
