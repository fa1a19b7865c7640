// Dashboard entry: login, then every enclosure's card, refreshed by polling /api/enclosures.
import { ApiError, enclosures, login, logout, session } from './api.js';
import { EnclosureCard } from './enclosure-card.js';

/** Live values are polled this often, ms (the control tick is 1 s; a phone on Wi-Fi copes). */
const POLL_MS = 2000;
/** Charts are refreshed this often, ms (history points are 1 min apart at best). */
const CHART_MS = 60_000;

const $ = (id) => document.getElementById(id);
const cards = new Map();
let pollTimer = 0;
let chartTimer = 0;
let state = { authenticated: false, readOnlyWithoutLogin: false, passwordSet: false };

function show(el, visible) {
  el.hidden = !visible;
}

function showLogin() {
  show($('login'), true);
  show($('no-password'), !state.passwordSet);
  show($('show-login'), false);
  $('password').focus();
}

async function refresh() {
  try {
    const view = await enclosures();
    show($('load-error'), false);
    const grid = $('enclosures');
    for (const enc of view.enclosures) {
      let card = cards.get(enc.id);
      if (!card) {
        card = new EnclosureCard(enc, lost);
        cards.set(enc.id, card);
        grid.append(card.el);
      }
      card.update(enc, view.canCommand);
    }
    $('live').textContent = `updated ${new Date(view.now).toLocaleTimeString()}`;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return lost();
    $('load-error').textContent = `cannot reach the controller: ${e.message}`;
    show($('load-error'), true);
  }
}

function startPolling() {
  stopPolling();
  void refresh();
  pollTimer = window.setInterval(refresh, POLL_MS);
  chartTimer = window.setInterval(() => {
    for (const c of cards.values()) void c.loadHistory();
  }, CHART_MS);
}

function stopPolling() {
  window.clearInterval(pollTimer);
  window.clearInterval(chartTimer);
}

/** The session ended (expired or logged out elsewhere): back to the login form. */
async function lost() {
  stopPolling();
  state = await session();
  await enter();
}

async function enter() {
  const canRead = state.authenticated || state.readOnlyWithoutLogin;
  show($('login'), !state.authenticated && !state.readOnlyWithoutLogin);
  show($('logout'), state.authenticated);
  show($('readonly-note'), !state.authenticated && state.readOnlyWithoutLogin);
  show($('show-login'), !state.authenticated && state.readOnlyWithoutLogin);
  show($('enclosures'), canRead);
  if (!canRead) {
    showLogin();
    return;
  }
  startPolling();
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const err = $('login-error');
  err.textContent = '';
  try {
    await login($('password').value);
    $('password').value = '';
    state = await session();
    show($('login'), false);
    await enter();
  } catch (e) {
    err.textContent = e.message;
  }
});

$('logout').addEventListener('click', async () => {
  await logout();
  for (const c of cards.values()) c.el.remove();
  cards.clear();
  state = await session();
  await enter();
});

$('show-login').addEventListener('click', () => showLogin());

window.addEventListener('resize', () => {
  for (const c of cards.values()) c.resize();
});

session().then(
  async (s) => {
    state = s;
    await enter();
  },
  (e) => {
    $('load-error').textContent = `cannot reach the controller: ${e.message}`;
    show($('load-error'), true);
  },
);
