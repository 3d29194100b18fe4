import { bindEvents } from './composer.js';
import { connect, refresh } from './data.js';
import { channelById, esc, person } from './helpers.js';
import { renderSystems } from './render.js';
import { S } from './state.js';

export function start() {
  fetch('/console/api/bootstrap').then(function (r) { return r.json(); }).then(function (boot) {
    S.boot = boot;
    var saved = null;
    var savedChannel = null;
    try { saved = localStorage.getItem('shipgate.sandbox.user'); savedChannel = localStorage.getItem('shipgate.sandbox.channel'); } catch { /* private mode */ }
    var params = new URLSearchParams(location.search);
    S.user = params.get('as') || (saved && person(saved) ? saved : boot.defaultUser);
    S.channel = params.get('channel') || (savedChannel && channelById(savedChannel) ? savedChannel : boot.channels[0].id);
    if (params.get('tab')) S.tab = params.get('tab');
    bindEvents();
    connect();
    refresh();
    setInterval(refresh, 15000);
    setInterval(function () { if (S.state) renderSystems(); }, 30000);
  }).catch(function (e) {
    document.body.innerHTML = '<p style="color:#fff;padding:24px;font-family:sans-serif">The sandbox console could not load: ' + esc(e.message) + '</p>';
  });
}
start();
