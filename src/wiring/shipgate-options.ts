import type { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import type { ShipgateConfig } from '../config/config-schema';
import type { Role, ShipgateEnv } from '../config/env-schema';
import type { Logger } from '../app/logger';
import type { Clock } from '../app/ports/clock';
import type { AuditLog } from '../app/ports/audit-log';
import type { ExecTiming } from '../app/execution/exec-deps';
import type { HttpServer } from '../adapters/http/http-server';
import type { RedisKeys } from '../adapters/redis/redis-keys';
import type { RedisPromotionRepository } from '../adapters/redis/redis-promotion-repository';
import type { RedisDeploymentHistory } from '../adapters/redis/redis-deployment-history';
import type { BullmqJobQueue } from '../adapters/queue/bullmq-job-queue';
import type { SlackAuthMonitor } from '../adapters/slack/slack-auth-monitor';

export interface ShipgateOptions {
  config: ShipgateConfig;
  /** Directory relative paths in the config (ICS files) are resolved against. */
  baseDir?: string;
  env: ShipgateEnv;
  role: Role;
  logger: Logger;
  clock?: Clock;
  random?: () => number;
  /** Poll interval while following GitHub runs (ms). */
  pollMs?: number;
  /** Extra routes on the same port (the sandbox console). */
  extraRoutes?: (server: HttpServer) => void;
  /** Host to bind (default: the HOST variable, 0.0.0.0; the sandbox passes 127.0.0.1). */
  host?: string;
  /** How often a change awaiting approval is re-checked (default 60 s). */
  changeRecheckMs?: number;
  /** Octokit client-side pacing (default on; emulator-backed tests turn it off). */
  githubThrottle?: boolean;
  /** Step-engine timing overrides (tests). */
  timing?: Partial<ExecTiming>;
  /** Job lock duration: a killed worker's job resumes after about 1.5× this (default 4 s). */
  lockDurationMs?: number;
  /** How often the sweeper looks for promotions whose job was lost (default 30 s). */
  sweepEveryMs?: number;
  /** Per-attempt timeout of GitHub requests (default 10 s). */
  githubTimeoutMs?: number;
  /** Slack token checks behind /readyz (defaults: re-check every 5 min, backoff 1 s … 5 min after a failure). */
  slackAuth?: { recheckMs?: number; minBackoffMs?: number; maxBackoffMs?: number };
  /**
   * How long close() lets in-flight Slack listener work and running worker jobs finish (default
   * 3 s). What is still running then is abandoned the way a crash abandons it: a worker job's
   * lock expires and another worker resumes it, without repeating a side effect.
   */
  shutdownGraceMs?: number;
  /** Socket Mode client's pong wait, also its pause before a reconnect (default 5 s; tests shorten it). */
  socketClientPingTimeoutMs?: number;
}

export interface Shipgate {
  url: string;
  port: number;
  redis: Redis;
  keys: RedisKeys;
  repo: RedisPromotionRepository;
  audit: AuditLog;
  history: RedisDeploymentHistory;
  queue: BullmqJobQueue;
  workers: Worker[];
  /** The bot token's last auth.test (what /readyz reports). */
  slackAuth: SlackAuthMonitor;
  /** Bounded: resolves within about `shutdownGraceMs` + 3 s whatever Slack, GitHub or Redis do. */
  close(): Promise<void>;
}
