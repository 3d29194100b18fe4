/**
 * The console's client: plain browser JavaScript (ES2017, no framework, no build step).
 * Kept as a string so the compiled package serves it without copying assets; it must not
 * contain a backtick or a dollar-brace (it lives in String.raw), hence \x60 in regexes.
 *
 * It renders Slack's Block Kit and mrkdwn, keeps itself fresh from a server-sent event
 * stream, and sends every command, click and modal submission through /console/api/*,
 * which forwards them to the bot as signed Slack requests.
 */
export const CONSOLE_JS = String.raw`
(function () {
  'use strict';

  // ------------------------------------------------------------------ state
  var S = {
    boot: null,
    state: null,
    user: null,
    channel: null,
    thread: null,
    tab: 'github',
    seen: {},
    revs: {},
    known: {},
    dismissed: {},
    buttons: {},
    btnSeq: 0,
    viewKey: null,
    confirm: null,
    userMenu: false,
    slashIndex: 0,
    loading: false,
    again: false,
    live: false,
    firstRender: true
  };
  var $ = function (id) { return document.getElementById(id); };

  // Slack's standard emoji (short name → character), filled in by the server from emoji-datasource
  var EMOJI = __SLACK_EMOJI__;

  // ------------------------------------------------------------------ helpers
  function esc(s) { return String(s == null ? '' : s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'); }
  function decodeEnt(s) { return String(s).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'); }
  function enc(s) { return encodeURIComponent(s); }
  function safeUrl(u) { u = String(u || ''); return /^(https?:|mailto:)/i.test(u) ? u : ''; }
  function tsDate(ts) { return new Date(parseFloat(ts) * 1000); }
  function timeOf(ts) { return tsDate(ts).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' }); }
  function ago(iso) {
    if (!iso) return '';
    // the sandbox clock may be moved (clock.js): ages are measured on it, like the timestamps
    var s = Math.max(0, (Date.now() + (window.SANDBOX_CLOCK_OFFSET_MS || 0) - new Date(iso).getTime()) / 1000);
    if (s < 45) return 'just now';
    if (s < 3600) return Math.round(s / 60) + 'm ago';
    if (s < 86400 * 2) return Math.round(s / 3600) + 'h ago';
    return Math.round(s / 86400) + 'd ago';
  }
  function short(sha) { return sha ? String(sha).slice(0, 7) : ''; }
  function person(id) {
    var b = S.boot;
    if (!b) return null;
    if (id === b.bot.id) return { id: id, name: b.bot.name, realName: 'shipgate', bot: true };
    for (var i = 0; i < b.users.length; i++) if (b.users[i].id === id) return b.users[i];
    return null;
  }
  function group(id) {
    var gs = (S.boot && S.boot.usergroups) || [];
    for (var i = 0; i < gs.length; i++) if (gs[i].id === id) return gs[i];
    return null;
  }
  function channelById(id) {
    var cs = (S.boot && S.boot.channels) || [];
    for (var i = 0; i < cs.length; i++) if (cs[i].id === id) return cs[i];
    return null;
  }
  function initials(p) {
    var n = (p && (p.realName || p.name)) || '?';
    var parts = n.split(/[\s.]+/).filter(Boolean);
    return ((parts[0] || '?')[0] + ((parts[1] || '')[0] || '')).toUpperCase();
  }
  function avatar(id, size) {
    var p = person(id);
    var cls = 'avatar' + (size ? ' ' + size : '');
    if (p && p.bot) return '<img class="' + cls + '" src="/console/favicon.svg" alt="shipgate">';
    return '<span class="' + cls + '" style="background:' + esc((p && p.color) || '#8b8a8b') + '" title="' + esc(p ? p.realName : id) + '">' + esc(initials(p)) + '</span>';
  }
  function displayName(id) {
    var p = person(id);
    if (!p) return id;
    return p.bot ? 'shipgate' : p.realName;
  }

  function api(method, path, body) {
    var opts = { method: method, headers: { 'content-type': 'application/json' } };
    if (body !== undefined) opts.body = JSON.stringify(body);
    return fetch(path, opts).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok || j.ok === false) throw new Error(j.error || ('HTTP ' + r.status));
        return j;
      });
    });
  }

  function toast(text, kind) {
    var el = document.createElement('div');
    el.className = 'toast' + (kind ? ' ' + kind : '');
    el.textContent = text;
    $('toasts').appendChild(el);
    setTimeout(function () { el.remove(); }, 3200);
  }

  // ------------------------------------------------------------------ mrkdwn
  function emojiHtml(name, unicode) {
    var ch = EMOJI[name];
    if (!ch && unicode) {
      try { ch = String.fromCodePoint.apply(null, String(unicode).split('-').map(function (h) { return parseInt(h, 16); })); } catch (e) { ch = null; }
    }
    return ch ? '<span class="emoji" title=":' + esc(name) + ':">' + ch + '</span>' : null;
  }
  function mentionHtml(uid, label) {
    var p = person(uid);
    var me = uid === S.user ? ' me' : '';
    return '<span class="mention' + me + '" title="' + esc(p ? p.realName : uid) + '">@' + esc(label || (p ? p.name : uid)) + '</span>';
  }
  function angleToken(tok) {
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
  function inline(s) {
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
    s = s.replace(/:([a-z0-9_+\-]+):/g, function (all, name) { return emojiHtml(name) || all; });
    for (var guard = 0; guard < 3 && s.indexOf('\u0000') >= 0; guard++) {
      s = s.replace(/\u0000(\d+)\u0000/g, function (all, i) { return slots[Number(i)]; });
    }
    return s;
  }
  function mrkdwn(text) {
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
  function lines(t) {
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
  function textObj(t) {
    if (!t) return '';
    if (typeof t === 'string') return mrkdwn(t);
    if (t.type === 'plain_text') {
      var s = esc(t.text);
      return t.emoji === false ? s : s.replace(/:([a-z0-9_+\-]+):/g, function (all, name) { return emojiHtml(name) || all; });
    }
    return mrkdwn(t.text);
  }
  function plainOf(t) { return t ? String(t.text || '') : ''; }

  // ------------------------------------------------------------------ Block Kit
  function registerButton(el, block, ctx) {
    var id = 'b' + (++S.btnSeq);
    S.buttons[id] = { actionId: el.action_id, blockId: block && block.block_id, value: el.value, confirm: el.confirm || null, url: el.url || null, ctx: ctx, label: plainOf(el.text) };
    return id;
  }
  function renderElement(el, block, ctx) {
    if (!el) return '';
    switch (el.type) {
      case 'button': {
        var id = registerButton(el, block, ctx);
        var cls = 'bk-btn' + (el.style === 'primary' ? ' primary' : el.style === 'danger' ? ' danger' : '');
        return '<button type="button" class="' + cls + '" data-btn="' + id + '" data-action-id="' + esc(el.action_id) + '">' + textObj(el.text) + '</button>';
      }
      case 'image':
        return safeUrl(el.image_url) ? '<img class="bk-acc-img" src="' + esc(el.image_url) + '" alt="' + esc(el.alt_text) + '">' : '';
      case 'overflow':
      case 'static_select':
      case 'users_select':
      case 'conversations_select':
      case 'channels_select': {
        var opts = el.type === 'users_select' ? S.boot.users.map(function (u) { return { value: u.id, text: { text: u.realName } }; }) : (el.options || []);
        return '<select class="bk-select" disabled title="Selects in messages are shown, not interactive, in the sandbox"><option>' + esc(plainOf(el.placeholder) || 'Select') + '</option>' +
          opts.map(function (o) { return '<option>' + esc(plainOf(o.text)) + '</option>'; }).join('') + '</select>';
      }
      default:
        return '<span class="bk-unknown">[' + esc(el.type) + ']</span>';
    }
  }
  function renderBlocks(blocks, ctx) {
    return '<div class="bk">' + (blocks || []).map(function (b) { return renderBlock(b, ctx); }).join('') + '</div>';
  }
  function renderBlock(b, ctx) {
    switch (b.type) {
      case 'header':
        return '<div class="bk-header">' + textObj(b.text) + '</div>';
      case 'section': {
        var html = '<div class="bk-section"><div class="bk-section-main">';
        if (b.text) html += '<div class="bk-text">' + textObj(b.text) + '</div>';
        if (b.fields && b.fields.length) html += '<div class="bk-fields">' + b.fields.map(function (f) { return '<div class="bk-field">' + textObj(f) + '</div>'; }).join('') + '</div>';
        html += '</div>';
        if (b.accessory) html += '<div class="bk-accessory">' + renderElement(b.accessory, b, ctx) + '</div>';
        return html + '</div>';
      }
      case 'context':
        return '<div class="bk-context">' + (b.elements || []).map(function (e) {
          if (e.type === 'image') return safeUrl(e.image_url) ? '<img src="' + esc(e.image_url) + '" alt="' + esc(e.alt_text) + '">' : '';
          return '<span>' + textObj(e) + '</span>';
        }).join('') + '</div>';
      case 'divider':
        return '<hr class="bk-divider">';
      case 'actions':
        return '<div class="bk-actions">' + (b.elements || []).map(function (e) { return renderElement(e, b, ctx); }).join('') + '</div>';
      case 'image':
        if (!safeUrl(b.image_url)) return '';
        return '<figure class="bk-image">' + (b.title ? '<figcaption>' + textObj(b.title) + '</figcaption>' : '') + '<img src="' + esc(b.image_url) + '" alt="' + esc(b.alt_text) + '"></figure>';
      case 'rich_text':
        return '<div class="bk-rich">' + (b.elements || []).map(richBlock).join('') + '</div>';
      case 'input':
        return renderInput(b);
      default:
        return '<div class="bk-unknown">[' + esc(b.type) + ' block]</div>';
    }
  }
  function richBlock(el) {
    switch (el.type) {
      case 'rich_text_section':
        return '<div>' + richInline(el.elements) + '</div>';
      case 'rich_text_list': {
        var tag = el.style === 'ordered' ? 'ol' : 'ul';
        return '<' + tag + ' style="margin-left:' + (Number(el.indent || 0) * 18) + 'px">' + (el.elements || []).map(function (s) { return '<li>' + richInline(s.elements) + '</li>'; }).join('') + '</' + tag + '>';
      }
      case 'rich_text_preformatted':
        return '<pre class="code-block">' + richInline(el.elements) + '</pre>';
      case 'rich_text_quote':
        return '<blockquote>' + richInline(el.elements) + '</blockquote>';
      default:
        return '';
    }
  }
  function richInline(els) {
    return (els || []).map(function (e) {
      var html = '';
      switch (e.type) {
        case 'text': html = esc(e.text).replace(/\n/g, '<br>'); break;
        case 'link': html = safeUrl(e.url) ? '<a href="' + esc(e.url) + '" target="_blank" rel="noopener noreferrer">' + esc(e.text || e.url) + '</a>' : esc(e.text || e.url); break;
        case 'emoji': html = emojiHtml(e.name, e.unicode) || (':' + esc(e.name) + ':'); break;
        case 'user': html = mentionHtml(e.user_id); break;
        case 'usergroup': { var g = group(e.usergroup_id); html = '<span class="mention">@' + esc(g ? g.handle : e.usergroup_id) + '</span>'; break; }
        case 'channel': { var c = channelById(e.channel_id); html = '<span class="mention channel-mention" data-channel="' + esc(e.channel_id) + '">#' + esc(c ? c.name : e.channel_id) + '</span>'; break; }
        case 'broadcast': html = '<span class="mention me">@' + esc(e.range) + '</span>'; break;
        case 'date': html = esc(e.fallback || new Date(Number(e.timestamp) * 1000).toLocaleString()); break;
        default: html = '';
      }
      var st = e.style || {};
      if (st.code) html = '<code>' + html + '</code>';
      if (st.bold) html = '<b>' + html + '</b>';
      if (st.italic) html = '<i>' + html + '</i>';
      if (st.strike) html = '<s>' + html + '</s>';
      return html;
    }).join('');
  }
  function renderInput(b) {
    var el = b.element || {};
    var errs = (S.state && S.state.view && S.state.view.errors) || {};
    var err = errs[b.block_id];
    var attrs = ' data-input="1" data-block="' + esc(b.block_id) + '" data-action="' + esc(el.action_id) + '" data-type="' + esc(el.type) + '" id="in-' + esc(b.block_id) + '"';
    var control;
    switch (el.type) {
      case 'plain_text_input':
        control = el.multiline
          ? '<textarea' + attrs + (el.max_length ? ' maxlength="' + Number(el.max_length) + '"' : '') + ' placeholder="' + esc(plainOf(el.placeholder)) + '">' + esc(el.initial_value || '') + '</textarea>'
          : '<input type="text"' + attrs + (el.max_length ? ' maxlength="' + Number(el.max_length) + '"' : '') + ' placeholder="' + esc(plainOf(el.placeholder)) + '" value="' + esc(el.initial_value || '') + '">';
        break;
      case 'users_select':
      case 'multi_users_select': {
        var multi = el.type === 'multi_users_select';
        var initial = multi ? (el.initial_users || []) : [el.initial_user];
        control = '<select' + attrs + (multi ? ' multiple size="5"' : '') + '>' + (multi ? '' : '<option value="">' + esc(plainOf(el.placeholder) || 'Select a person') + '</option>') +
          S.boot.users.map(function (u) { return '<option value="' + esc(u.id) + '"' + (initial.indexOf(u.id) >= 0 ? ' selected' : '') + '>' + esc(u.realName + ' (@' + u.name + ') \u00b7 ' + u.title) + '</option>'; }).join('') + '</select>';
        break;
      }
      case 'static_select':
        control = '<select' + attrs + '><option value="">' + esc(plainOf(el.placeholder) || 'Select an option') + '</option>' +
          (el.options || []).map(function (o) { return '<option value="' + esc(o.value) + '" data-text="' + esc(plainOf(o.text)) + '">' + esc(plainOf(o.text)) + '</option>'; }).join('') + '</select>';
        break;
      case 'conversations_select':
      case 'channels_select':
        control = '<select' + attrs + '><option value="">Select a channel</option>' + S.boot.channels.map(function (c) { return '<option value="' + esc(c.id) + '">#' + esc(c.name) + '</option>'; }).join('') + '</select>';
        break;
      case 'datepicker':
        control = '<input type="date"' + attrs + ' value="' + esc(el.initial_date || '') + '">';
        break;
      default:
        control = '<span class="bk-unknown">[' + esc(el.type) + ' input]</span>';
    }
    return '<div class="field' + (err ? ' has-error' : '') + '"><label for="in-' + esc(b.block_id) + '">' + esc(plainOf(b.label)) + (b.optional ? ' <span class="opt">(optional)</span>' : '') + '</label>' + control +
      (err ? '<div class="err">' + esc(err) + '</div>' : b.hint ? '<div class="hint">' + textObj(b.hint) + '</div>' : '') + '</div>';
  }

  // ------------------------------------------------------------------ messages
  function revKey(m) { return m.channel + ':' + m.ts + ':' + m.kind; }
  function messageHtml(m, prev, opts) {
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
  function fileHtml(f) {
    var kb = f.size < 1024 ? f.size + ' B' : f.size < 1048576 ? (f.size / 1024).toFixed(1) + ' KB' : (f.size / 1048576).toFixed(1) + ' MB';
    var ext = (/\.([a-z0-9]+)$/i.exec(f.name) || [])[1] || 'file';
    return '<a class="file-card" href="' + esc(safeUrl(f.url)) + '" target="_blank" rel="noopener" download="' + esc(f.name) + '"><span class="file-ico">' + esc(ext.toUpperCase().slice(0, 4)) + '</span>' +
      '<span class="file-meta"><span class="file-title">' + esc(f.title || f.name) + '</span><span class="file-sub">' + esc(f.prettyType + ' \u00b7 ' + kb) + '</span></span><span class="file-dl" title="Download"><svg width="16" height="16" viewBox="0 0 20 20"><path fill="currentColor" d="M10 2.5a.9.9 0 0 1 .9.9v8.4l2.9-2.9 1.3 1.3L10 15.3l-5.1-5.2 1.3-1.3 2.9 2.9V3.4a.9.9 0 0 1 .9-.9ZM3.5 16h13v1.8h-13z"/></svg></span></a>';
  }
  function listHtml(msgs, opts) {
    var out = '';
    var prev = null;
    msgs.forEach(function (m) {
      var h = messageHtml(m, prev, opts);
      out += h;
      prev = h ? m : prev;
    });
    return out;
  }

  // ------------------------------------------------------------------ rendering
  function render() {
    if (!S.boot || !S.state) return;
    S.buttons = {};
    S.btnSeq = 0;
    renderTopbar();
    renderSidebar();
    renderChannel();
    renderThread();
    renderSystems();
    renderOverlay();
    S.firstRender = false;
  }

  function renderTopbar() {
    var ch = channelById(S.channel);
    $('topbar-center').innerHTML = '<div class="topbar-search"><svg width="14" height="14" viewBox="0 0 20 20"><path fill="currentColor" d="M8.5 2a6.5 6.5 0 0 1 5.2 10.4l4 4-1.3 1.3-4-4A6.5 6.5 0 1 1 8.5 2Zm0 1.8a4.7 4.7 0 1 0 0 9.4 4.7 4.7 0 0 0 0-9.4Z"/></svg>' +
      'Search <b>' + esc(S.boot.team.name) + '</b>' + (ch ? ' \u00b7 #' + esc(ch.name) : '') + '</div>';
    $('topbar-right').innerHTML = '<span class="live' + (S.live ? '' : ' off') + '" title="Live updates from the emulators"><span class="live-dot"></span>' + (S.live ? 'Live' : 'Reconnecting\u2026') + '</span>' +
      '<a href="' + esc(S.boot.links.github) + '" target="_blank" rel="noopener">GitHub emulator \u2197</a>' +
      '<a href="/readyz" target="_blank" rel="noopener">/readyz</a>';
  }

  function renderSidebar() {
    var me = person(S.user);
    var counts = {};
    (S.state.channels || []).forEach(function (c) { counts[c.id] = c.count; });
    var html = '<div class="ws"><div class="ws-name">' + esc(S.boot.team.name) + '</div><div class="ws-sub">Emulated workspace \u00b7 ' + S.boot.users.length + ' people</div></div>';
    html += '<div class="side-section"><div class="side-title">Channels</div>';
    S.boot.channels.forEach(function (c) {
      var count = counts[c.id] || 0;
      if (c.id === S.channel) S.seen[c.id] = count;
      var unread = count > (S.seen[c.id] || 0) ? count - (S.seen[c.id] || 0) : 0;
      html += '<button type="button" class="side-item' + (c.id === S.channel ? ' active' : '') + (unread ? ' unread' : '') + '" data-channel="' + esc(c.id) + '">' +
        '<span class="hash">#</span><span class="name">' + esc(c.name) + '</span>' + (c.incident ? '<span class="inc-dot" title="Incident channel"></span>' : '') +
        (unread ? '<span class="badge">' + unread + '</span>' : '') + '</button>';
    });
    html += '</div><div class="side-section"><div class="side-title">Apps</div><div class="side-item" style="cursor:default"><img class="app-ico" src="/console/favicon.svg" alt=""><span class="name">shipgate</span></div></div>';
    html += '<div class="try"><div class="try-title">Try it</div>' + S.boot.tryCommands.map(function (t, i) {
      var p = person(t.as);
      var ch = channelById(t.channel);
      return '<button type="button" class="try-item" data-try="' + i + '"><code>' + esc(t.command) + '</code><span class="as">as ' + esc(p ? p.realName : t.as) + ' in #' + esc(ch ? ch.name : t.channel) + '</span></button>';
    }).join('') + '</div>';
    html += '<div class="side-spacer"></div><div class="acting"><div class="acting-label">Acting as</div>' +
      '<button type="button" class="acting-btn" id="acting-btn" aria-haspopup="listbox" aria-expanded="' + (S.userMenu ? 'true' : 'false') + '">' + avatar(S.user) +
      '<span class="acting-who"><div class="acting-name">' + esc(me ? me.realName : S.user) + '</div><div class="acting-role">' + esc(me ? me.title : '') + '</div></span><span class="acting-caret">\u25be</span></button>';
    if (S.userMenu) {
      html += '<div class="user-menu" role="listbox">' + S.boot.users.map(function (u) {
        return '<button type="button" class="user-opt' + (u.id === S.user ? ' current' : '') + '" role="option" data-user="' + esc(u.id) + '">' + avatar(u.id, 'sm') +
          '<span><div class="o-name">' + esc(u.realName) + '</div><div class="o-role">' + esc(u.title + ' \u00b7 ' + u.can) + '</div></span></button>';
      }).join('') + '</div>';
    }
    html += '</div>';
    $('sidebar').innerHTML = html;
  }

  function renderChannel() {
    var ch = channelById(S.channel);
    var members = S.boot.users.slice(0, 3).map(function (u) { return avatar(u.id, 'xs'); }).join('');
    $('channel-header').innerHTML = '<div class="ch-title"><span class="hash">#</span>' + esc(ch.name) + '</div><div class="ch-topic" title="' + esc(ch.topic) + '">' + inline(esc(ch.topic)) + '</div>' +
      '<div class="ch-members" title="Members"><span class="stack">' + members + '</span>' + (S.boot.users.length + 1) + '</div>';
    var input = $('composer-input');
    input.placeholder = 'Message #' + ch.name + (ch.incident ? ' \u2014 try /rollback' : ' \u2014 try /promote help');
    var box = $('messages');
    var atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    var html = '';
    if (ch.incident) html += '<div class="inc-banner"><span class="emoji">\ud83d\udea8</span><span><b>Incident channel.</b> It matches <code>incidents.channels</code>, so <b>/rollback</b> is allowed here.</span></div>';
    html += '<div class="intro"><h2>#' + esc(ch.name) + '</h2><p>This is the very beginning of <b>#' + esc(ch.name) + '</b>. ' +
      (ch.incident ? 'Roll back a bad release with /rollback; shipgate puts the last known-good build back.' : 'Promotions are requested, approved and evidenced here: one message per promotion, updated in place, with progress in its thread.') + '</p>' +
      '<div class="intro-cmds">' + S.boot.tryCommands.filter(function (t) { return t.channel === S.channel; }).map(function (t) {
        return '<button type="button" class="chip" data-try="' + S.boot.tryCommands.indexOf(t) + '"><code>' + esc(t.command) + '</code></button>';
      }).join('') + '</div></div>';
    html += '<div class="day-divider"><span>Today</span></div>';
    html += listHtml(S.state.messages || [], { replies: true });
    box.innerHTML = html;
    if (atBottom || S.stick) { box.scrollTop = box.scrollHeight; S.stick = false; }
  }

  function renderThread() {
    var app = $('app');
    var t = S.state.thread;
    if (!S.thread || !t) { app.classList.add('no-thread'); $('thread').innerHTML = ''; return; }
    app.classList.remove('no-thread');
    var ch = channelById(t.channel);
    var pane = $('thread');
    var body = pane.querySelector('.thread-body');
    var atBottom = !body || body.scrollHeight - body.scrollTop - body.clientHeight < 80;
    var draft = pane.querySelector('textarea') ? pane.querySelector('textarea').value : '';
    var hadFocus = document.activeElement && document.activeElement.id === 'thread-input';
    var n = t.replies.filter(function (r) { return r.kind !== 'ephemeral'; }).length;
    pane.innerHTML = '<div class="thread-header"><span class="thread-title">Thread</span><span class="thread-sub"># ' + esc(ch ? ch.name : '') + '</span>' +
      '<button type="button" class="icon-btn" data-close-thread="1" aria-label="Close thread" title="Close">\u2715</button></div>' +
      '<div class="thread-body">' + listHtml([t.parent], { noCompact: true }) + '<div class="thread-count">' + n + (n === 1 ? ' reply' : ' replies') + '</div>' + listHtml(t.replies, {}) + '</div>' +
      '<div class="composer-wrap"><form class="composer" id="thread-composer" autocomplete="off"><textarea id="thread-input" rows="1" placeholder="Reply\u2026" aria-label="Reply"></textarea>' +
      '<div class="composer-bar"><span class="composer-hint">Replies stay in the console</span><button type="submit" class="send-btn" aria-label="Send reply"><svg viewBox="0 0 20 20" width="16" height="16"><path d="M2.5 3.2 17.6 9.4c.5.2.5.9 0 1.2L2.5 16.8c-.5.2-1-.3-.8-.8L4 10 1.7 4c-.2-.5.3-1 .8-.8ZM5.2 10.7 3.7 14.5 14.6 10 3.7 5.5l1.5 3.8h5.3v1.4H5.2Z" fill="currentColor"/></svg></button></div></form></div>';
    var ta = $('thread-input');
    ta.value = draft;
    if (hadFocus) ta.focus();
    var nb = pane.querySelector('.thread-body');
    if (atBottom || S.stickThread) { nb.scrollTop = nb.scrollHeight; S.stickThread = false; }
  }

  var GH_ICON = '<svg class="gh-ico" viewBox="0 0 16 16"><path fill="currentColor" d="M8 0C3.6 0 0 3.6 0 8c0 3.5 2.3 6.5 5.5 7.6.4.1.5-.2.5-.4v-1.4c-2.2.5-2.7-1-2.7-1-.4-.9-.9-1.2-.9-1.2-.7-.5.1-.5.1-.5.8.1 1.2.8 1.2.8.7 1.3 1.9.9 2.4.7.1-.5.3-.9.5-1.1-1.8-.2-3.6-.9-3.6-4 0-.9.3-1.6.8-2.1-.1-.2-.4-1 .1-2.1 0 0 .7-.2 2.2.8.6-.2 1.3-.3 2-.3s1.4.1 2 .3c1.5-1 2.2-.8 2.2-.8.4 1.1.2 1.9.1 2.1.5.6.8 1.3.8 2.1 0 3.1-1.9 3.7-3.6 3.9.3.3.5.8.5 1.5v2.2c0 .2.1.5.6.4C13.7 14.5 16 11.5 16 8c0-4.4-3.6-8-8-8Z"/></svg>';

  function statusIcon(r) {
    var s = r.status === 'completed' ? (r.conclusion || 'neutral') : r.status;
    var glyph = s === 'success' ? '\u2713' : (s === 'failure' || s === 'cancelled' || s === 'timed_out') ? '\u2715' : '';
    var title = r.status === 'completed' ? r.conclusion : r.status.replace('_', ' ');
    return '<span class="st ' + esc(s) + '" title="' + esc(title) + '">' + glyph + '</span>';
  }

  function renderSystems() {
    var gh = S.state.github;
    var waiting = 0;
    gh.repos.forEach(function (r) { waiting += r.waiting.length; });
    var sn = S.state.servicenow;
    var tabs = '<div class="tabs" role="tablist">' +
      '<button type="button" class="tab' + (S.tab === 'github' ? ' active' : '') + '" data-tab="github" role="tab">' + GH_ICON + 'GitHub' + (waiting ? '<span class="count" title="Runs waiting for review">' + waiting + '</span>' : '') + '</button>' +
      '<button type="button" class="tab' + (S.tab === 'servicenow' ? ' active' : '') + '" data-tab="servicenow" role="tab">ServiceNow' + (sn ? '' : '<span class="soon">SOON</span>') + '</button>' +
      '<button type="button" class="tab' + (S.tab === 'guide' ? ' active' : '') + '" data-tab="guide" role="tab">Guide</button></div>';
    var body = S.tab === 'github' ? githubHtml(gh) : S.tab === 'servicenow' ? servicenowHtml(sn) : guideHtml();
    var scroller = $('systems').querySelector('.sys-body');
    var top = scroller ? scroller.scrollTop : 0;
    $('systems').innerHTML = tabs + '<div class="sys-body">' + body + '</div>';
    $('systems').querySelector('.sys-body').scrollTop = top;
  }

  function githubHtml(gh) {
    return gh.repos.map(function (repo) {
      var pipes = (S.state.pipelines || []).filter(function (p) { return p.repo === repo.name; });
      var svc = S.boot.services.filter(function (s) { return s.repo === repo.name; });
      var html = '<div class="card"><div class="card-head">' + GH_ICON + '<a class="card-title" href="' + esc(repo.url) + '" target="_blank" rel="noopener">' + esc(repo.name) + '</a>' +
        '<span class="card-sub">' + esc(svc.map(function (s) { return s.name + ' \u00b7 ' + s.strategy; }).join(', ')) + '</span></div>';
      pipes.forEach(function (p) {
        html += '<div class="card-section"><div class="sec-title">Running where (shipgate history)</div><div class="envs">' + p.envs.map(function (e) {
          return '<div class="env"><div class="env-name">' + esc(e.env) + '</div>' + (e.sha ? '<a class="env-sha" href="' + esc(e.url) + '" target="_blank" rel="noopener">' + esc(short(e.sha)) + '</a><div class="env-age">' + esc(ago(e.at)) + '</div>' : '<div class="env-age">\u2014</div>') + '</div>';
        }).join('') + '</div></div>';
      });
      html += '<div class="card-section"><div class="sec-title">Branches</div><div class="branches">' + repo.branches.map(function (b) {
        return '<span class="branch"><b>' + esc(b.name) + '</b>' + (b.sha ? '<a href="' + esc(b.url) + '" target="_blank" rel="noopener">' + esc(short(b.sha)) + '</a>' : '') + '</span>';
      }).join('') + '</div></div>';
      if (repo.waiting.length) {
        html += '<div class="card-section">' + repo.waiting.map(function (r) {
          return '<div class="waiting"><span class="emoji">\u23f8\ufe0f</span><span><b>' + esc(r.name) + ' #' + esc(r.number) + '</b> is waiting for review on <b>' + esc(r.environment || 'an environment') + '</b>. ' +
            '<a href="' + esc(r.url) + '" target="_blank" rel="noopener">Open run \u2197</a></span></div>';
        }).join('') + '</div>';
      }
      html += '<div class="card-section"><div class="sec-title">Workflow runs \u00b7 ' + repo.totalRuns + '</div>' + (repo.runs.length ? repo.runs.map(function (r) {
        return '<div class="row">' + statusIcon(r) + '<div class="row-main"><a class="row-title" href="' + esc(r.url) + '" target="_blank" rel="noopener">' + esc(r.name) + ' #' + esc(r.number) + ' <span style="font-weight:400;color:#616061">' + esc(r.title || '') + '</span></a>' +
          '<div class="row-meta">' + esc(r.event === 'workflow_dispatch' ? 'dispatch' : r.event) + ' \u00b7 ' + esc(r.branch) + ' \u00b7 <code>' + esc(short(r.sha)) + '</code>' + (r.environment ? ' \u00b7 ' + esc(r.environment) : '') + '</div></div>' +
          '<span class="row-age">' + esc(ago(r.createdAt)) + '</span></div>';
      }).join('') : '<div class="empty">No runs yet</div>') + '</div>';
      if (repo.pulls.length) {
        html += '<div class="card-section"><div class="sec-title">Pull requests</div>' + repo.pulls.map(function (p) {
          var st = p.merged ? 'merged' : p.state;
          return '<div class="row"><span class="pill ' + st + '">' + (st.charAt(0).toUpperCase() + st.slice(1)) + '</span><div class="row-main"><a class="row-title" href="' + esc(p.url) + '" target="_blank" rel="noopener">#' + esc(p.number) + ' ' + esc(p.title) + '</a>' +
            '<div class="row-meta">' + esc(p.head) + ' \u2192 ' + esc(p.base) + '</div></div><span class="row-age">' + esc(ago(p.updatedAt)) + '</span></div>';
        }).join('') + '</div>';
      }
      return html + '</div>';
    }).join('');
  }

  function sortChanges(list) {
    var rank = function (c) { return /^(closed|canceled|cancelled)$/i.test(c.state) ? 1 : 0; };
    return list.slice().sort(function (a, b) { return rank(a) - rank(b) || (a.number < b.number ? 1 : a.number > b.number ? -1 : 0); });
  }
  function servicenowHtml(sn) {
    if (!sn) {
      return '<div class="card"><div class="placeholder"><div class="ph-ico">\ud83e\uddfe</div><h3>ServiceNow is not connected</h3>' +
        '<p>Change records (<code>CHG\u2026</code>) and incidents (<code>INC\u2026</code>) of the emulated ServiceNow appear here when it answers.</p></div></div>';
    }
    var html = '<div class="card"><div class="card-head"><span class="card-title">Change requests</span><a class="card-sub" href="' + esc(sn.url) + '" target="_blank" rel="noopener">instance \u2197</a></div><div class="card-section">' +
      (sn.changes.length ? sortChanges(sn.changes).map(function (c) {
        var appr = String(c.approval).toLowerCase();
        var done = /^(closed|canceled|cancelled)$/i.test(c.state);
        return '<div class="row"><span class="pill ' + (done ? 'muted' : appr === 'approved' ? 'open' : appr === 'rejected' ? 'closed' : 'merged') + '">' + esc(c.approval) + '</span><div class="row-main"><a class="row-title" href="' + esc(c.url) + '" target="_blank" rel="noopener">' + esc(c.number) + ' ' + esc(c.shortDescription) + '</a>' +
          '<div class="row-meta">' + esc(c.state) + (c.ci ? ' \u00b7 ' + esc(c.ci) : '') + (c.window ? ' \u00b7 ' + esc(c.window) : '') + '</div></div></div>';
      }).join('') : '<div class="empty">No change requests</div>') + '</div></div>';
    html += '<div class="card"><div class="card-head"><span class="card-title">Incidents</span></div><div class="card-section">' +
      (sn.incidents.length ? sn.incidents.slice().reverse().map(function (i) {
        var sev = /^(resolved|closed|canceled)$/i.test(i.state) ? 'muted' : /^[12]\b/.test(String(i.priority)) ? 'closed' : 'merged';
        return '<div class="row"><span class="pill ' + sev + '">' + esc(i.priority) + '</span><div class="row-main"><a class="row-title" href="' + esc(i.url) + '" target="_blank" rel="noopener">' + esc(i.number) + ' ' + esc(i.shortDescription) + '</a>' +
          '<div class="row-meta">' + esc(i.state) + (i.ci ? ' \u00b7 ' + esc(i.ci) : '') + '</div></div></div>';
      }).join('') : '<div class="empty">No open incidents</div>') + '</div></div>';
    return html;
  }

  function guideHtml() {
    var b = S.boot;
    var steps = b.tryCommands.map(function (t, i) {
      var p = person(t.as);
      var ch = channelById(t.channel);
      return '<li>As <b>' + esc(p ? p.realName : t.as) + '</b> in <b>#' + esc(ch ? ch.name : '') + '</b>: <a href="#" data-try="' + i + '"><code>' + esc(t.command) + '</code></a>' + (t.then ? ' \u2014 ' + esc(t.then) : '') + '</li>';
    }).join('');
    var people = b.users.map(function (u) {
      return '<div class="row">' + avatar(u.id, 'sm') + '<div class="row-main"><span class="row-title">' + esc(u.realName) + ' <span style="font-weight:400;color:#616061">@' + esc(u.name) + '</span></span><div class="row-meta">' + esc(u.title + ' \u00b7 ' + u.can) + '</div></div></div>';
    }).join('');
    var services = b.services.map(function (s) { return '<li><b>' + esc(s.name) + '</b> (' + esc(s.repo) + ', ' + esc(s.strategy) + '): ' + esc(s.pipeline.join(' \u2192 ')) + '</li>'; }).join('');
    return '<div class="guide"><div class="card"><div class="card-section"><h3>Try it</h3><ol>' + steps + '</ol></div></div>' +
      '<div class="card"><div class="card-section people"><h3>Demo people</h3>' + people + '</div></div>' +
      '<div class="card"><div class="card-section"><h3>Services</h3><ul>' + services + '</ul></div></div>' +
      '<div class="card"><div class="card-section"><h3>Move to a real workspace</h3><ol>' +
      '<li>Create the Slack app from <code>manifest.yml</code> (api.slack.com/apps \u2192 Create New App \u2192 From a manifest) and install it.</li>' +
      '<li>Write your <code>shipgate.yml</code> (start from <code>examples/shipgate.yml</code>) and run <code>shipgate config validate</code>.</li>' +
      '<li>Set <code>SLACK_BOT_TOKEN</code>, <code>SLACK_APP_TOKEN</code> (Socket Mode) or <code>SLACK_SIGNING_SECRET</code>, <code>GITHUB_TOKEN</code> (or a GitHub App), <code>SERVICENOW_INSTANCE_URL</code> + credentials, <code>REDIS_URL</code>.</li>' +
      '<li>Run <code>shipgate serve</code>.</li></ol></div></div>' +
      '<div class="card"><div class="card-section"><h3>This sandbox</h3><dl class="kv"><dt>Redis</dt><dd>' + esc(b.redis) + '</dd><dt>Slack API</dt><dd>' + esc(b.links.slack) + '/api</dd><dt>GitHub API</dt><dd>' + esc(b.links.github) + '</dd></dl></div></div></div>';
  }

  function renderOverlay() {
    var ov = $('overlay');
    if (S.confirm) {
      var c = S.confirm.confirm;
      var danger = c.style === 'danger';
      ov.innerHTML = '<div class="backdrop" data-backdrop="confirm"><div class="dialog small" role="dialog" aria-modal="true" aria-labelledby="confirm-title">' +
        '<div class="dialog-head"><span class="dialog-title" id="confirm-title">' + textObj(c.title) + '</span></div>' +
        '<div class="dialog-body confirm-text">' + textObj(c.text) + '</div>' +
        '<div class="dialog-foot"><button type="button" class="btn" data-confirm="deny">' + esc(plainOf(c.deny) || 'Cancel') + '</button>' +
        '<button type="button" class="btn ' + (danger ? 'danger' : 'primary') + '" data-confirm="ok">' + esc(plainOf(c.confirm) || 'OK') + '</button></div></div></div>';
      S.viewKey = null;
      return;
    }
    var v = S.state.view;
    if (!v) { ov.innerHTML = ''; S.viewKey = null; return; }
    var key = v.id + ':' + v.view.hash + ':' + JSON.stringify(v.errors || null);
    if (key === S.viewKey && ov.firstChild) return;
    var kept = {};
    if (S.viewKey && S.viewKey.split(':')[0] === v.id) {
      Array.prototype.forEach.call(ov.querySelectorAll('[data-input]'), function (el) { kept[el.id] = el.multiple ? Array.prototype.map.call(el.selectedOptions, function (o) { return o.value; }) : el.value; });
    }
    S.viewKey = key;
    var view = v.view;
    ov.innerHTML = '<div class="backdrop" data-backdrop="view"><form class="dialog" id="view-form" role="dialog" aria-modal="true" aria-labelledby="view-title" data-view="' + esc(view.id) + '">' +
      '<div class="dialog-head"><img src="/console/favicon.svg" alt=""><span class="dialog-title" id="view-title">' + textObj(view.title) + '</span>' +
      '<button type="button" class="icon-btn" data-close-view="1" aria-label="Close">\u2715</button></div>' +
      '<div class="dialog-body">' + renderBlocks(view.blocks, { viewId: view.id }) + '</div>' +
      '<div class="dialog-foot"><button type="button" class="btn" data-close-view="1">' + esc(plainOf(view.close) || 'Cancel') + '</button>' +
      (view.submit ? '<button type="submit" class="btn primary" id="view-submit">' + esc(plainOf(view.submit)) + '</button>' : '') + '</div></form></div>';
    Array.prototype.forEach.call(ov.querySelectorAll('[data-input]'), function (el) {
      if (kept[el.id] === undefined) return;
      if (el.multiple) Array.prototype.forEach.call(el.options, function (o) { o.selected = kept[el.id].indexOf(o.value) >= 0; });
      else el.value = kept[el.id];
    });
    var first = ov.querySelector('.has-error [data-input]') || ov.querySelector('[data-input]');
    if (first) first.focus();
  }

  // ------------------------------------------------------------------ data
  function refresh() {
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
  function connect() {
    var es = new EventSource('/console/api/events');
    es.addEventListener('change', function () { if (!S.live) { S.live = true; } refresh(); });
    es.onopen = function () { S.live = true; renderTopbarSafe(); };
    es.onerror = function () { S.live = false; renderTopbarSafe(); };
  }
  function renderTopbarSafe() { if (S.boot && S.state) renderTopbar(); }

  // ------------------------------------------------------------------ actions
  function switchUser(id) {
    if (id === S.user) { S.userMenu = false; render(); return; }
    S.user = id;
    S.userMenu = false;
    try { localStorage.setItem('shipgate.sandbox.user', id); } catch (e) { /* private mode */ }
    var p = person(id);
    toast('Now acting as ' + (p ? p.realName + ' (' + p.title + ')' : id));
    S.viewKey = null;
    S.firstRender = true;
    refresh();
  }
  function switchChannel(id) {
    if (!channelById(id)) return;
    S.channel = id;
    S.thread = null;
    S.stick = true;
    S.firstRender = true;
    try { localStorage.setItem('shipgate.sandbox.channel', id); } catch (e) { /* private mode */ }
    refresh();
  }
  function openThread(ts) { S.thread = ts; S.stickThread = true; refresh(); }

  function clickButton(id, el) {
    var b = S.buttons[id];
    if (!b) return;
    if (b.url) window.open(b.url, '_blank', 'noopener');
    if (b.confirm) { S.confirm = b; S.confirmEl = el; renderOverlay(); var ok = document.querySelector('[data-confirm="ok"]'); if (ok) ok.focus(); return; }
    sendAction(b, el);
  }
  function sendAction(b, el) {
    if (el) el.classList.add('busy');
    var body = { user: S.user, actionId: b.actionId, blockId: b.blockId, value: b.value };
    if (b.ctx.viewId) body.viewId = b.ctx.viewId;
    else { body.channel = b.ctx.channel; body.messageTs = b.ctx.messageTs; }
    api('POST', '/console/api/action', body)
      .catch(function (e) { toast('Click failed: ' + e.message, 'error'); })
      .then(function () { if (el) el.classList.remove('busy'); refresh(); });
  }

  function sendComposer(text, threadTs) {
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

  function viewValues(form) {
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
      values[block] = values[block] || {};
      values[block][action] = v;
    });
    return values;
  }
  function submitView(form) {
    var viewId = form.getAttribute('data-view');
    var btn = $('view-submit');
    if (btn) btn.disabled = true;
    api('POST', '/console/api/view/submit', { user: S.user, viewId: viewId, values: viewValues(form) })
      .then(function (r) { if (r.error) toast('The app did not answer: ' + r.error, 'error'); })
      .catch(function (e) { toast('Submit failed: ' + e.message, 'error'); })
      .then(function () { if (btn) btn.disabled = false; S.viewKey = null; refresh(); });
  }
  function closeView() {
    var form = $('view-form');
    if (!form) return;
    var viewId = form.getAttribute('data-view');
    $('overlay').innerHTML = '';
    S.viewKey = null;
    api('POST', '/console/api/view/close', { user: S.user, viewId: viewId }).then(refresh, refresh);
  }

  function useTry(i) {
    var t = S.boot.tryCommands[i];
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

  // ------------------------------------------------------------------ composer
  function autosize(ta) { ta.style.height = 'auto'; ta.style.height = Math.min(ta.scrollHeight, 180) + 'px'; }
  function updateSend() { $('send-btn').classList.toggle('ready', $('composer-input').value.trim() !== ''); }
  function slashMatches(value) {
    if (!/^\/[\w-]*$/.test(value)) return [];
    return S.boot.commands.filter(function (c) { return c.command.indexOf(value.toLowerCase()) === 0; });
  }
  function renderSlash() {
    var menu = $('slash-menu');
    var list = slashMatches($('composer-input').value);
    if (!list.length) { menu.hidden = true; return; }
    if (S.slashIndex >= list.length) S.slashIndex = 0;
    menu.hidden = false;
    menu.innerHTML = '<div class="slash-head">Commands of <b>shipgate</b></div>' + list.map(function (c, i) {
      return '<button type="button" class="slash-opt' + (i === S.slashIndex ? ' sel' : '') + '" data-slash="' + esc(c.command) + '"><span class="slash-cmd">' + esc(c.command) + '</span><span class="slash-hint">' + esc(c.hint) + '</span><span class="slash-desc">' + esc(c.description) + '</span></button>';
    }).join('');
  }
  function pickSlash(cmd) {
    var input = $('composer-input');
    input.value = cmd + ' ';
    $('slash-menu').hidden = true;
    updateSend();
    input.focus();
  }

  function bindEvents() {
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
      if ((el = t.closest('[data-try]'))) { e.preventDefault(); useTry(Number(el.getAttribute('data-try'))); return; }
      if ((el = t.closest('[data-slash]'))) { pickSlash(el.getAttribute('data-slash')); return; }
      if (S.userMenu && !t.closest('.acting')) { S.userMenu = false; renderSidebar(); }
    });
  }

  // ------------------------------------------------------------------ start
  function start() {
    fetch('/console/api/bootstrap').then(function (r) { return r.json(); }).then(function (boot) {
      S.boot = boot;
      var saved = null;
      var savedChannel = null;
      try { saved = localStorage.getItem('shipgate.sandbox.user'); savedChannel = localStorage.getItem('shipgate.sandbox.channel'); } catch (e) { /* private mode */ }
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
})();
`;
