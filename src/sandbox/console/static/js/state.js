export var S = {
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
export var $ = function (id) { return document.getElementById(id); };

