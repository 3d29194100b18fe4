// A shipgate process for the kill -9 and Redis-restart tests: the built product (dist/), started
// with the options the tests need (short leases, timeouts and job locks). It prints one line
// `{"ready":true,"url":...}` once it serves, and runs until it is killed.
'use strict';
const { startShipgate } = require('../../dist/src/main.js');
const { parseConfig } = require('../../dist/src/config/load-config.js');
const { envSchema } = require('../../dist/src/config/env-schema.js');
const { createLogger } = require('../../dist/src/adapters/logging/create-logger.js');

async function main() {
  const spec = JSON.parse(process.argv[2]);
  const env = envSchema.parse(spec.env);
  const logger = createLogger(spec.logLevel || 'silent');
  const app = await startShipgate({ config: parseConfig(spec.config), env, role: spec.role, logger, host: '127.0.0.1', githubThrottle: false, ...spec.options });
  process.stdout.write(`${JSON.stringify({ ready: true, url: app.url, pid: process.pid })}\n`);
  const stop = () => app.close().then(() => process.exit(0), () => process.exit(1));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : String(e)}\n`);
  process.exit(2);
});
