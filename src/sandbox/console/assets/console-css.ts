/** The console's stylesheet: a clean, Slack-like channel view (no external fonts or assets). */
export const CONSOLE_CSS = `
:root {
  --font: Lato, "Slack-Lato", -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif, "Apple Color Emoji", "Noto Color Emoji", "Segoe UI Emoji";
  --mono: "SFMono-Regular", Monaco, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
  --top: #2c0f36;
  --side: #3b1247;
  --side-hover: #4c1c5a;
  --side-text: #d9cde0;
  --side-muted: #ab98b5;
  --active: #1164a3;
  --text: #1d1c1d;
  --muted: #616061;
  --faint: #8b8a8b;
  --line: #e5e3e5;
  --line-soft: #efedef;
  --bg: #ffffff;
  --panel: #f8f7f9;
  --link: #1264a3;
  --green: #007a5a;
  --green-soft: #e3f4ee;
  --red: #e01e5a;
  --red-soft: #fde8ee;
  --amber: #e8912d;
  --amber-soft: #fdf2e3;
  --purple: #6f42c1;
  --mention: #e8f5fa;
  --mention-text: #1264a3;
  --mention-me: #fdf3c6;
  --shadow: 0 4px 12px rgba(0,0,0,.12), 0 0 0 1px rgba(0,0,0,.06);
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { font-family: var(--font); font-size: 15px; line-height: 1.46668; color: var(--text); background: var(--top); -webkit-font-smoothing: antialiased; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
button { font-family: inherit; }
[hidden] { display: none !important; }

/* ---------------------------------------------------------------- layout */
.app { display: grid; height: 100vh; grid-template-rows: 44px minmax(0, 1fr); grid-template-columns: 252px minmax(420px, 1fr) 420px 372px; grid-template-areas: "top top top top" "side chan thread sys"; }
.app.no-thread { grid-template-columns: 252px minmax(420px, 1fr) 0 372px; }
.app.no-thread .thread { display: none; }
.topbar { grid-area: top; display: flex; align-items: center; gap: 16px; padding: 0 14px; background: var(--top); color: #fff; border-bottom: 1px solid rgba(255,255,255,.08); }
.sidebar { grid-area: side; background: var(--side); color: var(--side-text); overflow-y: auto; display: flex; flex-direction: column; }
.channel { grid-area: chan; background: var(--bg); display: flex; flex-direction: column; min-width: 0; border-top-left-radius: 8px; }
.thread { grid-area: thread; background: var(--bg); border-left: 1px solid var(--line); display: flex; flex-direction: column; min-width: 0; }
.systems { grid-area: sys; background: var(--panel); border-left: 1px solid var(--line); display: flex; flex-direction: column; min-width: 0; }
@media (max-width: 1320px) { .app { grid-template-columns: 232px minmax(380px, 1fr) 380px 0; } .app.no-thread { grid-template-columns: 232px minmax(380px, 1fr) 0 340px; } .app:not(.no-thread) .systems { display: none; } }

/* ---------------------------------------------------------------- top bar */
.brand { display: flex; align-items: center; gap: 8px; min-width: 220px; }
.brand-logo { width: 24px; height: 24px; border-radius: 6px; }
.brand-name { font-weight: 900; font-size: 16px; letter-spacing: .2px; }
.brand-tag { font-size: 10px; font-weight: 800; letter-spacing: .8px; text-transform: uppercase; color: #f7d774; border: 1px solid rgba(247,215,116,.5); border-radius: 4px; padding: 1px 6px; }
.topbar-center { flex: 1; display: flex; justify-content: center; }
.topbar-search { width: min(560px, 100%); height: 28px; border-radius: 6px; background: rgba(255,255,255,.14); color: rgba(255,255,255,.82); display: flex; align-items: center; gap: 8px; padding: 0 10px; font-size: 13px; }
.topbar-search b { color: #fff; font-weight: 700; }
.topbar-right { display: flex; align-items: center; gap: 14px; font-size: 12.5px; }
.topbar-right a { color: rgba(255,255,255,.78); }
.topbar-right a:hover { color: #fff; text-decoration: none; }
.live { display: inline-flex; align-items: center; gap: 6px; color: rgba(255,255,255,.8); }
.live-dot { width: 8px; height: 8px; border-radius: 50%; background: #2bac76; box-shadow: 0 0 0 3px rgba(43,172,118,.25); }
.live.off .live-dot { background: var(--amber); box-shadow: 0 0 0 3px rgba(232,145,45,.25); }

/* ---------------------------------------------------------------- sidebar */
.ws { padding: 14px 16px 12px; border-bottom: 1px solid rgba(255,255,255,.1); }
.ws-name { color: #fff; font-weight: 900; font-size: 17px; line-height: 1.25; }
.ws-sub { font-size: 12.5px; color: var(--side-muted); margin-top: 2px; }
.side-section { padding: 12px 8px 4px; }
.side-title { font-size: 13px; color: var(--side-muted); padding: 0 10px 4px; display: flex; align-items: center; gap: 6px; }
.side-item { display: flex; align-items: center; gap: 8px; width: 100%; height: 28px; padding: 0 10px; border: 0; background: transparent; color: var(--side-text); font-size: 15px; border-radius: 6px; cursor: pointer; text-align: left; }
.side-item:hover { background: var(--side-hover); }
.side-item.active { background: var(--active); color: #fff; }
.side-item.unread { color: #fff; font-weight: 800; }
.side-item .hash { width: 16px; text-align: center; opacity: .8; font-weight: 400; }
.side-item .name { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.side-item .badge { background: var(--red); color: #fff; font-size: 11px; font-weight: 800; border-radius: 9px; padding: 0 6px; line-height: 18px; }
.inc-dot { width: 7px; height: 7px; border-radius: 50%; background: #ff5d7e; flex: none; }
.side-item .app-ico { width: 18px; height: 18px; border-radius: 4px; }
.side-spacer { flex: 1; }
.acting { margin: 10px 10px 12px; border-radius: 10px; background: rgba(0,0,0,.22); padding: 10px; }
.acting-label { font-size: 11px; text-transform: uppercase; letter-spacing: .7px; color: var(--side-muted); font-weight: 700; margin-bottom: 6px; }
.acting-btn { display: flex; align-items: center; gap: 10px; width: 100%; border: 0; border-radius: 8px; background: rgba(255,255,255,.08); padding: 8px; cursor: pointer; color: #fff; text-align: left; }
.acting-btn:hover { background: rgba(255,255,255,.14); }
.acting-who { flex: 1; min-width: 0; }
.acting-name { font-weight: 800; font-size: 14px; }
.acting-role { font-size: 12px; color: var(--side-muted); }
.acting-caret { opacity: .7; }
.user-menu { margin-top: 6px; border-radius: 8px; background: #fff; color: var(--text); box-shadow: var(--shadow); padding: 6px; }
.user-opt { display: flex; gap: 10px; align-items: center; width: 100%; border: 0; background: transparent; padding: 7px 8px; border-radius: 6px; cursor: pointer; text-align: left; }
.user-opt:hover, .user-opt.current { background: #f1f6fb; }
.user-opt .o-name { font-weight: 700; font-size: 14px; }
.user-opt .o-role { font-size: 12px; color: var(--muted); }
.try { margin: 4px 10px 10px; }
.try-title { font-size: 11px; text-transform: uppercase; letter-spacing: .7px; color: var(--side-muted); font-weight: 700; margin: 6px 2px; }
.try-item { display: block; width: 100%; text-align: left; border: 1px solid rgba(255,255,255,.12); background: rgba(255,255,255,.04); color: var(--side-text); border-radius: 8px; padding: 7px 9px; margin-bottom: 6px; cursor: pointer; font-size: 12px; line-height: 1.35; }
.try-item:hover { background: rgba(255,255,255,.1); color: #fff; }
.try-item code { display: block; color: #fff; background: none; border: 0; padding: 0; font-size: 11.5px; margin-bottom: 2px; white-space: normal; word-break: break-word; }
.try-item .as { color: var(--side-muted); }

/* ---------------------------------------------------------------- avatars */
.avatar { width: 36px; height: 36px; border-radius: 6px; display: inline-flex; align-items: center; justify-content: center; color: #fff; font-weight: 800; font-size: 14px; flex: none; letter-spacing: .3px; }
.avatar.sm { width: 24px; height: 24px; font-size: 10.5px; border-radius: 5px; }
.avatar.xs { width: 20px; height: 20px; font-size: 9px; border-radius: 4px; }
img.avatar { object-fit: cover; }

/* ---------------------------------------------------------------- channel */
.channel-header { height: 52px; flex: none; border-bottom: 1px solid var(--line); display: flex; align-items: center; gap: 12px; padding: 0 16px 0 20px; }
.ch-title { font-weight: 900; font-size: 18px; display: flex; align-items: center; gap: 6px; white-space: nowrap; }
.ch-title .hash { color: var(--muted); font-weight: 400; }
.ch-topic { color: var(--muted); font-size: 13px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; flex: 1; min-width: 0; }
.ch-members { display: flex; align-items: center; border: 1px solid var(--line); border-radius: 6px; padding: 2px 8px 2px 4px; gap: 6px; font-size: 13px; color: var(--muted); flex: none; }
.ch-members .stack { display: flex; }
.ch-members .stack .avatar { margin-left: -4px; border: 2px solid #fff; }
.ch-members .stack .avatar:first-child { margin-left: 0; }
.inc-banner { display: flex; align-items: center; gap: 8px; background: var(--red-soft); color: #8f1339; font-size: 13px; padding: 7px 20px; border-bottom: 1px solid #f6c9d6; }
.messages { flex: 1; overflow-y: auto; padding: 8px 0 12px; }
.intro { padding: 28px 20px 18px; }
.intro h2 { font-size: 22px; font-weight: 900; margin: 0 0 4px; }
.intro p { margin: 0; color: var(--muted); }
.intro .intro-cmds { margin-top: 12px; display: flex; gap: 8px; flex-wrap: wrap; }
.chip { border: 1px solid var(--line); background: #fff; border-radius: 14px; padding: 3px 10px; font-size: 13px; cursor: pointer; color: var(--text); }
.chip:hover { background: #f4f4f5; border-color: #cfcdd0; }
.chip code { border: 0; background: none; padding: 0; color: var(--text); }
.day-divider { display: flex; align-items: center; margin: 10px 0 2px; }
.day-divider::before, .day-divider::after { content: ""; flex: 1; border-top: 1px solid var(--line); }
.day-divider span { font-size: 13px; font-weight: 700; border: 1px solid var(--line); border-radius: 12px; padding: 2px 14px; background: #fff; }

/* ---------------------------------------------------------------- messages */
.msg { position: relative; display: flex; gap: 8px; padding: 8px 20px 8px 20px; }
.msg.compact { padding-top: 2px; padding-bottom: 4px; }
.msg:hover { background: #f8f8f8; }
.msg-gutter { width: 36px; flex: none; padding-top: 2px; }
.msg-time-hover { display: none; font-size: 11px; color: var(--faint); width: 36px; text-align: right; padding-top: 3px; }
.msg.compact:hover .msg-time-hover { display: block; }
.msg-body { flex: 1; min-width: 0; }
.msg-head { display: flex; align-items: baseline; gap: 6px; line-height: 1.3; margin-bottom: 2px; }
.msg-author { font-weight: 900; font-size: 15px; }
.app-badge { font-size: 10px; font-weight: 700; color: var(--muted); background: rgba(29,28,29,.07); border-radius: 2px; padding: 1px 3px; letter-spacing: .2px; }
.msg-time { font-size: 12px; color: var(--muted); }
.msg-text { word-wrap: break-word; overflow-wrap: anywhere; }
.edited { font-size: 12px; color: var(--faint); margin-left: 4px; }
.msg.ephemeral { background: #f7f9fb; }
.msg.ephemeral:hover { background: #f1f5f9; }
.eph-note { display: inline-flex; align-items: center; gap: 5px; font-size: 12px; color: var(--muted); margin-left: 6px; }
.eph-dismiss { border: 0; background: none; color: var(--link); font-size: 12px; padding: 0; margin-top: 4px; cursor: pointer; }
.eph-dismiss:hover { text-decoration: underline; }
.msg.flash { animation: flash 2.2s ease-out; }
@keyframes flash { 0% { background: #fff4cc; } 100% { background: transparent; } }
.msg.appear { animation: appear .35s ease-out; }
@keyframes appear { from { opacity: 0; transform: translateY(4px); } to { opacity: 1; transform: none; } }
.replies { display: inline-flex; align-items: center; gap: 8px; margin-top: 6px; border: 1px solid transparent; border-radius: 6px; background: transparent; padding: 4px 8px 4px 4px; cursor: pointer; font-size: 13px; max-width: 100%; }
.replies:hover { border-color: var(--line); background: #fff; }
.replies .reply-count { color: var(--link); font-weight: 700; }
.replies .reply-last { color: var(--muted); }
.replies .view-thread { color: var(--muted); display: none; }
.replies:hover .view-thread { display: inline; }
.replies:hover .reply-last { display: none; }
.replies .stack { display: flex; gap: 3px; }

.file-card { display: flex; align-items: center; gap: 10px; max-width: 420px; margin-top: 6px; border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px 8px 8px; background: #fff; color: var(--text); }
.file-card:hover { text-decoration: none; border-color: #cfcdd0; box-shadow: 0 1px 3px rgba(0,0,0,.06); }
.file-ico { width: 38px; height: 38px; border-radius: 6px; background: #3b6fd4; color: #fff; font-size: 10px; font-weight: 900; display: inline-flex; align-items: center; justify-content: center; flex: none; letter-spacing: .3px; }
.file-meta { display: flex; flex-direction: column; min-width: 0; flex: 1; }
.file-title { font-weight: 700; font-size: 14px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.file-sub { font-size: 12px; color: var(--muted); }
.file-dl { color: var(--muted); font-size: 16px; }

/* ---------------------------------------------------------------- mrkdwn */
code { font-family: var(--mono); font-size: 12px; line-height: 1.5; color: #c01343; background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13); border-radius: 3px; padding: 1px 3px; }
a code { color: var(--link); }
pre.code-block { font-family: var(--mono); font-size: 12px; line-height: 1.5; background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13); border-radius: 4px; padding: 8px; margin: 4px 0; white-space: pre-wrap; word-break: break-word; }
blockquote { margin: 2px 0; padding-left: 12px; border-left: 4px solid #dddddd; }
.mention { background: var(--mention); color: var(--mention-text); border-radius: 3px; padding: 0 2px; font-weight: 500; }
.mention.me { background: var(--mention-me); color: #6f5200; }
.mention.channel-mention { cursor: pointer; }
.emoji { font-family: "Apple Color Emoji", "Noto Color Emoji", "Segoe UI Emoji", sans-serif; font-size: 1.1em; line-height: 1; vertical-align: -1px; }

/* ---------------------------------------------------------------- Block Kit */
.bk { display: flex; flex-direction: column; gap: 4px; }
.bk-header { font-size: 18px; font-weight: 900; line-height: 1.35; margin: 2px 0 2px; }
.bk-section { display: flex; gap: 12px; align-items: flex-start; }
.bk-section-main { flex: 1; min-width: 0; }
.bk-fields { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px 16px; margin-top: 2px; }
.bk-field { min-width: 0; overflow-wrap: anywhere; }
.bk-text + .bk-fields { margin-top: 8px; }
.bk-context { display: flex; align-items: center; flex-wrap: wrap; gap: 4px 8px; font-size: 12.5px; color: var(--muted); line-height: 1.4; }
.bk-context code { font-size: 11px; }
.bk-context img { width: 20px; height: 20px; border-radius: 4px; }
hr.bk-divider { border: 0; border-top: 1px solid var(--line); margin: 6px 0; width: 100%; }
.bk-actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0 2px; }
.bk-btn { display: inline-flex; align-items: center; justify-content: center; gap: 6px; height: 30px; padding: 0 14px; border-radius: 5px; border: 1px solid rgba(29,28,29,.3); background: #fff; color: var(--text); font-size: 14px; font-weight: 700; cursor: pointer; white-space: nowrap; }
.bk-btn:hover { background: #f6f6f6; box-shadow: 0 1px 3px rgba(0,0,0,.08); text-decoration: none; }
.bk-btn.primary { background: var(--green); border-color: var(--green); color: #fff; }
.bk-btn.primary:hover { background: #148567; }
.bk-btn.danger { background: var(--red); border-color: var(--red); color: #fff; }
.bk-btn.danger:hover { background: #e23067; }
.bk-btn.busy { opacity: .65; pointer-events: none; }
.bk-btn.busy::after { content: ""; width: 10px; height: 10px; border: 2px solid currentColor; border-right-color: transparent; border-radius: 50%; animation: spin .7s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
.bk-image { margin: 4px 0; }
.bk-image figcaption { font-size: 13px; color: var(--muted); margin-bottom: 4px; }
.bk-image img { max-width: min(360px, 100%); max-height: 300px; border-radius: 8px; border: 1px solid var(--line); display: block; }
.bk-acc-img { width: 72px; height: 72px; border-radius: 6px; object-fit: cover; }
.bk-rich ul, .bk-rich ol { margin: 2px 0; padding-left: 22px; }
.bk-select { height: 30px; border: 1px solid rgba(29,28,29,.3); border-radius: 5px; padding: 0 8px; font: inherit; font-size: 14px; background: #fff; }
.bk-unknown { font-size: 12px; color: var(--faint); font-style: italic; }

/* ---------------------------------------------------------------- composer */
.composer-wrap { position: relative; padding: 0 20px 18px; flex: none; }
.composer { border: 1px solid #bbbabb; border-radius: 8px; background: #fff; transition: box-shadow .15s, border-color .15s; }
.composer:focus-within { border-color: #868686; box-shadow: 0 0 0 1px rgba(29,28,29,.12), 0 1px 6px rgba(0,0,0,.06); }
.composer textarea { display: block; width: 100%; border: 0; outline: 0; resize: none; font: inherit; font-size: 15px; padding: 10px 12px 4px; min-height: 40px; max-height: 180px; background: transparent; color: var(--text); }
.composer-bar { display: flex; align-items: center; justify-content: space-between; padding: 4px 6px 6px 12px; }
.composer-hint { font-size: 11.5px; color: var(--faint); }
.composer-hint b { color: var(--muted); }
.send-btn { width: 32px; height: 28px; border-radius: 5px; border: 0; background: #e8e8e8; color: #9a999a; display: inline-flex; align-items: center; justify-content: center; cursor: pointer; }
.send-btn.ready { background: var(--green); color: #fff; }
.slash-menu { position: absolute; left: 20px; right: 20px; bottom: calc(100% - 14px); background: #fff; border-radius: 8px; box-shadow: var(--shadow); padding: 6px; z-index: 5; }
.slash-head { font-size: 12px; color: var(--muted); padding: 4px 10px 6px; }
.slash-opt { display: flex; gap: 10px; width: 100%; align-items: center; border: 0; background: transparent; text-align: left; padding: 7px 10px; border-radius: 6px; cursor: pointer; font-size: 14px; }
.slash-opt.sel, .slash-opt:hover { background: var(--active); color: #fff; }
.slash-opt.sel .slash-hint, .slash-opt:hover .slash-hint, .slash-opt.sel .slash-desc, .slash-opt:hover .slash-desc { color: rgba(255,255,255,.85); }
.slash-cmd { font-weight: 800; }
.slash-hint { color: var(--muted); font-size: 12.5px; }
.slash-desc { margin-left: auto; color: var(--faint); font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 45%; }

/* ---------------------------------------------------------------- thread pane */
.thread-header { height: 52px; flex: none; display: flex; align-items: center; gap: 8px; padding: 0 12px 0 16px; border-bottom: 1px solid var(--line); }
.thread-title { font-weight: 900; font-size: 18px; }
.thread-sub { color: var(--muted); font-size: 13px; flex: 1; }
.icon-btn { width: 30px; height: 30px; border-radius: 6px; border: 0; background: transparent; color: var(--muted); cursor: pointer; display: inline-flex; align-items: center; justify-content: center; font-size: 18px; }
.icon-btn:hover { background: #f1f1f1; color: var(--text); }
.thread-body { flex: 1; overflow-y: auto; padding: 6px 0 12px; }
.thread-count { display: flex; align-items: center; gap: 10px; color: var(--muted); font-size: 13px; padding: 6px 16px; }
.thread-count::after { content: ""; flex: 1; border-top: 1px solid var(--line); }
.thread .msg { padding-left: 16px; padding-right: 16px; }
.thread .composer-wrap { padding: 0 16px 16px; }

/* ---------------------------------------------------------------- systems panel */
.tabs { display: flex; gap: 4px; padding: 10px 12px 0; border-bottom: 1px solid var(--line); background: #fff; flex: none; }
.tab { border: 0; background: transparent; padding: 8px 10px 9px; font-size: 14px; font-weight: 700; color: var(--muted); border-bottom: 2px solid transparent; cursor: pointer; display: inline-flex; gap: 6px; align-items: center; }
.tab:hover { color: var(--text); }
.tab.active { color: var(--text); border-bottom-color: var(--active); }
.tab .count { background: var(--amber); color: #fff; border-radius: 9px; font-size: 11px; padding: 0 6px; line-height: 17px; }
.tab .soon { font-size: 10px; font-weight: 800; color: var(--faint); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; }
.sys-body { flex: 1; overflow-y: auto; padding: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; margin-bottom: 12px; overflow: hidden; }
.card-head { display: flex; align-items: center; gap: 8px; padding: 10px 12px; border-bottom: 1px solid var(--line-soft); }
.card-title { font-weight: 800; font-size: 14px; }
.card-sub { font-size: 12px; color: var(--muted); margin-left: auto; }
.card-section { padding: 8px 12px 10px; }
.card-section + .card-section { border-top: 1px solid var(--line-soft); }
.sec-title { font-size: 11px; text-transform: uppercase; letter-spacing: .7px; color: var(--faint); font-weight: 800; margin-bottom: 6px; }
.gh-ico { width: 16px; height: 16px; flex: none; }
.envs { display: flex; align-items: stretch; gap: 0; }
.env { flex: 1; min-width: 0; border: 1px solid var(--line); padding: 6px 8px; background: var(--panel); }
.env:first-child { border-radius: 8px 0 0 8px; }
.env:last-child { border-radius: 0 8px 8px 0; }
.env + .env { border-left: 0; }
.env-name { font-size: 11px; font-weight: 800; text-transform: uppercase; letter-spacing: .6px; color: var(--muted); }
.env-sha { font-family: var(--mono); font-size: 12px; }
.env-age { font-size: 11px; color: var(--faint); }
.branches { display: flex; flex-wrap: wrap; gap: 6px; }
.branch { display: inline-flex; gap: 5px; align-items: center; font-size: 12px; border: 1px solid var(--line); border-radius: 12px; padding: 1px 8px; background: var(--panel); }
.branch b { font-weight: 700; }
.branch a { font-family: var(--mono); font-size: 11.5px; }
.waiting { display: flex; gap: 8px; align-items: flex-start; background: var(--amber-soft); border: 1px solid #f3d4a8; color: #7a4a0b; border-radius: 8px; padding: 8px 10px; font-size: 13px; margin-bottom: 6px; }
.waiting b { color: #5b3606; }
.row { display: flex; align-items: center; gap: 8px; padding: 5px 0; font-size: 13px; min-width: 0; }
.row + .row { border-top: 1px dashed var(--line-soft); }
.row-main { flex: 1; min-width: 0; }
.row-title { font-weight: 700; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; display: block; color: var(--text); }
a.row-title:hover { color: var(--link); }
.row-meta { font-size: 11.5px; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.row-meta code { font-size: 10.5px; color: var(--muted); padding: 0 3px; }
.row-age { font-size: 11.5px; color: var(--faint); white-space: nowrap; }
.st { width: 18px; height: 18px; border-radius: 50%; flex: none; display: inline-flex; align-items: center; justify-content: center; color: #fff; font-size: 11px; font-weight: 900; }
.st.success { background: #1f883d; }
.st.failure, .st.cancelled, .st.timed_out { background: #cf222e; }
.st.waiting { background: var(--amber); gap: 2px; }
.st.waiting::before, .st.waiting::after { content: ""; width: 2px; height: 7px; border-radius: 1px; background: #fff; }
.st.queued, .st.in_progress { background: transparent; border: 2px solid #bf8700; border-right-color: transparent; animation: spin 1s linear infinite; }
.st.queued { border-color: #8c959f; border-right-color: transparent; }
.pill { font-size: 11px; font-weight: 800; border-radius: 10px; padding: 1px 8px; white-space: nowrap; }
.pill.open { background: #dafbe1; color: #1a7f37; }
.pill.merged { background: #f0e7ff; color: #6639ba; }
.pill.closed { background: #ffebe9; color: #cf222e; }
.pill.muted { background: #eeedef; color: #616061; }
.empty { color: var(--faint); font-size: 13px; font-style: italic; }
.placeholder { text-align: center; padding: 28px 18px; color: var(--muted); }
.placeholder .ph-ico { font-size: 34px; margin-bottom: 6px; }
.placeholder h3 { margin: 0 0 6px; color: var(--text); font-size: 15px; }
.placeholder p { margin: 0 0 8px; font-size: 13px; }
.guide h3 { font-size: 14px; margin: 0 0 8px; }
.guide ol, .guide ul { margin: 0; padding-left: 20px; font-size: 13px; }
.guide li { margin-bottom: 6px; }
.guide code { font-size: 11.5px; }
.people .row-title { font-size: 13px; }
.kv { display: grid; grid-template-columns: auto 1fr; gap: 4px 10px; font-size: 12.5px; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; }

/* ---------------------------------------------------------------- dialogs */
.backdrop { position: fixed; inset: 0; background: rgba(0,0,0,.45); display: flex; align-items: center; justify-content: center; z-index: 20; animation: fade .12s ease-out; }
@keyframes fade { from { opacity: 0; } to { opacity: 1; } }
.dialog { background: #fff; border-radius: 10px; box-shadow: 0 18px 50px rgba(0,0,0,.35); width: min(520px, calc(100vw - 40px)); max-height: calc(100vh - 80px); display: flex; flex-direction: column; animation: pop .14s ease-out; }
@keyframes pop { from { transform: scale(.97); opacity: .6; } to { transform: none; opacity: 1; } }
.dialog.small { width: min(440px, calc(100vw - 40px)); }
.dialog-head { display: flex; align-items: center; gap: 10px; padding: 18px 20px 12px 24px; }
.dialog-head img { width: 28px; height: 28px; border-radius: 6px; }
.dialog-title { font-size: 20px; font-weight: 900; flex: 1; }
.dialog-body { padding: 4px 24px 16px; overflow-y: auto; }
.dialog-body .bk { gap: 14px; }
.dialog-foot { display: flex; justify-content: flex-end; gap: 10px; padding: 14px 24px 18px; border-top: 1px solid var(--line); }
.btn { height: 36px; padding: 0 16px; border-radius: 5px; border: 1px solid rgba(29,28,29,.3); background: #fff; font-size: 15px; font-weight: 700; cursor: pointer; color: var(--text); }
.btn:hover { background: #f6f6f6; }
.btn.primary { background: var(--green); border-color: var(--green); color: #fff; }
.btn.primary:hover { background: #148567; }
.btn.danger { background: var(--red); border-color: var(--red); color: #fff; }
.btn[disabled] { opacity: .6; pointer-events: none; }
.field label { display: block; font-weight: 800; font-size: 15px; margin-bottom: 6px; }
.field .opt { font-weight: 400; color: var(--muted); }
.field input[type=text], .field input[type=date], .field textarea, .field select { width: 100%; font: inherit; font-size: 15px; border: 1px solid rgba(29,28,29,.3); border-radius: 5px; padding: 8px 10px; background: #fff; color: var(--text); outline: 0; }
.field textarea { min-height: 92px; resize: vertical; }
.field input:focus, .field textarea:focus, .field select:focus { border-color: #1d9bd1; box-shadow: 0 0 0 3px rgba(29,155,209,.25); }
.field.has-error input, .field.has-error textarea, .field.has-error select { border-color: var(--red); box-shadow: 0 0 0 1px var(--red); }
.field .hint { font-size: 13px; color: var(--muted); margin-top: 4px; }
.field .err { font-size: 13px; color: var(--red); margin-top: 4px; font-weight: 700; }
.confirm-text { font-size: 15px; }

/* ---------------------------------------------------------------- toasts */
.toasts { position: fixed; bottom: 20px; left: 50%; transform: translateX(-50%); display: flex; flex-direction: column; gap: 8px; z-index: 30; }
.toast { background: #1d1c1d; color: #fff; border-radius: 8px; padding: 9px 14px; font-size: 14px; box-shadow: var(--shadow); animation: appear .2s ease-out; }
.toast.error { background: #a1123f; }
`;
