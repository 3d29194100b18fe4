import { createHash } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import { defaultBodyLimit } from '@slack/bolt/dist/receivers/HTTPModuleFunctions';
import { isValidSlackRequest } from '@slack/bolt/dist/receivers/verify-request';
import type { Logger } from '../../app/logger';
import type { OnceGuard } from '../../app/ports/once-guard';
import type { SlackListenerRegistry } from '../slack/listener-registry';
import type { SlackReceiver } from '../slack/slack-receiver';
import { classifySlackBody } from '../slack/slack-inbound';
import { headerOf, sendJson, type RouteHandler } from './http-server';
import { readBody, refuse } from './read-body';

/** Slack's rule: a request whose timestamp differs from now by more than 5 minutes is refused. */
export const SLACK_SIGNATURE_WINDOW_S = 300;

export interface SlackEventsRouteDeps {
  signingSecret: string;
  /** Bolt's receiver: sees only requests that passed every check below, parsed once here. */
  receiver: Pick<SlackReceiver, 'dispatch'>;
  listeners: Pick<SlackListenerRegistry, 'handles'>;
  /** Remembers accepted request bodies (Redis SET NX PX). */
  replays: OnceGuard;
  logger: Logger;
  /** Wall-clock milliseconds (signature timestamps are real time, whatever clock the gates use). */
  now?: () => number;
  maxBodyBytes?: number;
}

/**
 * `POST /slack/events`, in front of Bolt. In order, each before the next:
 * - signed (`x-slack-signature` + `x-slack-request-timestamp`), else 401 without reading the body
 *   (except Slack's unsigned `ssl_check`, a tiny form);
 * - timestamp within ±5 minutes of now (past *and* future), else 401;
 * - body within the limit (Bolt's 4 MB), else 413 and it stops being read;
 * - signature valid, else 401;
 * - body is a command, interaction or event Slack sends (zod), else 400; meant for a listener shipgate
 *   has, else 400 at once (an unknown command gets a 200 with an ephemeral line instead);
 * - not seen before: the body of every accepted request is remembered for twice the timestamp window
 *   (SET NX PX), so a byte-for-byte replay is refused with 409 and Slack's own retries
 *   (`x-slack-retry-num`, same body, new signature) get a 200 with `x-slack-no-retry: 1` and do nothing.
 */
export function slackEventsRoute(d: SlackEventsRouteDeps): RouteHandler {
  const now = d.now ?? Date.now;
  const limit = d.maxBodyBytes ?? defaultBodyLimit;
  const log = d.logger.child({ route: '/slack/events' });
  return async (req, res) => {
    const signature = headerOf(req, 'x-slack-signature');
    const timestamp = headerOf(req, 'x-slack-request-timestamp');
    if (!signature || !timestamp) {
      const small = await readBody(req, 1024);
      if (small.ok && parseQuery(small.raw.toString('utf8')).ssl_check === '1') return void res.writeHead(200).end();
      return refuse(req, res, 401, { error: 'missing Slack signature' });
    }
    const skew = /^\d{1,12}$/.test(timestamp) ? Math.abs(now() / 1000 - Number(timestamp)) : Infinity;
    if (skew > SLACK_SIGNATURE_WINDOW_S) {
      log.warn({ timestamp, skewSeconds: Number.isFinite(skew) ? Math.round(skew) : undefined }, 'refused a Slack request outside the 5-minute window');
      return refuse(req, res, 401, { error: 'request timestamp is more than 5 minutes from now' });
    }
    const body = await readBody(req, limit);
    if (!body.ok) return refuse(req, res, body.status, { error: body.error });
    const text = body.raw.toString('utf8');
    if (!isValidSlackRequest({ signingSecret: d.signingSecret, body: text, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) }, nowMilliseconds: now() })) {
      log.warn({}, 'refused a Slack request with a bad signature');
      return sendJson(res, 401, { error: 'bad signature' });
    }

    const mediaType = (headerOf(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const inbound = classifySlackBody(mediaType, text);
    if (inbound.kind === 'invalid') {
      log.info({ reason: inbound.reason }, 'refused a malformed Slack request');
      return sendJson(res, 400, { error: inbound.reason });
    }
    if (inbound.kind === 'ignored') return void res.writeHead(200).end();
    if (inbound.kind === 'listener' && !d.listeners.handles(inbound.listener, inbound.id)) {
      log.info({ what: inbound.what }, 'refused a Slack request no listener handles');
      if (inbound.listener === 'command') return sendJson(res, 200, { response_type: 'ephemeral', text: 'shipgate does not handle this command; try `/promote help`.' });
      return sendJson(res, 400, { error: `shipgate does not handle ${inbound.what}` });
    }

    const digest = createHash('sha256').update(body.raw).digest('hex');
    let first: boolean;
    try {
      first = await d.replays.claim(`slack-body:${digest}`, 2 * SLACK_SIGNATURE_WINDOW_S * 1000);
    } catch (e) {
      log.error({ err: e }, 'could not check a Slack request against replays; refused');
      return sendJson(res, 503, { error: 'shipgate cannot check this request against replays right now; try again' });
    }
    if (!first) {
      const retry = headerOf(req, 'x-slack-retry-num');
      if (retry) {
        log.info({ retry, reason: headerOf(req, 'x-slack-retry-reason') }, 'ignored a Slack retry of a request already accepted');
        return void res.writeHead(200, { 'x-slack-no-retry': '1' }).end();
      }
      log.warn({ timestamp }, 'refused a replayed Slack request');
      return sendJson(res, 409, { error: 'this request was already received (replay)' });
    }

    if (inbound.kind === 'url_verification') return sendJson(res, 200, { challenge: inbound.challenge });
    // Bolt gets the body parsed above; its listeners run on after the ack (the route does not wait for them)
    const retry = headerOf(req, 'x-slack-retry-num');
    const retryReason = headerOf(req, 'x-slack-retry-reason');
    const retryNum = retry === undefined ? undefined : Number.parseInt(retry, 10);
    d.receiver
      .dispatch({ body: inbound.body, ...(retryNum !== undefined && Number.isFinite(retryNum) ? { retryNum } : {}), ...(retryReason ? { retryReason } : {}) }, res)
      .catch((e: unknown) => {
        log.error({ err: e }, 'Slack request dispatch failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      });
  };
}
