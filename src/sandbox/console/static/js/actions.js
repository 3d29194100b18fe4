import { autosize, updateSend } from './composer.js';
import { refresh } from './data.js';
import { api, channelById, person, toast } from './helpers.js';
import { render, renderOverlay } from './render.js';
import { $, S } from './state.js';

export function switchUser(id) {
  if (id === S.user) { S.userMenu = false; render(); return; }
  S.user = id;
  S.userMenu = false;
  try { localStorage.setItem('shipgate.sandbox.user', id); } catch { /* private mode */ }
  var p = person(id);
  toast('Now acting as ' + (p ? p.realName + ' (' + p.title + ')' : id));
  S.viewKey = null;
  S.firstRender = true;
  refresh();
}
export function switchChannel(id) {
  if (!channelById(id)) return;
  S.channel = id;
  S.thread = null;
  S.stick = true;
  S.firstRender = true;
  try { localStorage.setItem('shipgate.sandbox.channel', id); } catch { /* private mode */ }
  refresh();
}
export function openThread(ts) { S.thread = ts; S.stickThread = true; refresh(); }

export function clickButton(id, el) {
  var b = S.buttons[id];
  if (!b) return;
  if (b.url) window.open(b.url, '_blank', 'noopener');
  if (b.confirm) { S.confirm = b; S.confirmEl = el; renderOverlay(); var ok = document.querySelector('[data-confirm="ok"]'); if (ok) ok.focus(); return; }
  sendAction(b, el);
}
export function sendAction(b, el) {
  if (el) el.classList.add('busy');
  var body = { user: S.user, actionId: b.actionId, blockId: b.blockId, value: b.value };
  if (b.ctx.viewId) body.viewId = b.ctx.viewId;
  else { body.channel = b.ctx.channel; body.messageTs = b.ctx.messageTs; }
  api('POST', '/console/api/action', body)
    .catch(function (e) { toast('Click failed: ' + e.message, 'error'); })
    .then(function () { if (el) el.classList.remove('busy'); refresh(); });
}

/** The GitHub panel's Merge to main: the emulator pushes a change to main and sends the push webhook. */
export function mergeToMain(repo, el) {
  if (el) el.disabled = true;
  api('POST', '/console/api/github/merge', { user: S.user, repo: repo })
    .then(function (r) { toast('Merged into main: ' + r.message + ' (' + String(r.sha).slice(0, 7) + '); GitHub sent the push webhook'); })
    .catch(function (e) { toast('Merge failed: ' + e.message, 'error'); })
    .then(function () { if (el) el.disabled = false; refresh(); });
}

export function sendComposer(text, threadTs) {
  text = text.trim();
  if (!text) return Promise.resolve();
  var isCommand = text.charAt(0) === '/';
  var body = { user: S.user, channel: S.channel, text: text };
  if (threadTs) body.threadTs = threadTs;
  if (threadTs) S.stickThread = true; else S.stick = true;
  return api('POST', isCommand ? '/console/api/command' : '/console/api/message', body)
    .catch(function (e) { toast((isCommand ? 'Command failed: ' : 'Message failed: ') + e.message, 'error'); })
    .then(refresh);
}

export function viewValues(form) {
  var values = {};
  Array.prototype.forEach.call(form.querySelectorAll('[data-input]'), function (el) {
    var block = el.getAttribute('data-block');
    var action = el.getAttribute('data-action');
    var type = el.getAttribute('data-type');
    var v = { type: type };
    if (type === 'plain_text_input') v.value = el.value;
    else if (type === 'users_select') v.selected_user = el.value || null;
    else if (type === 'multi_users_select') v.selected_users = Array.prototype.map.call(el.selectedOptions, function (o) { return o.value; });
    else if (type === 'static_select') v.selected_option = el.value ? { text: { type: 'plain_text', text: el.selectedOptions[0].getAttribute('data-text') }, value: el.value } : null;
    else if (type === 'conversations_select') v.selected_conversation = el.value || null;
    else if (type === 'channels_select') v.selected_channel = el.value || null;
    else if (type === 'datepicker') v.selected_date = el.value || null;
    else if (type === 'checkboxes') v.selected_options = Array.prototype.filter.call(el.querySelectorAll('input[type=checkbox]'), function (c) { return c.checked; }).map(function (c) { return { text: { type: 'plain_text', text: c.getAttribute('data-text') || '' }, value: c.value }; });
    values[block] = values[block] || {};
    values[block][action] = v;
  });
  return values;
}
export function submitView(form) {
  var viewId = form.getAttribute('data-view');
  var btn = $('view-submit');
  if (btn) btn.disabled = true;
  api('POST', '/console/api/view/submit', { user: S.user, viewId: viewId, values: viewValues(form) })
    .then(function (r) { if (r.error) toast('The app did not answer: ' + r.error, 'error'); })
    .catch(function (e) { toast('Submit failed: ' + e.message, 'error'); })
    .then(function () { if (btn) btn.disabled = false; S.viewKey = null; refresh(); });
}
export function closeView() {
  var form = $('view-form');
  if (!form) return;
  var viewId = form.getAttribute('data-view');
  $('overlay').innerHTML = '';
  S.viewKey = null;
  api('POST', '/console/api/view/close', { user: S.user, viewId: viewId }).then(refresh, refresh);
}

export function useTry(i) {
  var t = i === 'signoff' ? S.boot.signOffDemo : S.boot.tryCommands[i];
  if (!t) return;
  if (t.as !== S.user) switchUser(t.as);
  if (t.channel !== S.channel) switchChannel(t.channel);
  var input = $('composer-input');
  input.value = t.command;
  autosize(input);
  updateSend();
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
}
