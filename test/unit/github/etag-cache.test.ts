/**
 * EtagCache keys on the credential as well as the URL and Accept header: GitHub's ETags are
 * per token (`Vary: Accept, Authorization`), so a 304 is free only for the authorization that
 * earned the ETag. These tests drive a real Octokit whose credential changes (as a GitHub
 * App's installation token does every hour) against a fake GitHub behind `request.fetch`.
 */
import { Octokit } from '@octokit/rest';
import { EtagCache } from '../../../src/adapters/github/etag-cache';

interface Seen {
  authorization: string;
  ifNoneMatch: string | undefined;
  status: number;
}

/**
 * A fake `GET /repos/acme/markets`: each token sees its own `permissions` in the body.
 * `etagPerToken` (GitHub's behaviour) derives the ETag from the token and the resource version;
 * without it the ETag is the version alone, so a server would 304 any token that sends it.
 */
function fakeGitHub(opts: { etagPerToken: boolean }) {
  const seen: Seen[] = [];
  const state = { version: 1 };
  const fetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const authorization = headers.authorization ?? '';
    const admin = authorization.endsWith('ghp_admin');
    const etag = `W/"v${state.version}${opts.etagPerToken ? `-${authorization.length}-${admin ? 'a' : 'b'}` : ''}"`;
    const ifNoneMatch = headers['if-none-match'];
    const status = ifNoneMatch === etag ? 304 : 200;
    seen.push({ authorization, ifNoneMatch, status });
    const common = { etag, vary: 'Accept, Authorization, Cookie, X-GitHub-OTP', 'x-ratelimit-remaining': '4999' };
    if (status === 304) return new Response(null, { status, headers: common });
    const body = JSON.stringify({ full_name: 'acme/markets', permissions: { admin, pull: true } });
    return new Response(body, { status, headers: { ...common, 'content-type': 'application/json; charset=utf-8' } });
  };
  return { fetch, seen, state };
}

/** An Octokit whose token is read per request (like @octokit/auth-app's refreshed installation tokens). */
function clientWithChangingToken(fetch: ReturnType<typeof fakeGitHub>['fetch'], credential: { token: string }): Octokit {
  const authStrategy = () =>
    Object.assign(async () => ({ type: 'token', tokenType: 'installation', token: credential.token }), {
      hook: (request: Octokit['request'], route: string, parameters?: Record<string, unknown>) => {
        const endpoint = request.endpoint.merge(route, parameters);
        endpoint.headers.authorization = `token ${credential.token}`;
        return request(endpoint as typeof endpoint & { url: string });
      },
    });
  return new Octokit({ authStrategy, baseUrl: 'https://api.github.test', request: { fetch } });
}

const ROUTE = 'GET /repos/{owner}/{repo}';
const PARAMS = { owner: 'acme', repo: 'markets' };

describe('EtagCache and credentials', () => {
  it('keeps one entry per credential: each token gets the 304s its own ETag earned', async () => {
    const gh = fakeGitHub({ etagPerToken: true });
    const credential = { token: 'ghp_admin' };
    const cache = new EtagCache(clientWithChangingToken(gh.fetch, credential));

    await cache.get(ROUTE, PARAMS);
    credential.token = 'ghp_reader';
    await cache.get(ROUTE, PARAMS);
    credential.token = 'ghp_admin';
    const adminAgain = await cache.get<{ permissions: { admin: boolean } }>(ROUTE, PARAMS);
    credential.token = 'ghp_reader';
    const readerAgain = await cache.get<{ permissions: { admin: boolean } }>(ROUTE, PARAMS);

    // the reader's first request carries no ETag of the admin's; later each sends its own
    expect(gh.seen.map((s) => [s.authorization, s.ifNoneMatch === undefined ? 'no etag' : 'etag', s.status])).toEqual([
      ['token ghp_admin', 'no etag', 200],
      ['token ghp_reader', 'no etag', 200],
      ['token ghp_admin', 'etag', 304],
      ['token ghp_reader', 'etag', 304],
    ]);
    expect(adminAgain).toMatchObject({ notModified: true, data: { permissions: { admin: true } } });
    expect(readerAgain).toMatchObject({ notModified: true, data: { permissions: { admin: false } } });
    expect(cache.stats()).toEqual({ hits: 2, misses: 2, entries: 2 });
  });

  it("never serves one credential's cached body to another, even when the server would answer 304 to any token", async () => {
    const gh = fakeGitHub({ etagPerToken: false });
    const credential = { token: 'ghp_admin' };
    const cache = new EtagCache(clientWithChangingToken(gh.fetch, credential));
    await cache.get(ROUTE, PARAMS);
    credential.token = 'ghp_reader';
    const reader = await cache.get<{ permissions: { admin: boolean } }>(ROUTE, PARAMS);
    expect(reader).toMatchObject({ notModified: false, status: 200, data: { permissions: { admin: false } } });
    expect(gh.seen[1]).toEqual({ authorization: 'token ghp_reader', ifNoneMatch: undefined, status: 200 });
  });

  it('keys entries by a hash of the credential, never the token itself', async () => {
    const gh = fakeGitHub({ etagPerToken: true });
    const credential = { token: 'ghp_admin' };
    const cache = new EtagCache(clientWithChangingToken(gh.fetch, credential));
    await cache.get(ROUTE, PARAMS);
    credential.token = 'ghp_reader';
    await cache.get(ROUTE, PARAMS);
    const keys = [...(cache as unknown as { entries: Map<string, unknown> }).entries.keys()];
    expect(keys).toHaveLength(2);
    expect(keys.join('\n')).not.toMatch(/ghp_|token /);
    expect(keys.every((k) => k.includes('https://api.github.test/repos/acme/markets'))).toBe(true);
  });
});
