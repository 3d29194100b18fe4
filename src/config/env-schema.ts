import { z } from 'zod';
import { formatIssues } from './format-issues';
import { ShipgateError } from '../shared/shipgate-error';

const url = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' });

/** SPEC §6 environment variables. Everything a role needs is checked by `requireFor`. */
export const envSchema = z
  .object({
    SLACK_BOT_TOKEN: z.string().regex(/^xox[bp]-/, 'expected a bot token starting with "xoxb-"').optional(),
    SLACK_SIGNING_SECRET: z.string().min(8, 'expected the app\'s signing secret (Basic Information → App Credentials)').optional(),
    SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'expected an app-level token starting with "xapp-" (Socket Mode)').optional(),
    SLACK_API_URL: url.optional(),
    GITHUB_TOKEN: z.string().min(1).optional(),
    GITHUB_APP_ID: z.string().regex(/^\d+$/, 'expected the numeric GitHub App ID').optional(),
    GITHUB_APP_PRIVATE_KEY: z.string().includes('PRIVATE KEY', { message: 'expected a PEM private key' }).optional(),
    GITHUB_APP_INSTALLATION_ID: z.string().regex(/^\d+$/, 'expected the numeric installation ID').optional(),
    GITHUB_API_URL: url.default('https://api.github.com'),
    GITHUB_WEBHOOK_SECRET: z.string().min(1).optional(),
    GITHUB_WEBHOOK_SECRET_PREVIOUS: z.string().min(1).optional(),
    SERVICENOW_INSTANCE_URL: url.optional(),
    SERVICENOW_USERNAME: z.string().min(1).optional(),
    SERVICENOW_PASSWORD: z.string().min(1).optional(),
    SERVICENOW_TOKEN: z.string().min(1).optional(),
    DATABRICKS_HOST: url.optional(),
    PROMETHEUS_URL: url.optional(),
    DATABRICKS_TOKEN: z.string().min(1).optional(),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected redis://host:port or rediss://…').default('redis://127.0.0.1:6379'),
    SHIPGATE_CONFIG: z.string().min(1).default('./shipgate.yml'),
    SHIPGATE_REDIS_PREFIX: z.string().regex(/^[\w.{}-]+$/, 'letters, digits, "_", "-", ".", braces').default('shipgate'),
    SHIPGATE_PUBLIC_URL: url.optional(),
    WORKER_CONCURRENCY: z.coerce.number({ message: 'expected a number of parallel step jobs (1-256)' }).int().min(1).max(256).optional(),
    HOST: z.string().regex(/^[\w.:-]+$/, 'expected an address to listen on (0.0.0.0, 127.0.0.1, ::, a host name)').default('0.0.0.0'),
    PORT: z.coerce.number({ message: 'expected a port number (0-65535)' }).int().min(0).max(65535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    const app = [env.GITHUB_APP_ID, env.GITHUB_APP_PRIVATE_KEY, env.GITHUB_APP_INSTALLATION_ID];
    if (app.some(Boolean) && !app.every(Boolean)) {
      ctx.addIssue({ code: 'custom', path: ['GITHUB_APP_ID'], message: 'GitHub App auth needs GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID together' });
    }
    if (env.SERVICENOW_USERNAME && !env.SERVICENOW_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['SERVICENOW_PASSWORD'], message: 'SERVICENOW_USERNAME is set without SERVICENOW_PASSWORD' });
    }
    if (Boolean(env.DATABRICKS_HOST) !== Boolean(env.DATABRICKS_TOKEN)) {
      ctx.addIssue({ code: 'custom', path: ['DATABRICKS_TOKEN'], message: 'set DATABRICKS_HOST and DATABRICKS_TOKEN together' });
    }
  });

export type ShipgateEnv = z.output<typeof envSchema>;
export type Role = 'all' | 'web' | 'worker';

/** Validates process.env-like input; throws ShipgateError('env_invalid') naming every missing or malformed variable. */
export function loadEnv(raw: Record<string, string | undefined>, role: Role): ShipgateEnv {
  const env = Object.fromEntries(Object.entries(raw).filter(([k, v]) => k in envSchema.shape && v !== undefined && v !== '')) as Record<string, string>;
  const result = envSchema.safeParse(env);
  const problems = result.success ? [] : formatIssues(result.error.issues);
  const reported = (name: string) => problems.some((p) => p.startsWith(`${name}:`));
  // what each role needs, reported alongside the malformed ones
  if (!env.SLACK_BOT_TOKEN && !reported('SLACK_BOT_TOKEN')) problems.push('SLACK_BOT_TOKEN: missing (OAuth & Permissions → Bot User OAuth Token, xoxb-…)');
  if (role !== 'worker' && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push('SLACK_SIGNING_SECRET: missing (Basic Information → Signing Secret; needed in HTTP mode, or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if (!env.GITHUB_TOKEN && !env.GITHUB_APP_ID) problems.push('GITHUB_TOKEN: missing (or set GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID)');
  if (problems.length || !result.success) throw new ShipgateError('env_invalid', 'invalid environment variables', { problems });
  return result.data;
}
