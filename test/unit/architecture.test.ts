import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^\s*import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

describe('layering (DEVELOPERS.md)', () => {
  // the domain and the pure libraries it shares with config/ (the coded error, Mrkdwn, durations, calendars)
  const domain = ['domain', 'shared', 'calendar'].flatMap((d) => files(path.join(root, d)));

  it.each(domain.map((f) => [path.relative(root, f)]))('%s is pure', (rel) => {
    const file = path.join(root, rel);
    const text = readFileSync(file, 'utf8');
    for (const spec of imports(file)) {
      expect(spec).not.toMatch(/^(node:|fs$|http|net$|child_process|@slack\/|@octokit\/|bullmq|ioredis|pino)/);
      expect(spec).not.toMatch(/(^|\/)(adapters|app|emulators|sandbox|wiring|cli)\//);
    }
    expect(text).not.toMatch(/Date\.now\(|process\.env|new Date\(\)/);
  });

  it('use-cases do not import adapters or SDKs', () => {
    for (const f of files(path.join(root, 'app'))) {
      for (const spec of imports(f)) {
        expect(`${path.relative(root, f)} → ${spec}`).not.toMatch(/→ (.*\/adapters\/|@slack\/|@octokit\/|bullmq|ioredis)/);
      }
    }
  });

  it('no `as never` cast in src/ (vendor shapes are typed by their libraries: @slack/types, the web-api, node:util)', () => {
    const casts = files(root).flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/\bas never\b/.test(line.replace(/\/\/.*$|\/\*.*?\*\/|^\s*\*.*$/g, '')) ? [`${path.relative(root, f)}:${i + 1}`] : [])),
    );
    expect(casts).toEqual([]);
  });

  it('file names are kebab-case', () => {
    for (const f of files(root)) expect(path.basename(f)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*(\.d)?\.ts$/);
  });
});

describe.each([
  ['GitHub', 'github'],
  ['Slack', 'slack'],
  ['ServiceNow', 'servicenow'],
])('%s emulator rooms (src/emulators/%s/)', (_name, folder) => {
  const rooms = files(path.join(root, 'emulators', folder));
  const entry = path.join(root, `emulators/${folder}-emulator.ts`);

  it('every room and the entry are under 600 lines', () => {
    const long = [...rooms, entry]
      .map((f) => `${path.relative(root, f)}: ${readFileSync(f, 'utf8').split('\n').length} lines`)
      .filter((line) => Number(/(\d+) lines$/.exec(line)?.[1]) >= 600);
    expect(long).toEqual([]);
  });

  it('rooms import each other without a cycle', () => {
    const deps = new Map(
      rooms.map((f) => [
        f,
        imports(f)
          .filter((s) => s.startsWith('./'))
          .map((s) => path.join(path.dirname(f), `${s}.ts`)),
      ]),
    );
    const done = new Set<string>();
    const visit = (f: string, trail: string[]): void => {
      if (trail.includes(f)) throw new Error(`import cycle: ${[...trail, f].map((x) => path.basename(x)).join(' → ')}`);
      if (done.has(f)) return;
      for (const d of deps.get(f) ?? []) visit(d, [...trail, f]);
      done.add(f);
    };
    expect(() => rooms.forEach((f) => visit(f, []))).not.toThrow();
    expect(rooms.length).toBeGreaterThanOrEqual(8);
  });
});

/** Source files the rules below read: TypeScript and the console's browser code. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|js|css|html)$/.test(p) ? [p] : [];
  });
}

/** Relative imports of a file resolved to files (type-only imports count: they are still a dependency). */
function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)[^'";]*?from\s*['"](\.[^'"]+)['"]/gm), ...text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
  return specs.flatMap((s) => {
    const base = path.resolve(path.dirname(file), s);
    const hit = [base, `${base}.ts`, path.join(base, 'index.ts')].find((c) => {
      try {
        return statSync(c).isFile();
      } catch {
        return false;
      }
    });
    return hit ? [hit] : [];
  });
}

/** Every import cycle among `list` (Tarjan's strongly connected components of size > 1 or a self-import). */
function cycles(list: readonly string[], edges: (f: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  let i = 0;
  const visit = (v: string): void => {
    index.set(v, i);
    low.set(v, i++);
    stack.push(v);
    on.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || edges(v).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of list) if (!index.has(v)) visit(v);
  return out;
}

describe('house rules (src/)', () => {
  const all = sources(root);
  const ts = all.filter((f) => f.endsWith('.ts'));
  const rel = (f: string) => path.relative(root, f);

  it('no source file is over 600 lines (emulators and console files included)', () => {
    const long = all.map((f) => ({ file: rel(f), lines: readFileSync(f, 'utf8').split('\n').length })).filter((x) => x.lines > 600);
    expect(long).toEqual([]);
  });

  it('no `as never` casts in src/', () => {
    const hits = ts.flatMap((f) => readFileSync(f, 'utf8').split('\n').flatMap((line, n) => (/\bas never\b/.test(line) ? [`${rel(f)}:${n + 1}`] : [])));
    expect(hits).toEqual([]);
  });

  it('no hand-typed `Raw*` response shapes in the adapters', () => {
    const hits = files(path.join(root, 'adapters')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\b(?:interface|type)\s+(Raw\w*)/g)].map((m) => `${rel(f)}: ${m[1]}`));
    expect(hits).toEqual([]);
  });

  it('no import cycles between files', () => {
    const graph = new Map(ts.map((f) => [f, localImports(f).filter((t) => t.startsWith(root))]));
    expect(cycles(ts, (f) => graph.get(f) ?? []).map((c) => c.map(rel))).toEqual([]);
  });

  it('config/ owns the config types and does not import domain/', () => {
    const hits = files(path.join(root, 'config')).flatMap((f) => localImports(f).filter((t) => t.startsWith(path.join(root, 'domain'))).map((t) => `${rel(f)} → ${rel(t)}`));
    expect(hits).toEqual([]);
  });

  it('shared/ and calendar/ import neither domain/ nor config/ (both of those build on them)', () => {
    const hits = ['shared', 'calendar'].flatMap((d) => files(path.join(root, d))).flatMap((f) => localImports(f).filter((t) => /^(domain|config)\//.test(rel(t))).map((t) => `${rel(f)} → ${rel(t)}`));
    expect(hits).toEqual([]);
  });

  it('main.ts is a short composition root (under 120 lines)', () => {
    expect(readFileSync(path.join(root, 'main.ts'), 'utf8').split('\n').length).toBeLessThan(120);
  });

  it('the checks can fail: a cycle is found', () => {
    const g: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'], d: ['a'], e: ['e'] };
    expect(cycles(Object.keys(g), (v) => g[v] ?? [])).toEqual([['a', 'b', 'c'], ['e']]);
  });
});
