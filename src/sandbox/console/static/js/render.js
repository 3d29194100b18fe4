import { renderBlocks } from './block-kit.js';
import { ago, avatar, channelById, esc, person, short } from './helpers.js';
import { listHtml } from './messages.js';
import { inline, plainOf, textObj } from './mrkdwn.js';
import { $, S } from './state.js';

export function render() {
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

export function renderTopbar() {
  var ch = channelById(S.channel);
  $('topbar-center').innerHTML = '<div class="topbar-search"><svg width="14" height="14" viewBox="0 0 20 20"><path fill="currentColor" d="M8.5 2a6.5 6.5 0 0 1 5.2 10.4l4 4-1.3 1.3-4-4A6.5 6.5 0 1 1 8.5 2Zm0 1.8a4.7 4.7 0 1 0 0 9.4 4.7 4.7 0 0 0 0-9.4Z"/></svg>' +
    'Search <b>' + esc(S.boot.team.name) + '</b>' + (ch ? ' \u00b7 #' + esc(ch.name) : '') + '</div>';
  $('topbar-right').innerHTML = '<span class="live' + (S.live ? '' : ' off') + '" title="Live updates from the emulators"><span class="live-dot"></span>' + (S.live ? 'Live' : 'Reconnecting\u2026') + '</span>' +
    '<a href="' + esc(S.boot.links.github) + '" target="_blank" rel="noopener">GitHub emulator \u2197</a>' +
    '<a href="/readyz" target="_blank" rel="noopener">/readyz</a>';
}

export function renderSidebar() {
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

export function renderChannel() {
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

export function renderThread() {
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

export var GH_ICON = '<svg class="gh-ico" viewBox="0 0 16 16"><path fill="currentColor" d="M8 0C3.6 0 0 3.6 0 8c0 3.5 2.3 6.5 5.5 7.6.4.1.5-.2.5-.4v-1.4c-2.2.5-2.7-1-2.7-1-.4-.9-.9-1.2-.9-1.2-.7-.5.1-.5.1-.5.8.1 1.2.8 1.2.8.7 1.3 1.9.9 2.4.7.1-.5.3-.9.5-1.1-1.8-.2-3.6-.9-3.6-4 0-.9.3-1.6.8-2.1-.1-.2-.4-1 .1-2.1 0 0 .7-.2 2.2.8.6-.2 1.3-.3 2-.3s1.4.1 2 .3c1.5-1 2.2-.8 2.2-.8.4 1.1.2 1.9.1 2.1.5.6.8 1.3.8 2.1 0 3.1-1.9 3.7-3.6 3.9.3.3.5.8.5 1.5v2.2c0 .2.1.5.6.4C13.7 14.5 16 11.5 16 8c0-4.4-3.6-8-8-8Z"/></svg>';

export function statusIcon(r) {
  var s = r.status === 'completed' ? (r.conclusion || 'neutral') : r.status;
  var glyph = s === 'success' ? '\u2713' : (s === 'failure' || s === 'cancelled' || s === 'timed_out') ? '\u2715' : '';
  var title = r.status === 'completed' ? r.conclusion : r.status.replace('_', ' ');
  return '<span class="st ' + esc(s) + '" title="' + esc(title) + '">' + glyph + '</span>';
}

export function renderSystems() {
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

export function githubHtml(gh) {
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
    var trigger = svc.filter(function (s) { return s.pushTrigger === 'main'; })[0];
    html += '<div class="card-section"><div class="sec-title">Branches</div><div class="branches">' + repo.branches.map(function (b) {
      return '<span class="branch"><b>' + esc(b.name) + '</b>' + (b.sha ? '<a href="' + esc(b.url) + '" target="_blank" rel="noopener">' + esc(short(b.sha)) + '</a>' : '') + '</span>';
    }).join('') + '</div>' + (trigger ? '<button type="button" class="merge-main" data-merge="' + esc(repo.name) + '" title="Merge a change into main as the person you act as; GitHub sends the push webhook and ' + esc(trigger.name) + '\u2019s trigger starts ' + esc(String(trigger.pipeline).split(' \u2192 ')[0]) + '">Merge to main</button>' : '') + '</div>';
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

export function sortChanges(list) {
  var rank = function (c) { return /^(closed|canceled|cancelled)$/i.test(c.state) ? 1 : 0; };
  return list.slice().sort(function (a, b) { return rank(a) - rank(b) || (a.number < b.number ? 1 : a.number > b.number ? -1 : 0); });
}
export function servicenowHtml(sn) {
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

export function guideHtml() {
  var b = S.boot;
  var steps = b.tryCommands.map(function (t, i) {
    var p = person(t.as);
    var ch = channelById(t.channel);
    return '<li>As <b>' + esc(p ? p.realName : t.as) + '</b> in <b>#' + esc(ch ? ch.name : '') + '</b>: <a href="#" data-try="' + i + '"><code>' + esc(t.command) + '</code></a>' + (t.then ? ' \u2014 ' + esc(t.then) : '') + '</li>';
  }).join('');
  var people = b.users.map(function (u) {
    return '<div class="row">' + avatar(u.id, 'sm') + '<div class="row-main"><span class="row-title">' + esc(u.realName) + ' <span style="font-weight:400;color:#616061">@' + esc(u.name) + '</span></span><div class="row-meta">' + esc(u.title + ' \u00b7 ' + u.can) + '</div></div></div>';
  }).join('');
  var so = b.signOffDemo;
  var signOff = so ? '<div class="card"><div class="card-section"><h3>Sign-off rules and a checklist</h3><p>' +
    '<b>surveillance-prod</b> needs three sign-offs (release manager, data engineering, business owner) and a checklist the requester ticks before the request exists.</p><ol>' +
    '<li>As <b>' + esc((person(so.as) || {}).realName || so.as) + '</b>: <a href="#" data-try-signoff="1"><code>' + esc(so.command) + '</code></a> \u2014 ' + esc(so.then) + '</li>' +
    so.steps.map(function (t) { return '<li>' + esc(t) + '</li>'; }).join('') + '</ol></div></div>' : '';
  var services = b.services.map(function (s) { return '<li><b>' + esc(s.name) + '</b> (' + esc(s.repo) + ', ' + esc(s.strategy) + '): ' + esc(s.pipeline) + '</li>'; }).join('');
  return '<div class="guide"><div class="card"><div class="card-section"><h3>Try it</h3><ol>' + steps + '</ol></div></div>' +
    signOff +
    '<div class="card"><div class="card-section people"><h3>Demo people</h3>' + people + '</div></div>' +
    '<div class="card"><div class="card-section"><h3>Services</h3><ul>' + services + '</ul></div></div>' +
    '<div class="card"><div class="card-section"><h3>Cycles and metrics gates</h3><p><b>cycles</b>: prod needs 2 successful <code>surveillance-pipeline.yml</code> runs on the candidate in the source environment (int / test) since it was deployed there. The seed ran them, so the prod card shows <i>2 of 2 cycles</i> with their links; a new candidate starts at 0 and an approved promotion waits for the runs.</p>' +
    '<p><b>metrics</b>: Prometheus instant queries with <code>max</code>/<code>min</code>, shown as <i>error rate 0.004 \u2264 0.01</i>. Here a Prometheus emulator answers the demo query (0.004); for a real Prometheus set <code>PROMETHEUS_URL</code> and start with <code>--config</code> and a copy of the demo config whose query it answers (docs/sandbox.md).</p></div></div>' +
    '<div class="card"><div class="card-section"><h3>Parallel stages and hotfixes</h3><ul>' +
    '<li><b>risk-models</b> runs <code>dev \u2192 [perf | security] \u2192 staging \u2192 prod</code>: perf and security are promoted from dev one at a time (<code>/promote risk-models perf</code>); staging takes a build only once it succeeded in <b>both</b>, and the card names the member that lacks it.</li>' +
    '<li><code>/promote risk-models prod hotfix=INC0012345 cr=CHG0030005</code>: while INC0012345 is open on risk-models in ServiceNow, prod\u2019s soak drops from 24h to 1h (<code>hotfix: { soak: 1h }</code>). Approvals, freezes, the change record and the path still apply. A resolved incident (INC0012301) or ServiceNow being down leaves the normal gates, and the card says why.</li>' +
    '</ul></div></div>' +
    '<div class="card"><div class="card-section"><h3>From a merge, and plan review</h3><ul>' +
    '<li><b>dbt-analytics</b> (runbook 004, dbt on Databricks): in the GitHub tab, <b>Merge to main</b> on <code>acme/analytics</code>. The push starts <code>dbt-staging</code> by itself (<code>trigger: { push: main }</code>, <code>promote: auto</code>): the Databricks staging job runs, then the smoke tests (<code>verify: smoke.yml</code>); once they pass, shipgate asks for <code>dbt-prod</code> in #releases on behalf of the person who merged (<code>promote: request</code>), who cannot approve it. Approve as Dana Data: the prod job runs at the same commit and the thread summarises dbt\u2019s <code>run_results.json</code>. <b>webapp</b> (<code>acme/webapp</code>) is the same flow with a workflow deploy.</li>' +
    '<li><b>markets-infra</b> (runbook 001 option A): <code>/promote markets-infra prod cr=CHG0030001</code> runs the terraform plan first; <code>plan.md</code> lands in the thread and its summary on the card. Approvals count for that plan only (<b>Re-plan</b> voids them), and the apply run receives the reviewed plan\u2019s artifact id.</li>' +
    '</ul></div></div>' +
    '<div class="card"><div class="card-section"><h3>Move to a real workspace</h3><ol>' +
    '<li>Create the Slack app from <code>manifest.yml</code> (api.slack.com/apps \u2192 Create New App \u2192 From a manifest) and install it.</li>' +
    '<li>Write your <code>shipgate.yml</code> (start from <code>examples/shipgate.yml</code>) and run <code>shipgate config validate</code>.</li>' +
    '<li>Set <code>SLACK_BOT_TOKEN</code>, <code>SLACK_APP_TOKEN</code> (Socket Mode) or <code>SLACK_SIGNING_SECRET</code>, <code>GITHUB_TOKEN</code> (or a GitHub App), <code>SERVICENOW_INSTANCE_URL</code> + credentials, <code>REDIS_URL</code>.</li>' +
    '<li>Run <code>shipgate serve</code>.</li></ol></div></div>' +
    '<div class="card"><div class="card-section"><h3>This sandbox</h3><dl class="kv"><dt>Redis</dt><dd>' + esc(b.redis) + '</dd><dt>Slack API</dt><dd>' + esc(b.links.slack) + '/api</dd><dt>GitHub API</dt><dd>' + esc(b.links.github) + '</dd></dl></div></div></div>';
}

export function renderOverlay() {
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
    Array.prototype.forEach.call(ov.querySelectorAll('[data-input]'), function (el) {
      if (el.getAttribute('data-type') === 'checkboxes') kept[el.id] = Array.prototype.filter.call(el.querySelectorAll('input[type=checkbox]'), function (c) { return c.checked; }).map(function (c) { return c.value; });
      else kept[el.id] = el.multiple ? Array.prototype.map.call(el.selectedOptions, function (o) { return o.value; }) : el.value;
    });
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
    if (el.getAttribute('data-type') === 'checkboxes') Array.prototype.forEach.call(el.querySelectorAll('input[type=checkbox]'), function (c) { c.checked = kept[el.id].indexOf(c.value) >= 0; });
    else if (el.multiple) Array.prototype.forEach.call(el.options, function (o) { o.selected = kept[el.id].indexOf(o.value) >= 0; });
    else el.value = kept[el.id];
  });
  var first = ov.querySelector('.has-error [data-input]') || ov.querySelector('[data-input]');
  if (first) first.focus();
}
