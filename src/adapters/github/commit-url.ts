/** GitHub web URL of a commit, derived from the API base (github.com, GHES /api/v3, or an emulator). */
export function commitUrlFor(apiUrl: string): (repo: string, sha: string) => string {
  const base = apiUrl.replace(/\/$/, '');
  const web = base === 'https://api.github.com' ? 'https://github.com' : base.replace(/\/api\/v3$/, '');
  return (repo, sha) => `${web}/${repo}/commit/${sha}`;
}
