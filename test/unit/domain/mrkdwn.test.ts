import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  clipMrkdwn,
  decodeSlackEntities,
  escapeMrkdwn,
  fromStored,
  joinMd,
  link,
  mrk,
  mention,
  Mrkdwn,
  stored,
  text,
  userGroup,
} from '../../../src/shared/mrkdwn';

const HOSTILE = '<!channel> & <http://x|y>';
const ESCAPED = '&lt;!channel&gt; &amp; &lt;http://x|y&gt;';

describe('Slack mrkdwn escaping', () => {
  it('escapes &, < and > (and nothing else)', () => {
    expect(escapeMrkdwn(HOSTILE)).toBe(ESCAPED);
    expect(escapeMrkdwn('*bold* _it_ `code` "q" \'a\' ¦ |')).toBe('*bold* _it_ `code` "q" \'a\' ¦ |');
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;'); // text that looks like an entity is text
  });

  it('mrk escapes interpolated strings and numbers, keeps interpolated markup', () => {
    const m = mrk`Rejected by ${mention('U0RELMGR2')}: ${HOSTILE} (${3}/${4})`;
    expect(m).toBeInstanceOf(Mrkdwn);
    expect(m.text).toBe(`Rejected by <@U0RELMGR2>: ${ESCAPED} (3/4)`);
    expect(mrk`${mrk`${HOSTILE}`}`.text).toBe(ESCAPED); // never escaped twice
    expect(mrk`a ${[mrk`${'<@x>'}`, mention('U1AB')]} b`.text).toBe('a &lt;@x&gt;<@U1AB> b');
  });

  it('the template text itself is trusted (it is written in the source)', () => {
    expect(mrk`*Blocked* by \`x\``.text).toBe('*Blocked* by `x`');
  });

  it('links: the label is escaped and cannot close the link; the URL is encoded', () => {
    expect(link('https://ci.example/run/1', 'deploy #1').text).toBe('<https://ci.example/run/1|deploy #1>');
    expect(link('https://x.example/a b|c<d>', 'a|b>c<d & e').text).toBe('<https://x.example/a%20b%7Cc%3Cd%3E|a¦b&gt;c&lt;d &amp; e>');
    expect(link('https://x.example/?a=1&b=2', mrk`\`abc1234\``).text).toBe('<https://x.example/?a=1&amp;b=2|`abc1234`>');
    expect(link('https://x.example/').text).toBe('<https://x.example/>');
  });

  it('a URL that is not http(s) or mailto is not linked', () => {
    expect(link('javascript:alert(1)', 'click').text).toBe('click');
    expect(link('<!channel>').text).toBe('&lt;!channel&gt;');
  });

  it('mentions only for real ids; anything else is text', () => {
    expect(mention('U0ONCALLOL').text).toBe('<@U0ONCALLOL>');
    expect(mention('W012ABC').text).toBe('<@W012ABC>');
    expect(mention(HOSTILE).text).toBe(ESCAPED);
    expect(mention('U1>|<!here').text).toBe('U1&gt;|&lt;!here');
    expect(userGroup('S0RELEASEMGRS').text).toBe('<!subteam^S0RELEASEMGRS>');
    expect(userGroup('<!everyone>').text).toBe('&lt;!everyone&gt;');
  });

  it('text() escapes a string and keeps markup; joinMd escapes plain parts and separators', () => {
    expect(text(HOSTILE).text).toBe(ESCAPED);
    expect(text(mention('U1AB')).text).toBe('<@U1AB>');
    expect(joinMd([mention('U1AB'), '<b>'], ' & ').text).toBe('<@U1AB> &amp; &lt;b&gt;');
  });

  it('stored markup comes back as the same markup, not escaped again', () => {
    const m = mrk`${link('https://sn.example/x', 'CHG0030004')} for ${HOSTILE}`;
    const s = stored(m);
    expect(JSON.parse(JSON.stringify({ s: m }))).toEqual({ s });
    expect(fromStored(s).text).toBe(m.text);
    expect(mrk`Blocked: ${fromStored(s)}`.text).toBe(`Blocked: <https://sn.example/x|CHG0030004> for ${ESCAPED}`);
  });

  it('cannot be made from a raw string outside the module', () => {
    expect(() => new Mrkdwn(undefined as never, '<!channel>')).toThrow(TypeError);
  });

  it('decodes what Slack sends as entities (slash command text)', () => {
    expect(decodeSlackEntities(ESCAPED)).toBe(HOSTILE);
    expect(decodeSlackEntities('a &amp;lt; b')).toBe('a &lt; b');
  });

  it('clips between words, never inside a word, a link or an entity', () => {
    const m = mrk`approved by ${mention('U0RELMGR2')} because ${'the change window & the batch overlap'}`;
    expect(clipMrkdwn(m, 200)).toBe(m);
    expect(clipMrkdwn(m, 40).text).toBe('approved by <@U0RELMGR2> because the…');
    expect(clipMrkdwn(m, 45).text).toBe('approved by <@U0RELMGR2> because the change…');
    expect(clipMrkdwn(m, 52).text).toBe('approved by <@U0RELMGR2> because the change window…');
    const withLink = mrk`see ${link('https://example.com/a-very-long-url', 'run')} now please`;
    expect(clipMrkdwn(withLink, 9).text).toBe('see <https://example.com/a-very-long-url|run>…');
    // raw: Slack's limits count the markup itself
    expect(clipMrkdwn(withLink, 20, { raw: true }).text).toBe('see…');
    expect(clipMrkdwn(mrk`${'x'.repeat(50)}`, 10, { raw: true }).text.length).toBeLessThanOrEqual(10);
  });
});

describe('markup is built in one place', () => {
  it('the tag is not `md`: prettier would reformat md`…` templates as Markdown', () => {
    expect(readFileSync(path.join(__dirname, '../../../src/shared/mrkdwn.ts'), 'utf8')).not.toMatch(/export function md\(/);
  });

  const root = path.join(__dirname, '../../../src');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = path.join(dir, f);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  // the evidence pack's Markdown file is a file, not a Slack message
  const NOT_SLACK = ['shared/mrkdwn.ts', 'domain/evidence-pack.ts'];

  it('no use-case, domain or Slack adapter writes <@…>, <url|…> or <!…> by hand', () => {
    const offenders = ['app', 'domain', 'shared', 'calendar', 'adapters/slack']
      .flatMap((d) => files(path.join(root, d)))
      .filter((f) => !NOT_SLACK.includes(path.relative(root, f)))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ where: `${path.relative(root, f)}:${i + 1}`, line }))
          .filter(({ line }) => /<@\$\{|<\$\{|<!(subteam|channel|here|everyone)/.test(line)),
      );
    expect(offenders).toEqual([]);
  });
});
