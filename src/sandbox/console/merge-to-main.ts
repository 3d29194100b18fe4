/**
 * The console's **Merge to main** button (GitHub panel, on a repository whose service has a
 * `trigger: { push: … }`): the GitHub emulator merges a change into the trigger's branch as the
 * person acting in the console, and sends the signed `push` webhook, as GitHub would. From
 * there everything is shipgate's: the first stage, its smoke test, the next stage's request.
 */
import type { HttpServer } from '../../adapters/http/http-server';
import type { ShipgateConfig } from '../../config/config-schema';
import type { GitHubEmulator } from '../../emulators/github-emulator';
import { demoUser } from '../demo-workspace';
import { mergeToMain } from '../seed-webapp';

export interface MergeToMainDeps {
  github: GitHubEmulator;
  config: ShipgateConfig;
}

/** Repositories the button is offered on, with the branch their push trigger watches. */
export function pushTriggered(config: ShipgateConfig): Array<{ repo: string; branch: string; service: string }> {
  return config.services.flatMap((s) => (s.trigger && 'push' in s.trigger ? [{ repo: s.repo, branch: s.trigger.push, service: s.name }] : []));
}

export function registerMergeToMain(server: HttpServer, d: MergeToMainDeps): void {
  server.route('POST', '/console/api/github/merge', async (req, res) => {
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) }).end(text);
    };
    let body: Record<string, unknown> = {};
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      if (raw.length > 16_384) return reply(413, { ok: false, error: 'body too large' });
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return reply(400, { ok: false, error: 'bad JSON body' });
    }
    const repo = typeof body.repo === 'string' ? body.repo : '';
    const target = pushTriggered(d.config).find((t) => t.repo === repo);
    if (!target || target.branch !== 'main') return reply(400, { ok: false, error: `${repo || 'that repository'} has no push trigger on main` });
    const user = demoUser(typeof body.user === 'string' ? body.user : '');
    if (!user) return reply(400, { ok: false, error: 'unknown user' });
    const merged = mergeToMain(d.github, target.repo, { name: user.realName, email: user.email ?? `${user.name}@acme.example`, login: user.name.replace('.', '-') });
    return reply(200, { ok: true, ...merged, branch: target.branch });
  });
}
