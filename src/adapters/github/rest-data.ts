import type { Endpoints } from '@octokit/types';

/**
 * The body GitHub answers a REST route with, as `@octokit/types` describes it (the major
 * `@octokit/rest` 20 is typed with, so these are the shapes `gh.request` itself returns).
 *
 *   RestData<'GET /repos/{owner}/{repo}/actions/runs/{run_id}'>   // a workflow run
 */
export type RestData<Route extends keyof Endpoints> = Endpoints[Route]['response']['data'];
