import type { EnvironmentConfig, ServiceConfig, ShipgateConfig } from '../config/config-schema';
import { closestNames } from '../shared/closest-names';
import type { PromoteOptions } from './command-parser';
import { ShipgateError } from '../shared/shipgate-error';

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
  const inPipeline = service.pipeline.find((e) => e.toLowerCase() === name.toLowerCase());
  const env = inPipeline ? config.environments.find((e) => e.name === inPipeline) : undefined;
  if (env) return env;
  const close = closestNames(name, service.pipeline, 1);
  throw new ShipgateError(
    'unknown_environment',
    `\`${name}\` is not an environment of ${service.name}${role === 'source' ? ' (from=)' : ''}. Pipeline: ${service.pipeline.map((e) => `\`${e}\``).join(' → ')}.${close.length ? ` Did you mean \`${close[0]}\`?` : ''}`,
    { env: name, pipeline: service.pipeline },
  );
}

/** Checks names against the config and fills in defaults (`from` = the environment before `env`). */
export function resolveTarget(config: ShipgateConfig, serviceName: string, envName: string, options: PromoteOptions): ResolvedTarget {
  const service = findService(config, serviceName);
  const env = findEnv(config, service, envName, 'target');
  let from: EnvironmentConfig;
  if (options.from) {
    from = findEnv(config, service, options.from, 'source');
  } else {
    const i = service.pipeline.indexOf(env.name);
    if (i === 0) {
      throw new ShipgateError(
        'bad_path',
        `\`${env.name}\` is the first environment of ${service.name} (${service.pipeline.join(' → ')}); nothing promotes into it. Deploy it through your CI, then promote to \`${service.pipeline[1]}\`.`,
      );
    }
    from = findEnv(config, service, service.pipeline[i - 1]!, 'source');
  }
  return { service, env, from };
}

/** Last environment of a service's pipeline (default for /rollback). */
export function lastEnvironment(service: ServiceConfig): string {
  return service.pipeline[service.pipeline.length - 1]!;
}

/** The ref a promotion ships when no `ref=` was given and shipgate's history names nothing: the source's branch (branch strategy) or the strategy's ref. */
export function defaultSourceRef(service: ServiceConfig, from: string): string {
  return service.strategy.type === 'branch' ? (service.strategy.branches[from] ?? from) : service.strategy.ref;
}
