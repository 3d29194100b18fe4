/** The console's page: a static shell that /console/app.js fills in. */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>shipgate sandbox</title>
<link rel="icon" href="/console/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/app.css">
</head>
<body>
<div id="app" class="app no-thread">
  <header class="topbar">
    <div class="brand"><img src="/console/favicon.svg" alt="" class="brand-logo"><span class="brand-name">shipgate</span><span class="brand-tag">sandbox</span></div>
    <div class="sim-clock" id="sim-clock"></div>
    <div class="topbar-center" id="topbar-center"></div>
    <div class="topbar-right" id="topbar-right"></div>
  </header>
  <nav class="sidebar" id="sidebar" aria-label="Workspace"></nav>
  <main class="channel" id="channel">
    <div class="channel-header" id="channel-header"></div>
    <div class="messages" id="messages" aria-live="polite"></div>
    <div class="composer-wrap">
      <div class="slash-menu" id="slash-menu" hidden></div>
      <form class="composer" id="composer" autocomplete="off">
        <textarea id="composer-input" rows="1" placeholder="Message" aria-label="Message"></textarea>
        <div class="composer-bar">
          <span class="composer-hint" id="composer-hint">Type <b>/</b> for commands · <b>Enter</b> to send · <b>Shift+Enter</b> for a new line</span>
          <button type="submit" class="send-btn" id="send-btn" aria-label="Send" title="Send"><svg viewBox="0 0 20 20" width="16" height="16"><path d="M2.5 3.2 17.6 9.4c.5.2.5.9 0 1.2L2.5 16.8c-.5.2-1-.3-.8-.8L4 10 1.7 4c-.2-.5.3-1 .8-.8ZM5.2 10.7 3.7 14.5 14.6 10 3.7 5.5l1.5 3.8h5.3v1.4H5.2Z" fill="currentColor"/></svg></button>
        </div>
      </form>
    </div>
  </main>
  <section class="thread" id="thread" aria-label="Thread"></section>
  <aside class="systems" id="systems" aria-label="Emulated systems"></aside>
</div>
<div id="overlay"></div>
<div id="toasts" class="toasts"></div>
<script src="/console/app.js"></script>
<script src="/console/clock.js"></script>
</body>
</html>
`;
