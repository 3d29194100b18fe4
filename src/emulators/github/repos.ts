/**
 * The repository itself as the REST API shows it: the authenticated user, the repository,
 * its branches, classic branch protection (required status checks) and branch rules.
 */
import { GhError, paginate, type GitHubRoutes } from './rest';
import type { GitRoom } from './git';
import type { Schemas, Shapes } from './shapes';
import type { GitHubState } from './state';

export class ReposRoom {
  constructor(
    private readonly state: GitHubState,
    private readonly shapes: Shapes,
    private readonly git: GitRoom,
  ) {}

  /** Classic branch protection: checks that must pass before a PR into `branch` can merge. */
  setBranchProtection(repoName: string, branch: string, options: { requiredChecks: string[] }): void {
    this.state.repoOrThrow(repoName).protection.set(branch, { requiredChecks: [...options.requiredChecks] });
  }

  register(r: GitHubRoutes): void {
    const R = '/repos/:owner/:repo';
    r.add('GET', '/user', (q) => ({ status: 200, body: this.shapes.userJson(q.login) }));
    r.add('GET', R, (q) => ({
      status: 200,
      body: { ...this.shapes.repoJson(this.state.repoParam(q)), network_count: 0, subscribers_count: 0 } satisfies Schemas['full-repository'],
    }));

    // branches & refs
    r.add('GET', `${R}/branches`, (q) => {
      const repo = this.state.repoParam(q);
      const list = [...repo.branches.entries()].map(([name, sha]): Schemas['short-branch'] => ({
        name,
        commit: { sha, url: `${this.shapes.apiRepoUrl(repo)}/commits/${sha}` },
        protected: repo.protection.has(name),
      }));
      return { status: 200, body: paginate(list, q.query) };
    });
    r.add('GET', `${R}/branches/:branch/protection/required_status_checks`, (q) => {
      const repo = this.state.repoParam(q);
      const protection = repo.protection.get(q.params.branch ?? '');
      if (!protection) throw new GhError(404, 'Branch not protected');
      return {
        status: 200,
        body: {
          url: `${this.shapes.apiRepoUrl(repo)}/branches/${q.params.branch}/protection/required_status_checks`,
          strict: false,
          contexts: protection.requiredChecks,
          checks: protection.requiredChecks.map((context) => ({ context, app_id: null })),
          contexts_url: `${this.shapes.apiRepoUrl(repo)}/branches/${q.params.branch}/protection/required_status_checks/contexts`,
        } satisfies Schemas['status-check-policy'],
      };
    });
    r.add('GET', `${R}/rules/branches/:branch*`, (q) => {
      const repo = this.state.repoParam(q);
      const protection = repo.protection.get(q.params.branch ?? '');
      const rules = protection
        ? [
            {
              type: 'required_status_checks',
              parameters: {
                strict_required_status_checks_policy: false,
                required_status_checks: protection.requiredChecks.map((context) => ({ context })),
              },
              ruleset_source_type: 'Repository',
              ruleset_source: repo.fullName,
              ruleset_id: 1,
            },
          ]
        : [];
      return { status: 200, body: rules };
    });
    r.add('GET', `${R}/branches/:branch*`, (q) => {
      const repo = this.state.repoParam(q);
      const name = q.params.branch ?? '';
      const sha = repo.branches.get(name);
      if (!sha) throw new GhError(404, 'Branch not found');
      const commit = this.git.commitJson(repo, this.git.commitRec(repo, sha));
      return {
        status: 200,
        body: {
          name,
          commit,
          _links: { self: `${this.shapes.apiRepoUrl(repo)}/branches/${name}`, html: `${this.shapes.htmlRepoUrl(repo)}/tree/${name}` },
          protected: repo.protection.has(name),
          protection: { enabled: repo.protection.has(name), required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
          protection_url: `${this.shapes.apiRepoUrl(repo)}/branches/${name}/protection`,
        } satisfies Schemas['branch-with-protection'],
      };
    });
  }
}
