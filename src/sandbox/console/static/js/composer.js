import { clickButton, closeView, mergeToMain, openThread, sendAction, sendComposer, submitView, switchChannel, switchUser, useTry } from './actions.js';
import { refresh } from './data.js';
import { esc } from './helpers.js';
import { render, renderOverlay, renderSidebar, renderSystems } from './render.js';
import { $, S } from './state.js';

export function autosize(ta) { ta.style.height = 'auto'; ta.style.height = Math.min(ta.scrollHeight, 180) + 'px'; }
export function updateSend() { $('send-btn').classList.toggle('ready', $('composer-input').value.trim() !== ''); }
export function slashMatches(value) {
  if (!/^\/[\w-]*$/.test(value)) return [];
  return S.boot.commands.filter(function (c) { return c.command.indexOf(value.toLowerCase()) === 0; });
}
export function renderSlash() {
  var menu = $('slash-menu');
  var list = slashMatches($('composer-input').value);
  if (!list.length) { menu.hidden = true; return; }
  if (S.slashIndex >= list.length) S.slashIndex = 0;
  menu.hidden = false;
  menu.innerHTML = '<div class="slash-head">Commands of <b>shipgate</b></div>' + list.map(function (c, i) {
    return '<button type="button" class="slash-opt' + (i === S.slashIndex ? ' sel' : '') + '" data-slash="' + esc(c.command) + '"><span class="slash-cmd">' + esc(c.command) + '</span><span class="slash-hint">' + esc(c.hint) + '</span><span class="slash-desc">' + esc(c.description) + '</span></button>';
  }).join('');
}
export function pickSlash(cmd) {
  var input = $('composer-input');
  input.value = cmd + ' ';
  $('slash-menu').hidden = true;
  updateSend();
  input.focus();
}

export function bindEvents() {
  var input = $('composer-input');
  input.addEventListener('input', function () { autosize(input); updateSend(); S.slashIndex = 0; renderSlash(); });
  input.addEventListener('keydown', function (e) {
    var list = slashMatches(input.value);
    if (list.length && !$('slash-menu').hidden) {
      if (e.key === 'ArrowDown') { S.slashIndex = (S.slashIndex + 1) % list.length; renderSlash(); e.preventDefault(); return; }
      if (e.key === 'ArrowUp') { S.slashIndex = (S.slashIndex + list.length - 1) % list.length; renderSlash(); e.preventDefault(); return; }
      if (e.key === 'Tab' || (e.key === 'Enter' && input.value.trim() !== list[S.slashIndex].command)) { pickSlash(list[S.slashIndex].command); e.preventDefault(); return; }
      if (e.key === 'Escape') { $('slash-menu').hidden = true; return; }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); $('composer').requestSubmit(); }
  });
  $('composer').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = '';
    autosize(input);
    updateSend();
    $('slash-menu').hidden = true;
    sendComposer(text);
  });
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (form.id === 'thread-composer') {
      e.preventDefault();
      var ta = $('thread-input');
      var text = ta.value;
      ta.value = '';
      sendComposer(text, S.thread);
    } else if (form.id === 'view-form') {
      e.preventDefault();
      submitView(form);
    }
  });
  document.addEventListener('keydown', function (e) {
    if (e.target && e.target.id === 'thread-input' && e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); $('thread-composer').requestSubmit(); return; }
    if (e.key === 'Escape') {
      if (S.confirm) { S.confirm = null; renderOverlay(); return; }
      if ($('view-form')) { closeView(); return; }
      if (S.userMenu) { S.userMenu = false; renderSidebar(); }
    }
  });
  document.addEventListener('click', function (e) {
    var t = e.target.closest ? e.target : e.target.parentElement;
    var el;
    if ((el = t.closest('[data-btn]'))) { e.preventDefault(); clickButton(el.getAttribute('data-btn'), el); return; }
    if ((el = t.closest('[data-confirm]'))) {
      var pending = S.confirm;
      S.confirm = null;
      renderOverlay();
      if (el.getAttribute('data-confirm') === 'ok' && pending) sendAction(pending, S.confirmEl);
      return;
    }
    if ((el = t.closest('[data-backdrop]')) && e.target === el) {
      if (el.getAttribute('data-backdrop') === 'confirm') { S.confirm = null; renderOverlay(); }
      return;
    }
    if ((el = t.closest('[data-close-view]'))) { closeView(); return; }
    if ((el = t.closest('[data-thread]'))) { openThread(el.getAttribute('data-thread')); return; }
    if ((el = t.closest('[data-close-thread]'))) { S.thread = null; refresh(); return; }
    if ((el = t.closest('[data-dismiss]'))) { S.dismissed[el.getAttribute('data-dismiss')] = true; render(); return; }
    if ((el = t.closest('[data-channel]'))) { switchChannel(el.getAttribute('data-channel')); return; }
    if ((el = t.closest('[data-user]'))) { switchUser(el.getAttribute('data-user')); return; }
    if ((el = t.closest('#acting-btn'))) { S.userMenu = !S.userMenu; renderSidebar(); return; }
    if ((el = t.closest('[data-tab]'))) { S.tab = el.getAttribute('data-tab'); renderSystems(); return; }
    if ((el = t.closest('[data-merge]'))) { mergeToMain(el.getAttribute('data-merge'), el); return; }
    if ((el = t.closest('[data-try]'))) { e.preventDefault(); useTry(Number(el.getAttribute('data-try'))); return; }
    if ((el = t.closest('[data-try-signoff]'))) { e.preventDefault(); useTry('signoff'); return; }
    if ((el = t.closest('[data-slash]'))) { pickSlash(el.getAttribute('data-slash')); return; }
    if (S.userMenu && !t.closest('.acting')) { S.userMenu = false; renderSidebar(); }
  });
}
