/**
 * The stages of a service's pipeline (pure). `pipeline: [dev, [perf, security], staging, prod]`
 * has four stages; the nested list is a parallel stage whose members are promoted from the
 * stage before independently, and the stage after it takes a candidate only once it has
 * succeeded in every member. Every reader of `services[].pipeline` goes through this model.
 */

/** One entry of `services[].pipeline`: an environment, or a parallel stage (≥ 2 environments). */
export type PipelineEntry = string | readonly string[];

/** A stage: its environments in config order (one for a sequential stage). */
export type Stage = readonly string[];

export interface Pipeline {
  stages: readonly Stage[];
}

export function stagesOf(pipeline: readonly PipelineEntry[]): Stage[] {
  return pipeline.map((e) => (typeof e === 'string' ? [e] : [...e]));
}

/** Every environment of the pipeline, stage by stage (members of a parallel stage in config order). */
export function pipelineEnvs(pipeline: readonly PipelineEntry[]): string[] {
  return stagesOf(pipeline).flat();
}

/** Index of the stage holding `env`, or -1. */
export function stageIndex(pipeline: readonly PipelineEntry[], env: string): number {
  return stagesOf(pipeline).findIndex((s) => s.includes(env));
}

/** The stage holding `env` (its members), or undefined when `env` is not in the pipeline. */
export function stageOf(pipeline: readonly PipelineEntry[], env: string): string[] | undefined {
  const s = stagesOf(pipeline).find((st) => st.includes(env));
  return s ? [...s] : undefined;
}

/** The environments of the stage before `env`'s stage ([] for the first stage or an unknown env). */
export function previousStage(pipeline: readonly PipelineEntry[], env: string): string[] {
  const i = stageIndex(pipeline, env);
  return i > 0 ? [...stagesOf(pipeline)[i - 1]!] : [];
}

/** The environments of the stage after `env`'s stage ([] for the last stage or an unknown env). */
export function nextStage(pipeline: readonly PipelineEntry[], env: string): string[] {
  const stages = stagesOf(pipeline);
  const i = stageIndex(pipeline, env);
  return i >= 0 && i + 1 < stages.length ? [...stages[i + 1]!] : [];
}

export function isParallel(stage: Stage | undefined): boolean {
  return (stage?.length ?? 0) > 1;
}

/** The environments of the first stage (the first environment: a first stage is never parallel). */
export function firstEnvironment(pipeline: readonly PipelineEntry[]): string {
  return stagesOf(pipeline)[0]?.[0] ?? '';
}

/** The last environment (the last stage is never parallel): evidence pack, production, default of /rollback. */
export function lastEnvironmentOf(pipeline: readonly PipelineEntry[]): string {
  return stagesOf(pipeline).at(-1)?.[0] ?? '';
}

export function isLastEnvironment(pipeline: readonly PipelineEntry[], env: string): boolean {
  const last = stagesOf(pipeline).at(-1);
  return last !== undefined && last.length === 1 && last[0] === env;
}

/** "perf" or "[perf | security]" (each name through `name`, e.g. to quote it as code). */
export function displayStage(stage: Stage, name: (env: string) => string = (e) => e): string {
  return stage.length === 1 ? name(stage[0]!) : `[${stage.map(name).join(' | ')}]`;
}

/** "dev → [perf | security] → staging → prod". */
export function displayPipeline(pipeline: readonly PipelineEntry[], name: (env: string) => string = (e) => e): string {
  return stagesOf(pipeline)
    .map((s) => displayStage(s, name))
    .join(' → ');
}

/** An environment name as inline code: `prod`. */
export const asCode = (env: string): string => `\`${env}\``;

/** The environments of the stages strictly between `from`'s and `to`'s (what a jump skips). */
export function stagesBetween(pipeline: readonly PipelineEntry[], from: string, to: string): string[] {
  const fi = stageIndex(pipeline, from);
  const ti = stageIndex(pipeline, to);
  if (fi < 0 || ti < 0 || ti <= fi + 1) return [];
  return stagesOf(pipeline)
    .slice(fi + 1, ti)
    .flat();
}
