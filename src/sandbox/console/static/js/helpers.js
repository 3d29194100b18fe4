import { $, S } from './state.js';

export function esc(s) { return String(s == null ? '' : s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'); }
export function decodeEnt(s) { return String(s).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'); }
export function enc(s) { return encodeURIComponent(s); }
export function safeUrl(u) { u = String(u || ''); return /^(https?:|mailto:)/i.test(u) ? u : ''; }
export function tsDate(ts) { return new Date(parseFloat(ts) * 1000); }
export function timeOf(ts) { return tsDate(ts).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' }); }
export function ago(iso) {
  if (!iso) return '';
  // the sandbox clock may be moved (clock.js): ages are measured on it, like the timestamps
  var s = Math.max(0, (Date.now() + (window.SANDBOX_CLOCK_OFFSET_MS || 0) - new Date(iso).getTime()) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return Math.round(s / 60) + 'm ago';
  if (s < 86400 * 2) return Math.round(s / 3600) + 'h ago';
  return Math.round(s / 86400) + 'd ago';
}
export function short(sha) { return sha ? String(sha).slice(0, 7) : ''; }
export function person(id) {
  var b = S.boot;
  if (!b) return null;
  if (id === b.bot.id) return { id: id, name: b.bot.name, realName: 'shipgate', bot: true };
  for (var i = 0; i < b.users.length; i++) if (b.users[i].id === id) return b.users[i];
  return null;
}
export function group(id) {
  var gs = (S.boot && S.boot.usergroups) || [];
  for (var i = 0; i < gs.length; i++) if (gs[i].id === id) return gs[i];
  return null;
}
export function channelById(id) {
  var cs = (S.boot && S.boot.channels) || [];
  for (var i = 0; i < cs.length; i++) if (cs[i].id === id) return cs[i];
  return null;
}
export function initials(p) {
  var n = (p && (p.realName || p.name)) || '?';
  var parts = n.split(/[\s.]+/).filter(Boolean);
  return ((parts[0] || '?')[0] + ((parts[1] || '')[0] || '')).toUpperCase();
}
export function avatar(id, size) {
  var p = person(id);
  var cls = 'avatar' + (size ? ' ' + size : '');
  if (p && p.bot) return '<img class="' + cls + '" src="/console/favicon.svg" alt="shipgate">';
  return '<span class="' + cls + '" style="background:' + esc((p && p.color) || '#8b8a8b') + '" title="' + esc(p ? p.realName : id) + '">' + esc(initials(p)) + '</span>';
}
export function displayName(id) {
  var p = person(id);
  if (!p) return id;
  return p.bot ? 'shipgate' : p.realName;
}

export function api(method, path, body) {
  var opts = { method: method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined) opts.body = JSON.stringify(body);
  return fetch(path, opts).then(function (r) {
    return r.json().then(function (j) {
      if (!r.ok || j.ok === false) throw new Error(j.error || ('HTTP ' + r.status));
      return j;
    });
  });
}

export function toast(text, kind) {
  var el = document.createElement('div');
  el.className = 'toast' + (kind ? ' ' + kind : '');
  el.textContent = text;
  $('toasts').appendChild(el);
  setTimeout(function () { el.remove(); }, 3200);
}
