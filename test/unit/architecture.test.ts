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
  const domain = files(path.join(root, 'domain'));

  it.each(domain.map((f) => [path.relative(root, f)]))('%s is pure', (rel) => {
    const file = path.join(root, rel);
    const text = readFileSync(file, 'utf8');
    for (const spec of imports(file)) {
      expect(spec).not.toMatch(/^(node:|fs$|http|net$|child_process|@slack\/|@octokit\/|bullmq|ioredis|pino)/);
      expect(spec).not.toMatch(/(^|\/)(adapters|app|emulators|sandbox)\//);
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

describe('GitHub emulator rooms (src/emulators/github/)', () => {
  const rooms = files(path.join(root, 'emulators/github'));
  const entry = path.join(root, 'emulators/github-emulator.ts');

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
