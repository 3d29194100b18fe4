import type { CliIo } from '../cli';

/** Placeholder until the sandbox lands (issue 7): says so plainly. */
export async function sandboxCommand(_argv: string[], io: CliIo): Promise<number> {
  io.stderr('shipgate sandbox is not built yet in this version; run `shipgate serve` with the variables in README.md');
  return 2;
}
