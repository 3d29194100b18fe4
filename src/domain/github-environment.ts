/** Does a GitHub Environment name stand for a shipgate environment? (`DataBricks-Prod` ~ `prod`) */
export function githubEnvironmentMatches(githubEnv: string, env: string, mapping: Record<string, string>): boolean {
  const configured = mapping[env];
  if (configured) return githubEnv === configured;
  const g = githubEnv.toLowerCase();
  const e = env.toLowerCase();
  return g === e || g.endsWith(`-${e}`) || g.endsWith(`_${e}`) || g.endsWith(` ${e}`) || g.endsWith(`/${e}`);
}
