import { EMOJI } from './emoji.js';
import { channelById, decodeEnt, esc, group, person, safeUrl } from './helpers.js';
import { S } from './state.js';

export function emojiHtml(name, unicode) {
  var ch = EMOJI[name];
  if (!ch && unicode) {
    try { ch = String.fromCodePoint.apply(null, String(unicode).split('-').map(function (h) { return parseInt(h, 16); })); } catch { ch = null; }
  }
  return ch ? '<span class="emoji" title=":' + esc(name) + ':">' + ch + '</span>' : null;
}
export function mentionHtml(uid, label) {
  var p = person(uid);
  var me = uid === S.user ? ' me' : '';
  return '<span class="mention' + me + '" title="' + esc(p ? p.realName : uid) + '">@' + esc(label || (p ? p.name : uid)) + '</span>';
}
export function angleToken(tok) {
  var bar = tok.indexOf('|');
  var target = bar >= 0 ? tok.slice(0, bar) : tok;
  var label = bar >= 0 ? tok.slice(bar + 1) : '';
  if (target.charAt(0) === '@') return mentionHtml(target.slice(1), label);
  if (target.charAt(0) === '#') {
    var ch = channelById(target.slice(1));
    return '<span class="mention channel-mention" data-channel="' + esc(target.slice(1)) + '">#' + esc(label || (ch ? ch.name : target.slice(1))) + '</span>';
  }
  if (target.charAt(0) === '!') {
    if (target.indexOf('!subteam^') === 0) {
      var g = group(target.slice(9));
      return '<span class="mention" title="' + esc(g ? g.name : '') + '">' + esc(label || ('@' + (g ? g.handle : target.slice(9)))) + '</span>';
    }
    if (target === '!here' || target === '!channel' || target === '!everyone') return '<span class="mention me">@' + target.slice(1) + '</span>';
    if (target.indexOf('!date^') === 0) {
      var seg = target.split('^');
      var d = new Date(Number(seg[1]) * 1000);
      return isNaN(d.getTime()) ? esc(label) : '<span title="' + esc(d.toISOString()) + '">' + esc(d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })) + '</span>';
    }
    return esc(label || target);
  }
  var href = safeUrl(decodeEnt(target));
  if (!href) return esc(decodeEnt('<' + tok + '>'));
  return '<a href="' + esc(href) + '" target="_blank" rel="noopener noreferrer">' + (label ? inline(label) : esc(href)) + '</a>';
}
export function inline(s) {
  var slots = [];
  var slot = function (html) { slots.push(html); return '\u0000' + (slots.length - 1) + '\u0000'; };
  s = String(s).replace(/<([^<>\n]+)>|\x60([^\x60\n]+)\x60/g, function (all, angle, code) {
    if (code !== undefined) return slot('<code>' + esc(decodeEnt(code)) + '</code>');
    return slot(angleToken(angle));
  });
  s = esc(decodeEnt(s));
  s = s.replace(/(^|[^\w*])\*(?!\s)([^*\n]*?[^\s*])\*(?![\w*])/g, '$1<b>$2</b>');
  s = s.replace(/(^|[^\w_])_(?!\s)([^_\n]*?[^\s_])_(?![\w_])/g, '$1<i>$2</i>');
  s = s.replace(/(^|[^\w~])~(?!\s)([^~\n]*?[^\s~])~(?![\w~])/g, '$1<s>$2</s>');
  s = s.replace(/:([a-z0-9_+-]+):/g, function (all, name) { return emojiHtml(name) || all; });
  for (var guard = 0; guard < 3 && s.indexOf('\u0000') >= 0; guard++) {
    // eslint-disable-next-line no-control-regex -- NUL brackets the placeholders of code spans
    s = s.replace(/\u0000(\d+)\u0000/g, function (all, i) { return slots[Number(i)]; });
  }
  return s;
}
export function mrkdwn(text) {
  if (!text) return '';
  var fence = '\x60\x60\x60';
  var parts = String(text).split(fence);
  var out = '';
  for (var i = 0; i < parts.length; i++) {
    if (i % 2 === 1 && i < parts.length - 1) out += '<pre class="code-block">' + esc(decodeEnt(parts[i].replace(/^\n/, ''))) + '</pre>';
    else out += lines(i % 2 === 1 ? fence + parts[i] : parts[i]);
  }
  return out;
}
export function lines(t) {
  var rows = t.split('\n');
  var items = [];
  var quote = [];
  var flush = function () {
    if (quote.length) { items.push({ block: true, html: '<blockquote>' + quote.map(inline).join('<br>') + '</blockquote>' }); quote = []; }
  };
  rows.forEach(function (line) {
    var m = /^(?:&gt;|>)\s?(.*)$/.exec(line);
    if (m) quote.push(m[1]);
    else { flush(); items.push({ block: false, html: inline(line) }); }
  });
  flush();
  var out = '';
  for (var i = 0; i < items.length; i++) {
    if (i > 0 && !items[i].block && !items[i - 1].block) out += '<br>';
    out += items[i].html;
  }
  return out;
}
export function textObj(t) {
  if (!t) return '';
  if (typeof t === 'string') return mrkdwn(t);
  if (t.type === 'plain_text') {
    var s = esc(t.text);
    return t.emoji === false ? s : s.replace(/:([a-z0-9_+-]+):/g, function (all, name) { return emojiHtml(name) || all; });
  }
  return mrkdwn(t.text);
}
export function plainOf(t) { return t ? String(t.text || '') : ''; }
