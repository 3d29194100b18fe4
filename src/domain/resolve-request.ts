import type { EnvironmentConfig, ServiceConfig, ShipgateConfig } from '../config/config-schema';
import { closestNames } from '../shared/closest-names';
import type { PromoteOptions } from './command-parser';
import { ShipgateError } from '../shared/shipgate-error';
import { asCode, displayPipeline, displayStage, firstEnvironment, lastEnvironmentOf, nextStage, pipelineEnvs, previousStage } from './pipeline-stages';

export interface ResolvedTarget {
  service: ServiceConfig;
  env: EnvironmentConfig;
  from: EnvironmentConfig;
}

export function findService(config: ShipgateConfig, name: string): ServiceConfig {
  const svc = config.services.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (svc) return svc;
  const all = config.services.map((s) => s.name);
  const close = closestNames(name, all);
  throw new ShipgateError(
    'unknown_service',
    close.length
      ? `Unknown service \`${name}\`. Did you mean ${close.map((c) => `\`${c}\``).join(' or ')}? Services: ${all.map((c) => `\`${c}\``).join(', ')}.`
      : `Unknown service \`${name}\`. Services: ${all.map((c) => `\`${c}\``).join(', ')}.`,
    { service: name, known: all, closest: close },
  );
}

function findEnv(config: ShipgateConfig, service: ServiceConfig, name: string, role: 'target' | 'source'): EnvironmentConfig {
  const envs = pipelineEnvs(service.pipeline);
  const inPipeline = envs.find((e) => e.toLowerCase() === name.toLowerCase());
  const env = inPipeline ? config.environments.find((e) => e.name === inPipeline) : undefined;
  if (env) return env;
  const close = closestNames(name, envs, 1);
  throw new ShipgateError(
    'unknown_environment',
    `\`${name}\` is not an environment of ${service.name}${role === 'source' ? ' (from=)' : ''}. Pipeline: ${displayPipeline(service.pipeline, asCode)}.${close.length ? ` Did you mean \`${close[0]}\`?` : ''}`,
    { env: name, pipeline: envs },
  );
}

/**
 * Checks names against the config and fills in defaults (`from` = the environment of the stage
 * before `env`; after a parallel stage its first member: the path gate checks every member).
 * `hotfix=` needs the environment's `hotfix` overrides.
 */
export function resolveTarget(config: ShipgateConfig, serviceName: string, envName: string, options: PromoteOptions): ResolvedTarget {
  const service = findService(config, serviceName);
  const env = findEnv(config, service, envName, 'target');
  let from: EnvironmentConfig;
  if (options.from) {
    from = findEnv(config, service, options.from, 'source');
  } else {
    const before = previousStage(service.pipeline, env.name);
    if (before.length === 0) {
      const next = nextStage(service.pipeline, firstEnvironment(service.pipeline));
      throw new ShipgateError(
        'bad_path',
        `\`${env.name}\` is the first environment of ${service.name} (${displayPipeline(service.pipeline)}); nothing promotes into it. Deploy it through your CI, then promote to \`${displayStage(next)}\`.`,
      );
    }
    from = findEnv(config, service, before[0]!, 'source');
  }
  if (options.hotfix && !env.hotfix) {
    throw new ShipgateError(
      'bad_option',
      `\`hotfix=${options.hotfix}\`: \`${env.name}\` has no hotfix overrides (\`environments[].hotfix\` in shipgate.yml, e.g. \`hotfix: { soak: 1h }\`); promote without hotfix= for the normal gates.`,
      { env: env.name, hotfix: options.hotfix },
    );
  }
  return { service, env, from };
}

/** Last environment of a service's pipeline (default for /rollback). */
export function lastEnvironment(service: ServiceConfig): string {
  return lastEnvironmentOf(service.pipeline);
}

/** The ref a promotion ships when no `ref=` was given and shipgate's history names nothing: the source's branch (branch strategy) or the strategy's ref. */
export function defaultSourceRef(service: ServiceConfig, from: string): string {
  return service.strategy.type === 'branch' ? (service.strategy.branches[from] ?? from) : service.strategy.ref;
}
