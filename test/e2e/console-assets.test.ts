import vm from 'node:vm';
import { CONSOLE_JS } from '../../src/sandbox/console/assets/console-js';
import { CONSOLE_HTML } from '../../src/sandbox/console/assets/console-html';
import { CONSOLE_CSS } from '../../src/sandbox/console/assets/console-css';

describe('console assets', () => {
  it('the client script is valid JavaScript (it is served as a string, so nothing else parses it)', () => {
    expect(() => new vm.Script(CONSOLE_JS, { filename: 'app.js' })).not.toThrow();
  });

  it('loads nothing from the internet (the sandbox works offline)', () => {
    for (const asset of [CONSOLE_HTML, CONSOLE_CSS]) expect(asset).not.toMatch(/(src|href)=["']https?:|url\(["']?https?:|@import/);
    expect(CONSOLE_JS).not.toMatch(/fetch\(['"]https?:/);
  });
});
