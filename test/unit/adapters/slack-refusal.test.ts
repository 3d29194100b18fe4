import { slackRefusal } from '../../../src/adapters/slack/slack-refusal';

/** The one classification of Slack Web API failures that the card post and the outbox delivery share. */
describe('slackRefusal', () => {
  it.each([
    ['not invited', { data: { ok: false, error: 'not_in_channel' } }, 'not_in_channel', true],
    ['no such channel', { data: { ok: false, error: 'channel_not_found' } }, 'channel_not_found', true],
    ['archived', { data: { ok: false, error: 'is_archived' } }, 'is_archived', true],
    ['bad blocks', { data: { ok: false, error: 'invalid_blocks' } }, 'invalid_blocks', true],
    ['message gone', { data: { ok: false, error: 'message_not_found' } }, 'message_not_found', true],
    ['rate limited', { data: { ok: false, error: 'ratelimited' } }, 'ratelimited', false],
    ['Slack internal error', { data: { ok: false, error: 'internal_error' } }, 'internal_error', false],
    ['Slack down', { data: { ok: false, error: 'service_unavailable' } }, 'service_unavailable', false],
    ['credentials being rotated', { data: { ok: false, error: 'invalid_auth' } }, 'invalid_auth', false],
    ['a code Slack adds later', { data: { ok: false, error: 'some_new_error' } }, 'some_new_error', false],
    ['no answer (network)', Object.assign(new Error('socket hang up'), { code: 'slack_webapi_request_error' }), undefined, false],
    ['a non-string code', { data: { error: 42 } }, undefined, false],
    ['nothing at all', undefined, undefined, false],
  ])('%s', (_name, e, code, final) => {
    expect(slackRefusal(e)).toEqual({ code, final });
  });
});
