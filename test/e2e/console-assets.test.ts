import vm from 'node:vm';
import { CONSOLE_JS } from '../../src/sandbox/console/assets/console-js';
import { CONSOLE_HTML } from '../../src/sandbox/console/assets/console-html';
import { CONSOLE_CSS } from '../../src/sandbox/console/assets/console-css';
import { CONSOLE_CLOCK_JS } from '../../src/sandbox/console/assets/console-clock-js';

describe('console assets', () => {
  it('the client script is valid JavaScript (it is served as a string, so nothing else parses it)', () => {
    expect(() => new vm.Script(CONSOLE_JS, { filename: 'app.js' })).not.toThrow();
    expect(() => new vm.Script(CONSOLE_CLOCK_JS, { filename: 'clock.js' })).not.toThrow();
  });

  it('loads nothing from the internet (the sandbox works offline)', () => {
    for (const asset of [CONSOLE_HTML, CONSOLE_CSS]) expect(asset).not.toMatch(/(src|href)=["']https?:|url\(["']?https?:|@import/);
    for (const js of [CONSOLE_JS, CONSOLE_CLOCK_JS]) expect(js).not.toMatch(/fetch\(['"]https?:/);
  });
});
