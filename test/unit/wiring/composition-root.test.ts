import { readFileSync } from 'node:fs';
import path from 'node:path';

const src = path.join(__dirname, '../../../src');
const read = (rel: string) => readFileSync(path.join(src, rel), 'utf8');

describe('one composition (src/wiring/)', () => {
  it('main.ts is a short composition root', () => {
    expect(read('main.ts').split('\n').length).toBeLessThan(120);
  });

  it.each(['cli/plan-command.ts', 'cli/freeze-command.ts', 'sandbox/start-sandbox.ts', 'main.ts'])('%s wires no gate, GitHub or ServiceNow adapter itself', (rel) => {
    const text = read(rel);
    expect(text).not.toMatch(/registerGitHubGates|registerServiceNowGates|freezeGateCheck|redeployGateCheck|new GateEvaluator/);
    expect(text).not.toMatch(/createGitHubClient|changeManagementFromEnv|new CachedFreezeCalendars|new GitHub(?!Emulator)[A-Z]/);
  });

  it('GitHub adapters are constructed in one wiring function', () => {
    const files = ['main.ts', 'cli/plan-command.ts', 'sandbox/start-sandbox.ts', 'wiring/build-adapters.ts', 'wiring/build-use-cases.ts', 'wiring/build-gates.ts'];
    for (const f of files) expect(`${f}: ${read(f).match(/new GitHub(?!Emulator)[A-Za-z]+\(/g)?.join(', ') ?? ''}`).toBe(`${f}: `);
    expect(read('wiring/build-github.ts')).toMatch(/new GitHubPullRequests\(/);
  });
});
