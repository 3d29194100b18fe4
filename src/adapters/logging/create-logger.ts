import pino from 'pino';
import type { Logger } from '../../app/logger';

/** Structured JSON logs; secrets are redacted wherever they could appear. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { app: 'shipgate' },
      redact: {
        paths: [
          'token',
          '*.token',
          'password',
          '*.password',
          'authorization',
          '*.authorization',
          'headers.authorization',
          '*.headers.authorization',
          'SLACK_BOT_TOKEN',
          'SLACK_SIGNING_SECRET',
          'SLACK_APP_TOKEN',
          'GITHUB_TOKEN',
          'GITHUB_APP_PRIVATE_KEY',
          'GITHUB_WEBHOOK_SECRET',
          'SERVICENOW_PASSWORD',
          'SERVICENOW_TOKEN',
          'DATABRICKS_TOKEN',
          '*.SLACK_BOT_TOKEN',
          '*.GITHUB_TOKEN',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
  return logger as unknown as Logger;
}
