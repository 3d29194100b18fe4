/** `owner/name` as the `{owner}` and `{repo}` parameters of a GitHub REST route. */
export function splitRepo(repo: string): { owner: string; repo: string } {
  const [owner, name] = repo.split('/');
  return { owner: owner ?? '', repo: name ?? '' };
}
