import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { consoleAssets, STATIC_DIR } from '../../src/sandbox/console/console-assets';

describe('console assets (real files under src/sandbox/console/static, served from disk)', () => {
  const assets = consoleAssets();
  const scripts = [...assets].filter(([route]) => route.endsWith('.js'));

  it('every script is a valid ES module (the browser loads them with type="module")', () => {
    expect(scripts.map(([r]) => r)).toEqual(expect.arrayContaining(['/console/js/main.js', '/console/js/emoji.js', '/console/clock.js']));
    for (const [route, asset] of scripts) {
      const out = ts.transpileModule(asset.body, { fileName: route.slice(1), reportDiagnostics: true, compilerOptions: { allowJs: true, module: ts.ModuleKind.ESNext } });
      expect({ route, errors: (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')) }).toEqual({ route, errors: [] });
    }
  });

  it('every module a script imports is served', () => {
    for (const [route, asset] of scripts) {
      for (const m of asset.body.matchAll(/^import [^;]+ from '(\.\/[\w-]+\.js)';$/gm)) {
        const target = path.posix.join(path.posix.dirname(route), m[1]!);
        expect({ route, imports: target, served: assets.has(target) }).toEqual({ route, imports: target, served: true });
      }
    }
  });

  it('the page loads the entry module and nothing from the internet (the sandbox works offline)', () => {
    const html = assets.get('/')!.body;
    expect(html).toContain('<script type="module" src="/console/js/main.js"></script>');
    for (const [, asset] of assets) expect(asset.body).not.toMatch(/(src|href)=["']https?:|url\(["']?https?:|@import|fetch\(['"]https?:/);
  });

  it('the build copies the same files next to the compiled code (dist is what `npm run sandbox` serves)', () => {
    const dist = path.join(__dirname, '..', '..', 'dist', 'src', 'sandbox', 'console', 'static');
    const list = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
    expect(list(dist)).toEqual(list(STATIC_DIR));
  });
});
