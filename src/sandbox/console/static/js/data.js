import { enc } from './helpers.js';
import { render, renderTopbar } from './render.js';
import { S } from './state.js';

export function refresh() {
  if (!S.boot) return;
  if (S.loading) { S.again = true; return; }
  S.loading = true;
  fetch('/console/api/state?user=' + enc(S.user) + '&channel=' + enc(S.channel) + (S.thread ? '&thread=' + enc(S.thread) : ''))
    .then(function (r) { return r.json(); })
    .then(function (st) { S.state = st; if (S.thread && !st.thread) S.thread = null; render(); })
    .catch(function () { S.live = false; })
    .then(function () {
      S.loading = false;
      if (S.again) { S.again = false; refresh(); }
    });
}
export function connect() {
  var es = new EventSource('/console/api/events');
  es.addEventListener('change', function () { if (!S.live) { S.live = true; } refresh(); });
  es.onopen = function () { S.live = true; renderTopbarSafe(); };
  es.onerror = function () { S.live = false; renderTopbarSafe(); };
}
export function renderTopbarSafe() { if (S.boot && S.state) renderTopbar(); }
