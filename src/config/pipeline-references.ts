import { parseDuration } from '../shared/duration';

/** A problem with its YAML path (the shape cross-references.ts reports). */
interface CrossReferenceIssue {
  path: Array<string | number>;
  message: string;
}

/**
 * Cross-reference checks of one `services[i].pipeline` read from the raw document: every
 * environment is known and in one stage only, a parallel stage has ≥ 2 members, and the
 * first and last stages are single environments (the first is deployed by CI, nothing
 * promotes into it; the last is where the evidence pack, the production flag and the
 * default of `/rollback` live). Returns the environments (flat, in order) for the checks
 * of the strategy's per-environment keys.
 */
export function pipelineIssues(
  raw: unknown,
  path: Array<string | number>,
  envNames: readonly string[],
  strategyType?: unknown,
): { envs: string[]; issues: CrossReferenceIssue[] } {
  const issues: CrossReferenceIssue[] = [];
  const add = (p: Array<string | number>, message: string) => issues.push({ path: p, message });
  const known = `(environments: ${envNames.join(', ')})`;
  const entries = Array.isArray(raw) ? raw : [];
  const seen = new Map<string, number>();
  const envs: string[] = [];
  const check = (env: unknown, at: Array<string | number>, stage: number) => {
    if (typeof env !== 'string') return;
    if (!envNames.includes(env)) add(at, `unknown environment "${env}" ${known}`);
    const before = seen.get(env);
    if (before === stage) add(at, `"${env}" appears twice in the pipeline`);
    else if (before !== undefined) add(at, `"${env}" is in two stages of the pipeline (stage ${before + 1} and stage ${stage + 1}); an environment belongs to one stage`);
    else {
      seen.set(env, stage);
      envs.push(env);
    }
  };
  entries.forEach((entry, j) => {
    if (!Array.isArray(entry)) return check(entry, [...path, j], j);
    if (entry.length < 2) {
      const only = typeof entry[0] === 'string' ? ` (write "${entry[0]}" without brackets)` : '';
      add([...path, j], `a parallel stage needs at least two environments, found ${entry.length}${only}`);
    }
    // a branch pipeline merges one environment's branch into the next: members would have different merge commits
    if (strategyType === 'branch') add([...path, j], 'a parallel stage needs the workflow strategy (a branch pipeline merges one branch into the next)');
    if (j === 0) add([...path, j], 'the first stage cannot be parallel: it is deployed by CI and nothing promotes into it');
    else if (j === entries.length - 1 && entries.length > 1) add([...path, j], 'the last stage cannot be parallel: the pipeline ends in one environment (evidence pack, /rollback default)');
    entry.forEach((env, k) => check(env, [...path, j, k], j));
  });
  return { envs, issues };
}

/** `environments[i].hotfix`: a soak override needs a soak to override, and may only shorten it. */
export function hotfixIssues(env: Record<string, unknown>, path: Array<string | number>): CrossReferenceIssue[] {
  const hotfix = env.hotfix;
  if (typeof hotfix !== 'object' || hotfix === null || Array.isArray(hotfix)) return [];
  const override = (hotfix as Record<string, unknown>).soak;
  if (typeof override !== 'string') return [];
  const normal = typeof env.soak === 'string' ? parseDuration(env.soak) : undefined;
  const shorter = parseDuration(override);
  if (typeof env.soak !== 'string') return [{ path: [...path, 'hotfix', 'soak'], message: 'overrides soak, but this environment has no soak' }];
  if (normal !== undefined && shorter !== undefined && shorter > normal) {
    return [{ path: [...path, 'hotfix', 'soak'], message: `a hotfix soak (${override}) must not be longer than the environment's soak (${env.soak})` }];
  }
  return [];
}
