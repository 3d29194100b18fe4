import { channelById, esc, group, safeUrl } from './helpers.js';
import { emojiHtml, mentionHtml, plainOf, textObj } from './mrkdwn.js';
import { S } from './state.js';

export function registerButton(el, block, ctx) {
  var id = 'b' + (++S.btnSeq);
  S.buttons[id] = { actionId: el.action_id, blockId: block && block.block_id, value: el.value, confirm: el.confirm || null, url: el.url || null, ctx: ctx, label: plainOf(el.text) };
  return id;
}
export function renderElement(el, block, ctx) {
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
export function renderBlocks(blocks, ctx) {
  return '<div class="bk">' + (blocks || []).map(function (b) { return renderBlock(b, ctx); }).join('') + '</div>';
}
export function renderBlock(b, ctx) {
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
export function richBlock(el) {
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
export function richInline(els) {
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
export function renderInput(b) {
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
    case 'checkboxes': {
      var initialValues = (el.initial_options || []).map(function (o) { return o.value; });
      control = '<div class="bk-checkboxes"' + attrs + '>' + (el.options || []).map(function (o, k) {
        return '<label class="bk-checkbox"><input type="checkbox" id="cb-' + esc(b.block_id) + '-' + k + '" value="' + esc(o.value) + '" data-text="' + esc(plainOf(o.text)) + '"' + (initialValues.indexOf(o.value) >= 0 ? ' checked' : '') + '> ' + textObj(o.text) + '</label>';
      }).join('') + '</div>';
      break;
    }
    default:
      control = '<span class="bk-unknown">[' + esc(el.type) + ' input]</span>';
  }
  return '<div class="field' + (err ? ' has-error' : '') + '"><label for="in-' + esc(b.block_id) + '">' + esc(plainOf(b.label)) + (b.optional ? ' <span class="opt">(optional)</span>' : '') + '</label>' + control +
    (err ? '<div class="err">' + esc(err) + '</div>' : b.hint ? '<div class="hint">' + textObj(b.hint) + '</div>' : '') + '</div>';
}
