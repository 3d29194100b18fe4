import MarkdownIt from 'markdown-it';
import { mdCell, mdCode, mdLink, mdText, mrkdwnToMarkdown } from '../../../src/domain/markdown';

const names = (id: string) => (id === 'U0RELMGR2' ? 'Ravi Release' : undefined);
const html = (md: string) => new MarkdownIt().render(md);

describe('Slack mrkdwn → Markdown', () => {
  it.each([
    ['Approved by <@U0RELMGR2> (1/1)', 'Approved by Ravi Release (1/1)'],
    ['Approved by <@U0UNKNOWN1>', 'Approved by U0UNKNOWN1'],
    ['Needs 1 more approval (0/1) from <!subteam^S0RELEASEMGRS>', 'Needs 1 more approval (0/1) from @S0RELEASEMGRS'],
    ['from <!subteam^S0RM|@release-managers>', 'from @release-managers'],
    ['*prod* is not in a change freeze', '**prod** is not in a change freeze'],
    ['see <https://sn.example/nav?a=1&amp;b=2|CHG0030001> ~old~', 'see [CHG0030001](https://sn.example/nav?a=1&b=2) ~~old~~'],
    ['<https://gh.example/run/7>', '[https://gh.example/run/7](https://gh.example/run/7)'],
    ['`abc1234` and _italic_', '`abc1234` and _italic_'],
    ['&lt;script&gt; a|b [x](y) snake_case 2*3', '\\<script\\> a\\|b \\[x\\](y) snake\\_case 2\\*3'],
  ])('%j', (mrkdwn, md) => {
    expect(mrkdwnToMarkdown(mrkdwn, { userName: names })).toBe(md);
  });

  it('renders to the same words as Slack shows, and leaves no Slack markup behind', () => {
    const md = mrkdwnToMarkdown('*Succeeded*: <https://gh.example/r/1|cd-prod #2> by <@U0RELMGR2> &amp; <!subteam^S0X>', { userName: names });
    expect(html(md)).toBe('<p><strong>Succeeded</strong>: <a href="https://gh.example/r/1">cd-prod #2</a> by Ravi Release &amp; @S0X</p>\n');
    expect(md).not.toMatch(/<@|<!|<http|\|[^ ]*>/);
  });

  it('table cells: one line, pipes escaped even in code, and GitHub-flavoured tables parse', () => {
    const cell = mdCell(mrkdwnToMarkdown('Rollback `a|b` → `c`, removing:\n    ◦ `x` fix | pipe', { inTable: true }));
    expect(cell).toBe('Rollback `a\\|b` → `c`, removing: ◦ `x` fix \\| pipe');
    const out = html(`| gate | detail |\n|---|---|\n| candidate | ${cell} |\n`);
    expect(out).toContain('<table>');
    expect(out).toContain('<td>Rollback <code>a|b</code> → <code>c</code>, removing: ◦ <code>x</code> fix | pipe</td>');
  });

  it('helpers', () => {
    expect(mdText('a*b_c')).toBe('a\\*b\\_c');
    expect(mdCode('x`y')).toBe('`` x`y ``');
    expect(mdLink('cd-prod #2', 'https://gh.example/a b(1)')).toBe('[cd-prod #2](https://gh.example/a%20b%281%29)');
  });
});
