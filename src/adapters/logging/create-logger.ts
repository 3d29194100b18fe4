import pino from 'pino';
import type { Logger } from '../../app/logger';
import { redactSecrets } from './redact-secrets';

/** The app's Logger over a pino instance whose children get their bindings redacted too. */
function redacting(p: pino.Logger): Logger {
  return {
    info: (obj, msg) => p.info(obj, msg),
    warn: (obj, msg) => p.warn(obj, msg),
    error: (obj, msg) => p.error(obj, msg),
    debug: (obj, msg) => p.debug(obj, msg),
    child: (bindings) => redacting(p.child(redactSecrets(bindings) as Record<string, unknown>)),
  };
}

/**
 * Structured JSON logs; secrets are redacted wherever they could appear. pino's `redact` paths only
 * reach fixed depths (`*.token` does not cover `a.b.token`) and its bindings formatter does not see a
 * child's bindings, so every log object and every child's bindings go through {@link redactSecrets},
 * which walks them whole.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { app: 'shipgate' },
      formatters: { log: (object) => redactSecrets(object) as Record<string, unknown> },
      // errors were already made plain (and redacted) by the formatter
      serializers: { err: (e: unknown) => e },
    },
    destination,
  );
  return redacting(logger);
}
