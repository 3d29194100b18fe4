import { renderBlocks } from './block-kit.js';
import { ago, avatar, displayName, esc, safeUrl, timeOf, tsDate } from './helpers.js';
import { mrkdwn } from './mrkdwn.js';
import { S } from './state.js';

export function revKey(m) { return m.channel + ':' + m.ts + ':' + m.kind; }
export function messageHtml(m, prev, opts) {
  var key = revKey(m);
  if (S.dismissed[key]) return '';
  var isApp = m.kind !== 'user';
  var compact = prev && !prev.hidden && prev.user === m.user && prev.kind === m.kind && m.kind !== 'ephemeral' && !(prev.replyCount) && (parseFloat(m.ts) - parseFloat(prev.ts)) < 300 && !opts.noCompact;
  var cls = 'msg' + (m.kind === 'ephemeral' ? ' ephemeral' : '') + (compact ? ' compact' : '');
  if (!S.firstRender) {
    if (S.revs[key] !== undefined && S.revs[key] !== m.rev) cls += ' flash';
    else if (S.revs[key] === undefined && !S.known[key]) cls += ' appear';
  }
  S.revs[key] = m.rev;
  S.known[key] = true;
  var ctx = { channel: m.channel, messageTs: m.ts, ephemeral: m.kind === 'ephemeral' };
  var html = '<div class="' + cls + '" data-ts="' + esc(m.ts) + '" data-kind="' + m.kind + '">';
  html += '<div class="msg-gutter">' + (compact ? '<span class="msg-time-hover">' + esc(timeOf(m.ts).replace(/\s?[AP]M$/i, '')) + '</span>' : avatar(m.user)) + '</div>';
  html += '<div class="msg-body">';
  if (!compact) {
    html += '<div class="msg-head"><span class="msg-author">' + esc(displayName(m.user)) + '</span>' + (isApp ? '<span class="app-badge">APP</span>' : '') +
      '<span class="msg-time" title="' + esc(tsDate(m.ts).toString()) + '">' + esc(timeOf(m.ts)) + '</span>' +
      (m.kind === 'ephemeral' ? '<span class="eph-note"><svg width="13" height="13" viewBox="0 0 20 20"><path fill="currentColor" d="M10 4C5.5 4 2.3 7.4 1.2 9.6a.9.9 0 0 0 0 .8C2.3 12.6 5.5 16 10 16s7.7-3.4 8.8-5.6a.9.9 0 0 0 0-.8C17.7 7.4 14.5 4 10 4Zm0 10.3c-3.4 0-6-2.5-7-4.3 1-1.8 3.6-4.3 7-4.3s6 2.5 7 4.3c-1 1.8-3.6 4.3-7 4.3ZM10 7a3 3 0 1 0 0 6 3 3 0 0 0 0-6Z"/></svg>Only visible to you</span>' : '') + '</div>';
  }
  html += '<div class="msg-text">' + (m.blocks && m.blocks.length ? renderBlocks(m.blocks, ctx) : mrkdwn(m.text)) + (m.edited ? '<span class="edited">(edited)</span>' : '') + '</div>';
  if (m.files && m.files.length) html += m.files.map(fileHtml).join('');
  if (m.kind === 'ephemeral') html += '<button type="button" class="eph-dismiss" data-dismiss="' + esc(key) + '">Dismiss message</button>';
  if (m.replyCount && opts.replies) {
    html += '<button type="button" class="replies" data-thread="' + esc(m.ts) + '"><span class="stack">' + (m.replyUsers || []).slice(0, 4).map(function (u) { return avatar(u, 'xs'); }).join('') + '</span>' +
      '<span class="reply-count">' + m.replyCount + (m.replyCount === 1 ? ' reply' : ' replies') + '</span>' +
      '<span class="reply-last">Last reply ' + esc(ago(tsDate(m.latestReply || m.ts).toISOString())) + '</span><span class="view-thread">View thread</span></button>';
  }
  return html + '</div></div>';
}
export function fileHtml(f) {
  var kb = f.size < 1024 ? f.size + ' B' : f.size < 1048576 ? (f.size / 1024).toFixed(1) + ' KB' : (f.size / 1048576).toFixed(1) + ' MB';
  var ext = (/\.([a-z0-9]+)$/i.exec(f.name) || [])[1] || 'file';
  return '<a class="file-card" href="' + esc(safeUrl(f.url)) + '" target="_blank" rel="noopener" download="' + esc(f.name) + '"><span class="file-ico">' + esc(ext.toUpperCase().slice(0, 4)) + '</span>' +
    '<span class="file-meta"><span class="file-title">' + esc(f.title || f.name) + '</span><span class="file-sub">' + esc(f.prettyType + ' \u00b7 ' + kb) + '</span></span><span class="file-dl" title="Download"><svg width="16" height="16" viewBox="0 0 20 20"><path fill="currentColor" d="M10 2.5a.9.9 0 0 1 .9.9v8.4l2.9-2.9 1.3 1.3L10 15.3l-5.1-5.2 1.3-1.3 2.9 2.9V3.4a.9.9 0 0 1 .9-.9ZM3.5 16h13v1.8h-13z"/></svg></span></a>';
}
export function listHtml(msgs, opts) {
  var out = '';
  var prev = null;
  msgs.forEach(function (m) {
    var h = messageHtml(m, prev, opts);
    out += h;
    prev = h ? m : prev;
  });
  return out;
}
