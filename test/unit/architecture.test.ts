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

  it('file names are kebab-case', () => {
    for (const f of files(root)) expect(path.basename(f)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*(\.d)?\.ts$/);
  });
});
