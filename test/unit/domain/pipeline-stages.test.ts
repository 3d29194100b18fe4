import {
  displayPipeline,
  displayStage,
  firstEnvironment,
  isLastEnvironment,
  isParallel,
  lastEnvironmentOf,
  nextStage,
  pipelineEnvs,
  previousStage,
  stageIndex,
  stageOf,
  stagesBetween,
  stagesOf,
} from '../../../src/domain/pipeline-stages';
import { pathGate, type SourceStageEvidence } from '../../../src/domain/gates/path-gate';

const pipeline = ['dev', ['perf', 'security'], 'staging', 'prod'];
const svc = { name: 'risk', pipeline };
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('pipeline stages (pure model)', () => {
  it('reads stages and environments in order', () => {
    expect(stagesOf(pipeline)).toEqual([['dev'], ['perf', 'security'], ['staging'], ['prod']]);
    expect(pipelineEnvs(pipeline)).toEqual(['dev', 'perf', 'security', 'staging', 'prod']);
    expect(firstEnvironment(pipeline)).toBe('dev');
    expect(lastEnvironmentOf(pipeline)).toBe('prod');
    expect(displayPipeline(pipeline)).toBe('dev → [perf | security] → staging → prod');
    expect(displayPipeline(pipeline, (e) => `\`${e}\``)).toBe('`dev` → [`perf` | `security`] → `staging` → `prod`');
    expect(displayPipeline(['dev', 'test', 'prod'])).toBe('dev → test → prod');
    expect(displayStage(['perf', 'security'])).toBe('[perf | security]');
  });

  it.each([
    // env, stageIndex, stageOf, previousStage, nextStage, parallel, last
    ['dev', 0, ['dev'], [], ['perf', 'security'], false, false],
    ['perf', 1, ['perf', 'security'], ['dev'], ['staging'], true, false],
    ['security', 1, ['perf', 'security'], ['dev'], ['staging'], true, false],
    ['staging', 2, ['staging'], ['perf', 'security'], ['prod'], false, false],
    ['prod', 3, ['prod'], ['staging'], [], false, true],
    ['nope', -1, undefined, [], [], false, false],
  ] as const)('%s: stage %i', (env, index, stage, prev, next, parallel, last) => {
    expect(stageIndex(pipeline, env)).toBe(index);
    expect(stageOf(pipeline, env)).toEqual(stage);
    expect(previousStage(pipeline, env)).toEqual(prev);
    expect(nextStage(pipeline, env)).toEqual(next);
    expect(isParallel(stageOf(pipeline, env))).toBe(parallel);
    expect(isLastEnvironment(pipeline, env)).toBe(last);
  });

  it.each([
    ['dev', 'staging', ['perf', 'security']],
    ['dev', 'prod', ['perf', 'security', 'staging']],
    ['perf', 'prod', ['staging']],
    ['dev', 'perf', []],
    ['staging', 'dev', []],
  ])('stagesBetween %s and %s', (from, to, between) => {
    expect(stagesBetween(pipeline, from, to)).toEqual(between);
  });
});

describe('path gate with a parallel stage (every transition)', () => {
  const both: SourceStageEvidence = { candidate: A, members: [{ env: 'perf', sha: A, reference: 'p-1' }, { env: 'security', sha: A, reference: 'p-2' }] };
  const perfOnly: SourceStageEvidence = { candidate: A, members: [{ env: 'perf', sha: A, reference: 'p-1' }, { env: 'security' }] };
  const differ: SourceStageEvidence = { candidate: A, members: [{ env: 'perf', sha: A, reference: 'p-1' }, { env: 'security', sha: B, reference: 'p-2' }] };
  const envs = pipelineEnvs(pipeline);
  // every ordered pair of environments, with what each must give
  const expected: Record<string, string> = {
    'dev→perf': 'path_ok',
    'dev→security': 'path_ok',
    'dev→staging': 'skips_environment',
    'dev→prod': 'skips_environment',
    'perf→security': 'same_stage',
    'security→perf': 'same_stage',
    'perf→staging': 'path_ok',
    'security→staging': 'path_ok',
    'perf→prod': 'skips_environment',
    'security→prod': 'skips_environment',
    'staging→prod': 'path_ok',
  };
  const cases = envs.flatMap((from) => envs.map((to) => [from, to] as const));
  it.each(cases)('%s → %s', (from, to) => {
    const r = pathGate(svc, from, to, both);
    const code = expected[`${from}→${to}`] ?? (to === 'dev' ? 'no_source' : 'not_forward');
    expect(r.code).toBe(code);
    expect(r.status).toBe(code === 'path_ok' ? 'pass' : 'block');
  });

  it('into the stage after a parallel stage: the candidate must run in every member', () => {
    const ok = pathGate(svc, 'perf', 'staging', both);
    expect(ok.summary).toBe('[perf | security] → staging follows dev → [perf | security] → staging → prod; `aaaaaaa` succeeded in `perf` and `security`');

    const missing = pathGate(svc, 'perf', 'staging', perfOnly);
    expect([missing.status, missing.code]).toEqual(['block', 'stage_incomplete']);
    expect(missing.details).toMatchObject({ stage: ['perf', 'security'], candidate: A, missing: ['security'] });
    expect(missing.summary).toBe('`staging` needs `aaaaaaa` to have succeeded in every member of [perf | security] first: `security` has no successful deployment');

    const diff = pathGate(svc, 'perf', 'staging', differ);
    expect(diff.code).toBe('stage_incomplete');
    expect(diff.summary).toContain('`security` runs `bbbbbbb` (p-2)');
    expect(diff.details).toMatchObject({ missing: ['security'] });
  });

  it.each([
    ['no evidence given (fails closed)', undefined, ['perf', 'security']],
    ['candidate unresolved', { members: both.members }, ['perf', 'security']],
    ['neither member has it', { candidate: B, members: both.members }, ['perf', 'security']],
  ])('blocks when %s', (_what, evidence, missing) => {
    const r = pathGate(svc, 'security', 'staging', evidence);
    expect([r.status, r.code]).toEqual(['block', 'stage_incomplete']);
    expect(r.details).toMatchObject({ missing });
  });

  it('a jump names every skipped member and the stage to promote to', () => {
    expect(pathGate(svc, 'dev', 'staging').summary).toBe(
      'dev → staging skips `perf`, `security` (pipeline dev → [perf | security] → staging → prod); promote to `[perf | security]` first',
    );
    expect(pathGate(svc, 'perf', 'security').summary).toContain('are members of the same parallel stage [perf | security]');
  });

  it('a pipeline without parallel stages keeps its behaviour', () => {
    const linear = { name: 'jobs', pipeline: ['dev', 'test', 'prod'] };
    expect(pathGate(linear, 'dev', 'test').code).toBe('path_ok');
    expect(pathGate(linear, 'dev', 'test').details).toEqual({ pipeline: ['dev', 'test', 'prod'] });
  });
});
