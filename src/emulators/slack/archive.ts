/**
 * The HTML archive behind permalinks: `GET /` lists the channels, `GET /archives/<channel>`
 * shows its messages (what a permalink opens).
 */
import { escapeHtml, sendText, type RequestContext } from '../emulator-base';
import type { SlackState } from './state';

export class Archive {
  constructor(private readonly state: SlackState) {}

  render(ctx: RequestContext): void {
    const match = /^\/archives\/([A-Z0-9]+)(?:\/p(\d+))?/.exec(ctx.path);
    const channel = match?.[1];
    const rows = channel
      ? this.state
          .messages(channel)
          .map((m) => `<li><code>${escapeHtml(m.ts)}</code> ${escapeHtml(m.text)}</li>`)
          .join('\n')
      : [...this.state.channels.values()]
          .filter((c) => !c.isIm)
          .map((c) => `<li><a href="/archives/${c.id}">#${escapeHtml(c.name)}</a></li>`)
          .join('\n');
    sendText(
      ctx.res,
      200,
      `<!doctype html><html><head><meta charset="utf-8"><title>Slack emulator</title></head><body><h1>${escapeHtml(channel ?? this.state.identity.teamName)}</h1><ul>${rows}</ul></body></html>`,
      'text/html; charset=utf-8',
    );
  }
}
