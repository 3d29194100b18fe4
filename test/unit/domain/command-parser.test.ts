import { parsePromoteCommand, parseRollbackCommand, tokenize } from '../../../src/domain/command-parser';

describe('tokenize', () => {
  it.each([
    ['svc prod', ['svc', 'prod']],
    ['  svc   prod  ', ['svc', 'prod']],
    ['svc prod reason="hot fix for INC1"', ['svc', 'prod', 'reason=hot fix for INC1']],
    ["svc prod reason='a b'", ['svc', 'prod', 'reason=a b']],
    ['svc prod reason=“smart quotes here”', ['svc', 'prod', 'reason=smart quotes here']],
  ])('%s', (text, tokens) => {
    expect(tokenize(text)).toEqual({ tokens });
  });

  it('reports an unclosed quote', () => {
    expect(tokenize('svc prod reason="oops')).toEqual({ error: expect.stringContaining('unclosed quote') });
  });
});

describe('/promote parsing', () => {
  it.each([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['svc prod', { kind: 'promote', service: 'svc', env: 'prod', options: {} }],
    [
      'svc prod cr=chg0030001 ref=v1.2.3 from=int reason="weekly release"',
      { kind: 'promote', service: 'svc', env: 'prod', options: { cr: 'CHG0030001', ref: 'v1.2.3', from: 'int', reason: 'weekly release' } },
    ],
    ['ref=abc1234 svc prod', { kind: 'promote', service: 'svc', env: 'prod', options: { ref: 'abc1234' } }],
    ['plan svc prod ref=main', { kind: 'plan', service: 'svc', env: 'prod', options: { ref: 'main' } }],
    ['svc prod ref=abc1234 force=true', { kind: 'promote', service: 'svc', env: 'prod', options: { ref: 'abc1234', force: true } }],
    ['svc prod FORCE=TRUE', { kind: 'promote', service: 'svc', env: 'prod', options: { force: true } }],
    ['svc prod force=false', { kind: 'promote', service: 'svc', env: 'prod', options: {} }],
    ['plan svc prod force=true', { kind: 'plan', service: 'svc', env: 'prod', options: { force: true } }],
    ['status', { kind: 'status' }],
    ['status svc', { kind: 'status', service: 'svc' }],
    ['history svc prod', { kind: 'history', service: 'svc', env: 'prod' }],
    ['freeze prod', { kind: 'freeze', env: 'prod' }],
    ['cancel p-20261121-abcdef', { kind: 'cancel', id: 'p-20261121-abcdef' }],
  ])('parses %j', (text, expected) => {
    expect(parsePromoteCommand(text)).toEqual(expected);
  });

  it.each([
    ['svc', 'missing environment'],
    ['svc prod extra', 'unexpected `extra`'],
    ['svc prod cr=12345', 'not a ServiceNow change number; expected the form `CHG0030001`'],
    ['svc prod cr=CHG12', 'expected the form `CHG0030001`'],
    ['svc prod colour=red', 'unknown option `colour=`'],
    ['svc prod ref=a..b', 'is not a commit SHA, tag or branch name'],
    ['svc prod ref=', 'needs a value'],
    ['svc prod from=int from=dev', 'given twice'],
    ['cancel 42', 'usage: `/promote cancel <promotion-id>`'],
    ['history', 'usage: `/promote history <service> [env]`'],
    ['plan svc', 'usage: `/promote plan'],
    ['svc prod force=yes', '`force=` takes `true` (redeploy the SHA that already runs in the environment)'],
    ['svc prod force=1', '`force=` takes `true`'],
  ])('rejects %j', (text, message) => {
    const r = parsePromoteCommand(text);
    expect(r.kind).toBe('error');
    expect(r.kind === 'error' && r.message).toContain(message);
  });
});

describe('/rollback parsing', () => {
  it.each([
    ['svc', { kind: 'rollback', service: 'svc', options: {} }],
    ['svc prod to=abc1234 reason="bad deploy"', { kind: 'rollback', service: 'svc', env: 'prod', options: { to: 'abc1234', reason: 'bad deploy' } }],
    ['svc to=p-20261121-abcdef', { kind: 'rollback', service: 'svc', options: { to: 'p-20261121-abcdef' } }],
  ])('parses %j', (text, expected) => {
    expect(parseRollbackCommand(text)).toEqual(expected);
  });

  it.each([['', 'usage'], ['svc prod cr=CHG0000001', 'unknown option `cr=`'], ['svc prod force=true', 'unknown option `force=`']])('rejects %j', (text, message) => {
    const r = parseRollbackCommand(text);
    expect(r.kind === 'error' && r.message).toContain(message);
  });
});
