/**
 * Preloaded (`node -r`) into each server process of the ack bench (shipgate's `serve` and the
 * bare Bolt app): answers `usage` on the IPC channel with the process's own `process.cpuUsage()`
 * and RSS, so the bench reads CPU per ack from inside each server, not from the load generator.
 */
process.on('message', (m: unknown) => {
  if (m === 'usage') process.send?.({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
});
process.channel?.unref();
