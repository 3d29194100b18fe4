/**
 * JSON shapes every room answers with: users, the owning organization, repositories
 * (minimal and full), the GitHub Actions app and the emulator's API/HTML URLs. Typed from
 * GitHub's OpenAPI description (`@octokit/openapi-types`).
 */
import { createHash } from 'node:crypto';
import type { components } from '@octokit/openapi-types';
import { ACTIONS_BOT, type GitHubState, type RepoRec } from './state';

export type Schemas = components['schemas'];
export type SimpleUser = Schemas['simple-user'];
type UserUrls = Pick<
  SimpleUser,
  | 'followers_url'
  | 'following_url'
  | 'gists_url'
  | 'starred_url'
  | 'subscriptions_url'
  | 'organizations_url'
  | 'repos_url'
  | 'events_url'
  | 'received_events_url'
>;

/**
 * A repository as GitHub's `repository` (webhooks, a PR's head and base) and, with
 * `network_count` and `subscribers_count`, its `full-repository` (`GET /repos/{owner}/{repo}`).
 */
export type Repository = Schemas['repository'] & Omit<Schemas['full-repository'], 'network_count' | 'subscribers_count'>;

/** Seconds-precision ISO instant, as GitHub writes them. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function numericHash(input: string): number {
  return parseInt(createHash('sha1').update(input).digest('hex').slice(0, 7), 16);
}

export function nodeId(prefix: string, id: number): string {
  return `${prefix}kwDO${Buffer.from(String(id)).toString('base64url')}`;
}

export class Shapes {
  constructor(private readonly state: GitHubState) {}

  apiRepoUrl(repo: RepoRec): string {
    return `${this.state.url}/repos/${repo.fullName}`;
  }

  htmlRepoUrl(repo: RepoRec): string {
    return `${this.state.url}/${repo.fullName}`;
  }

  userJson(login: string): SimpleUser {
    const isBot = login.endsWith('[bot]');
    const id = login === ACTIONS_BOT ? 41898282 : numericHash(login);
    return {
      login,
      id,
      node_id: nodeId(isBot ? 'BOT_' : 'U_', id),
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      gravatar_id: '',
      url: `${this.state.url}/users/${encodeURIComponent(login)}`,
      html_url: `${this.state.url}/${encodeURIComponent(login)}`,
      ...this.userUrls(login),
      type: isBot ? 'Bot' : 'User',
      site_admin: false,
    };
  }

  /** The hypermedia URLs GitHub puts in every user object (simple-user requires them). */
  userUrls(login: string): UserUrls {
    const u = `${this.state.url}/users/${encodeURIComponent(login)}`;
    return {
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
    };
  }

  /** A repository owner that is an organization (every emulated repository's owner), as webhooks' `organization`. */
  orgJson(login: string): Schemas['organization-simple'] {
    const id = numericHash(login);
    const api = `${this.state.url}/orgs/${encodeURIComponent(login)}`;
    return {
      login,
      id,
      node_id: nodeId('O_', id),
      url: api,
      repos_url: `${api}/repos`,
      events_url: `${api}/events`,
      hooks_url: `${api}/hooks`,
      issues_url: `${api}/issues`,
      members_url: `${api}/members{/member}`,
      public_members_url: `${api}/public_members{/member}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      description: null,
    };
  }

  /**
   * A repository as GitHub's minimal shape (`workflow_run.repository`, a combined status's
   * `repository`): identity, owner and the hypermedia URLs, nothing else.
   */
  minimalRepoJson(repo: RepoRec): Schemas['minimal-repository'] {
    const api = this.apiRepoUrl(repo);
    return {
      id: repo.id,
      node_id: nodeId('R_', repo.id),
      name: repo.name,
      full_name: repo.fullName,
      private: repo.private,
      owner: { ...this.userJson(repo.owner), type: 'Organization' },
      html_url: this.htmlRepoUrl(repo),
      description: null,
      fork: false,
      url: api,
      forks_url: `${api}/forks`,
      keys_url: `${api}/keys{/key_id}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      teams_url: `${api}/teams`,
      hooks_url: `${api}/hooks`,
      issue_events_url: `${api}/issues/events{/number}`,
      events_url: `${api}/events`,
      assignees_url: `${api}/assignees{/user}`,
      branches_url: `${api}/branches{/branch}`,
      tags_url: `${api}/tags`,
      blobs_url: `${api}/git/blobs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      trees_url: `${api}/git/trees{/sha}`,
      statuses_url: `${api}/statuses/{sha}`,
      languages_url: `${api}/languages`,
      stargazers_url: `${api}/stargazers`,
      contributors_url: `${api}/contributors`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      commits_url: `${api}/commits{/sha}`,
      git_commits_url: `${api}/git/commits{/sha}`,
      comments_url: `${api}/comments{/number}`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      contents_url: `${api}/contents/{+path}`,
      compare_url: `${api}/compare/{base}...{head}`,
      merges_url: `${api}/merges`,
      archive_url: `${api}/{archive_format}{/ref}`,
      downloads_url: `${api}/downloads`,
      issues_url: `${api}/issues{/number}`,
      pulls_url: `${api}/pulls{/number}`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      labels_url: `${api}/labels{/name}`,
      releases_url: `${api}/releases{/id}`,
      deployments_url: `${api}/deployments`,
    };
  }

  /** A repository as GitHub's full shape (`GET /repos/{owner}/{repo}`, webhooks' `repository`, a PR's head and base repo). */
  repoJson(repo: RepoRec): Repository {
    const host = new URL(this.state.url).host;
    return {
      ...this.minimalRepoJson(repo),
      created_at: iso(repo.createdAt),
      updated_at: iso(repo.pushedAt),
      pushed_at: iso(repo.pushedAt),
      git_url: `git://${host}/${repo.fullName}.git`,
      ssh_url: `git@${host}:${repo.fullName}.git`,
      clone_url: `${this.htmlRepoUrl(repo)}.git`,
      svn_url: this.htmlRepoUrl(repo),
      homepage: null,
      size: 0,
      stargazers_count: 0,
      watchers_count: 0,
      language: null,
      has_issues: true,
      has_projects: true,
      has_downloads: true,
      has_wiki: true,
      has_pages: false,
      has_discussions: false,
      forks_count: 0,
      mirror_url: null,
      archived: false,
      disabled: false,
      open_issues_count: 0,
      license: null,
      allow_forking: true,
      is_template: false,
      web_commit_signoff_required: false,
      topics: [],
      visibility: repo.private ? 'private' : 'public',
      forks: 0,
      open_issues: 0,
      watchers: 0,
      default_branch: repo.defaultBranch,
      permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    };
  }

  /** The GitHub Actions app (a check run's or check suite's `app`). */
  actionsAppJson(): NonNullable<Schemas['integration']> {
    return {
      id: 15368,
      slug: 'github-actions',
      client_id: 'Iv1.05c79e9ad1f6bdfa',
      node_id: 'MDM6QXBwMTUzNjg=',
      owner: { ...this.userJson('github'), type: 'Organization' },
      name: 'GitHub Actions',
      description: 'Automate your workflow from idea to production',
      external_url: 'https://help.github.com/en/actions',
      html_url: `${this.state.url}/apps/github-actions`,
      created_at: '2018-07-30T09:30:17Z',
      updated_at: '2024-04-10T20:33:16Z',
      permissions: { actions: 'write', checks: 'write', contents: 'write', deployments: 'write', metadata: 'read', pull_requests: 'write', statuses: 'write' },
      events: ['check_run', 'check_suite', 'workflow_dispatch', 'workflow_run', 'workflow_job'],
    };
  }
}
