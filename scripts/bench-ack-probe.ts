/**
 * Preloaded (`node -r`) into each server process of the ack bench (shipgate's `serve` and the
 * bare Bolt app): answers `usage` on the IPC channel with the process's own `process.cpuUsage()`
 * and RSS, so the bench reads CPU per ack from inside each server, not from the load generator.
 * `{ profile: 'start' }` / `{ profile: 'stop', file }` take a V8 CPU profile of just the timed
 * run (the inspector's Profiler, as `node --cpu-prof` does for a whole process), written to `file`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

let session: Session | undefined;

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => session!.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
}

async function profile(m: { profile: 'start' | 'stop'; file?: string }): Promise<void> {
  if (m.profile === 'start') {
    session ??= new Session();
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
  } else if (session) {
    const { profile: p } = (await post('Profiler.stop')) as { profile: unknown };
    if (m.file) writeFileSync(m.file, JSON.stringify(p));
    session.disconnect();
  }
}

process.on('message', (m: unknown) => {
  if (m === 'usage') process.send?.({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
  else if (m && typeof m === 'object' && 'profile' in m)
    profile(m as { profile: 'start' | 'stop'; file?: string }).then(
      () => process.send?.({ profiled: true }),
      (e: unknown) => process.send?.({ profiled: false, error: String(e) }),
    );
});
process.channel?.unref();
