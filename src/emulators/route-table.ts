/**
 * Minimal path router for the emulators. Patterns use `:name` for one path
 * segment and `:name*` for the rest of the path (one or more segments, e.g.
 * branch names with slashes). Params are URL-decoded, so `heads%2Fmain` and
 * `heads/main` both work. First match wins.
 */
export type RouteParams = Record<string, string>;

interface Route<H> {
  method: string;
  segments: string[];
  handler: H;
}

export interface RouteMatch<H> {
  handler: H;
  params: RouteParams;
}

export class RouteTable<H> {
  private readonly routes: Route<H>[] = [];

  add(method: string, pattern: string, handler: H): this {
    this.routes.push({ method: method.toUpperCase(), segments: split(pattern), handler });
    return this;
  }

  /** Returns the match, or `'method'` when the path exists with another method, or undefined. */
  match(method: string, path: string): RouteMatch<H> | 'method' | undefined {
    const parts = split(path);
    let otherMethod = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method !== method.toUpperCase()) {
        otherMethod = true;
        continue;
      }
      return { handler: route.handler, params };
    }
    return otherMethod ? 'method' : undefined;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchSegments(pattern: string[], parts: string[]): RouteParams | undefined {
  const params: RouteParams = {};
  for (let i = 0; i < pattern.length; i++) {
    const seg = pattern[i] ?? '';
    if (seg.startsWith(':') && seg.endsWith('*')) {
      if (i !== pattern.length - 1 || parts.length <= i) return undefined;
      params[seg.slice(1, -1)] = parts.slice(i).map(decode).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.startsWith(':')) params[seg.slice(1)] = decode(part);
    else if (seg !== part) return undefined;
  }
  return parts.length === pattern.length ? params : undefined;
}
