(function () {
  'use strict';
  var C = { state: null, fetchedAt: 0, open: false, busy: false };
  var css = [
    '.sim-clock { position: relative; }',
    '.sim-clock-btn { display: flex; align-items: center; gap: 8px; height: 30px; padding: 0 10px; border-radius: 6px; border: 1px solid rgba(255,255,255,.25); background: rgba(255,255,255,.08); color: #fff; font: inherit; font-size: 13px; cursor: pointer; white-space: nowrap; }',
    '.sim-clock-btn:hover { background: rgba(255,255,255,.16); }',
    '.sim-clock.moved .sim-clock-btn { background: #f2c744; border-color: #f2c744; color: #1d1c1d; }',
    '.sim-clock-time { font-weight: 800; font-variant-numeric: tabular-nums; }',
    '.sim-clock-tag { font-size: 10px; font-weight: 900; letter-spacing: .6px; text-transform: uppercase; padding: 1px 6px; border-radius: 4px; background: rgba(0,0,0,.18); }',
    '.sim-clock-frozen { font-size: 12px; font-weight: 700; padding: 1px 7px; border-radius: 10px; background: #e01e5a; color: #fff; }',
    '.sim-clock-menu { position: absolute; top: 36px; left: 0; z-index: 50; width: 420px; background: #fff; color: #1d1c1d; border-radius: 8px; box-shadow: 0 4px 12px rgba(0,0,0,.18), 0 0 0 1px rgba(0,0,0,.08); padding: 10px 0; font-size: 13.5px; }',
    '.sim-clock-menu h3 { margin: 0 14px 4px; font-size: 14px; }',
    '.sim-clock-menu p { margin: 4px 14px 8px; color: #616061; font-size: 12.5px; line-height: 1.4; }',
    '.sim-clock-menu button { display: block; width: 100%; text-align: left; border: 0; background: none; padding: 7px 14px; font: inherit; cursor: pointer; color: inherit; }',
    '.sim-clock-menu button:hover:not([disabled]) { background: #1164a3; color: #fff; }',
    '.sim-clock-menu button[disabled] { color: #8b8a8b; cursor: default; }',
    '.sim-clock-menu .when { display: block; font-size: 12px; opacity: .8; }',
    '.sim-clock-menu .sep { border-top: 1px solid #e5e3e5; margin: 6px 0; }',
    '.sim-clock-menu .err { color: #e01e5a; margin: 4px 14px; font-size: 12.5px; }'
  ].join('\n');

  function esc(s) { return String(s == null ? '' : s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'); }
  function fmt(ms, withYear) {
    var tz = (C.state && C.state.timezone) || undefined;
    var o = { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: tz };
    if (withYear) o.year = 'numeric';
    try { return new Intl.DateTimeFormat('en-GB', o).format(new Date(ms)); } catch { return new Date(ms).toISOString(); }
  }
  function simNow() { return C.state ? Date.parse(C.state.now) + (Date.now() - C.fetchedAt) : Date.now(); }
  function distance(ms) {
    var d = Math.round(Math.abs(ms) / 3600000);
    var text = d >= 48 ? Math.round(d / 24) + ' days' : d + ' h';
    return ms >= 0 ? text + ' ahead' : text + ' behind';
  }

  function render() {
    var root = document.getElementById('sim-clock');
    if (!root || !C.state) return;
    var st = C.state;
    var moved = Math.abs(st.offsetMs) >= 60000;
    window.SANDBOX_CLOCK_OFFSET_MS = st.offsetMs;
    root.className = 'sim-clock' + (moved ? ' moved' : '');
    var frozen = (st.frozen || []).map(function (f) { return f.env; });
    var html = '<button type="button" class="sim-clock-btn" id="sim-clock-btn" aria-haspopup="menu" aria-expanded="' + (C.open ? 'true' : 'false') + '" title="The time the bot and the emulators share">' +
      '<span aria-hidden="true">\u23f1\ufe0f</span><span class="sim-clock-time" id="sim-clock-time">' + esc(fmt(simNow(), true)) + '</span>' +
      (moved ? '<span class="sim-clock-tag" id="sim-clock-tag">Simulated \u00b7 ' + esc(distance(st.offsetMs)) + '</span>' : '') +
      (frozen.length ? '<span class="sim-clock-frozen" id="sim-clock-frozen">\u2744\ufe0f ' + esc(frozen.join(', ')) + ' frozen</span>' : '') +
      '</button>';
    if (C.open) {
      html += '<div class="sim-clock-menu" role="menu"><h3>Sandbox clock</h3>' +
        '<p>The bot, Slack, GitHub and ServiceNow share this clock (' + esc(st.timezone) + '). Jump into a freeze to try the emergency override or queue a promotion for the next window.</p>';
      (st.frozen || []).forEach(function (f) {
        html += '<p><b>' + esc(f.env) + '</b> is frozen now (' + esc(f.rules.join(', ')) + ') until ' + esc(fmt(Date.parse(f.nextOpen), false)) + '.</p>';
      });
      html += '<div class="sep"></div>';
      (st.jumps || []).forEach(function (j) {
        html += '<button type="button" role="menuitem" data-jump="' + esc(j.id) + '"' + (C.busy ? ' disabled' : '') + '>Jump to ' + esc(j.rule) + (j.label && j.label !== j.rule ? ' (' + esc(j.label) + ')' : '') +
          '<span class="when">' + esc(j.environments.join(', ')) + ' frozen ' + esc(fmt(Date.parse(j.start), false)) + ' \u2013 ' + esc(fmt(Date.parse(j.end), false)) + '; lands at ' + esc(fmt(Date.parse(j.at), false)) + '</span></button>';
      });
      if (!(st.jumps || []).length) html += '<p>No freeze in the next 400 days.</p>';
      html += '<div class="sep"></div><button type="button" role="menuitem" data-clock="now"' + (moved && !C.busy ? '' : ' disabled') + '>Back to now<span class="when">' + esc(fmt(Date.parse(st.realNow) + (Date.now() - C.fetchedAt), true)) + '</span></button>';
      if (C.error) html += '<div class="err" id="sim-clock-error">' + esc(C.error) + '</div>';
      html += '<p>Timers keep real time: an approval timeout still takes its hours; queued promotions are re-checked whenever the clock moves.</p></div>';
    }
    root.innerHTML = html;
  }

  function load() {
    return fetch('/console/api/clock').then(function (r) { return r.json(); }).then(function (st) {
      if (st && st.ok) { C.state = st; C.fetchedAt = Date.now(); render(); }
    }).catch(function () { /* the console shows the connection state */ });
  }

  function move(body) {
    C.busy = true;
    C.error = null;
    render();
    fetch('/console/api/clock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json(); })
      .then(function (st) {
        C.busy = false;
        if (st && st.ok) { C.state = st; C.fetchedAt = Date.now(); C.open = false; }
        else C.error = (st && st.error) || 'the clock did not move';
        render();
      })
      .catch(function (e) { C.busy = false; C.error = String(e && e.message || e); render(); });
  }

  document.addEventListener('click', function (ev) {
    var t = ev.target && ev.target.closest ? ev.target : null;
    if (!t) return;
    if (t.closest('#sim-clock-btn')) { C.open = !C.open; C.error = null; if (C.open) load(); render(); return; }
    var jump = t.closest('[data-jump]');
    if (jump && !jump.disabled) { move({ jump: jump.getAttribute('data-jump') }); return; }
    var now = t.closest('[data-clock="now"]');
    if (now && !now.disabled) { move({ to: 'now' }); return; }
    if (C.open && !t.closest('#sim-clock')) { C.open = false; render(); }
  });

  var style = document.createElement('style');
  style.textContent = css;
  document.head.appendChild(style);
  setInterval(function () {
    var el = document.getElementById('sim-clock-time');
    if (el && C.state) el.textContent = fmt(simNow(), true);
  }, 1000);
  // another tab (or a test) may move the clock: follow the console's change stream
  // (at most once a second: runs in progress send many changes, and the clock rarely moves)
  var pending = null;
  var es = new EventSource('/console/api/events');
  es.addEventListener('change', function () { if (!pending) pending = setTimeout(function () { pending = null; load(); }, 1000); });
  load();
})();
