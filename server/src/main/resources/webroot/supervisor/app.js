// The supervisor console: a live floor. The staff WebSocket pushes every routing event; the page then
// re-reads what the event touched: the named agent's row at once, the queue statistics at most once a
// second (a busy floor sends many events a second, and one read answers them all). No polling.
import { createApi } from '../shared/api.js';
import { observeServerTime, serverNow } from '../shared/clock.js';
import { $, notify, throttle } from '../shared/dom.js';
import { ReconnectingSocket, socketUrl } from '../shared/socket.js';
import { createCallbacksPanel } from './callbacks.js';
import { createChatWatch } from './chats.js';
import { createMonitors } from './monitors.js';
import { createResponsesPanel } from './responses.js';
import { createSlaPanel } from './sla.js';
import { agentRow, queueRow, tickLongestWaits, tickTimes, upsertRow } from './tables.js';
import { createWaitingPanel } from './waiting.js';

const SESSION_KEY = 'switchboard.supervisor';
/** The queue table is read again this often without events: its service levels cover moving windows. */
const QUEUES_READ_EVERY_MS = 15_000;
// agents read per request when many changed at once (the API takes 200), and the longest query for them
// (Vert.x refuses request lines over 4,096 bytes)
const MAX_IDS = 100;
const MAX_QUERY = 2000;

function start() {
  const key = sessionStorage.getItem(SESSION_KEY);
  if (key) openConsole(key);
  else showLogin();
}

function showLogin(message = '') {
  $('#console').hidden = true;
  $('#login').hidden = false;
  $('#login-error').textContent = message;
  $('#login-key').focus();
}

$('#login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const key = $('#login-key').value.trim();
  try {
    await createApi(key).get('/api/v1/stats/realtime'); // checks the key is a staff key
    sessionStorage.setItem(SESSION_KEY, key);
    $('#login-key').value = '';
    openConsole(key);
  } catch (err) {
    $('#login-error').textContent = err.status === 401 || err.status === 403 ? 'Not a supervisor key.' : err.message;
  }
});

function openConsole(key) {
  const api = createApi(key);
  const queues = $('#queues tbody');
  const agents = $('#agents tbody');
  // aborted at logout: the panels' listeners on the page's fixed elements go with this login (another key may log
  // in on the same page), and nothing is read for it any more
  const session = new AbortController();
  const { signal } = session;

  // 401: the key is no longer valid. 403 is this key refused one thing (an action beyond its role, an agent that
  // is not the server's to change): the server says what, and the console stays.
  async function guarded(what, fn) {
    if (signal.aborted) return;
    try {
      await fn();
    } catch (err) {
      if (signal.aborted) return;
      if (err.status === 401) logout('The key was refused; log in again.');
      else notify(`${what}: ${err.message}`, 'error');
    }
  }

  const waiting = createWaitingPanel(api, guarded, serverNow, signal);
  const sla = createSlaPanel(api, serverNow);
  const callbacks = createCallbacksPanel(api);
  const monitors = createMonitors(api, guarded, (id) => readAgent(id), signal);
  const responses = createResponsesPanel(api, guarded, signal);
  const chats = createChatWatch(api, guarded, (frame) => socket.send(frame), signal);
  const row = (a) => agentRow(a, setState, monitors.cell(a), chats.open);

  // a queue opening or closing sends no event: the table is read again when the first of them is due
  let hoursChange = Infinity;
  let queuesReadAt = 0;
  const readQueues = () => guarded('queues', async () => {
    const stats = await api.get('/api/v1/stats/realtime');
    queuesReadAt = serverNow();
    // the reading may be older than this answer (shared for up to a second): the longest waits count from it
    for (const q of stats) upsertRow(queues, queueRow(q, q.readAt ?? queuesReadAt), 'queue');
    hoursChange = Math.min(Infinity, ...stats.map((q) => q.nextChange ?? Infinity));
    waiting.queuesAre(stats.map((q) => q.queue));
    $('#updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  });
  const refreshQueues = throttle(readQueues, 1000);
  // the server may answer with a reading of the floor up to stats.realtimeMaxAgeMillis (1 s) old, taken before
  // the last event: once events stop, one more read after that brings the table up to date
  let settling = null;
  const settleQueues = () => {
    clearTimeout(settling);
    settling = setTimeout(readQueues, 1500);
  };
  const refreshWaiting = throttle(waiting.read, 1000);

  const readAgents = () => guarded('agents', async () => {
    const list = await api.get('/api/v1/agents');
    const ids = new Set(list.map((a) => a.id));
    for (const row of [...agents.children]) if (!ids.has(row.dataset.agent)) row.remove();
    for (const a of list) upsertRow(agents, row(a), 'agent');
    tickTimes(agents, serverNow());
  });

  // several events about one agent start several reads; only the newest may draw its row, or an
  // older answer arriving late would show a state the agent already left
  const agentReads = new Map();
  const readAgent = (id) => guarded(`agent ${id}`, async () => {
    const mine = (agentReads.get(id) || 0) + 1;
    agentReads.set(id, mine);
    const a = await api.get(`/api/v1/agents/${encodeURIComponent(id)}`);
    if (agentReads.get(id) !== mine) return;
    upsertRow(agents, row(a), 'agent');
    tickTimes(agents, serverNow());
  });

  async function setState(agentId, state, reason) {
    await guarded(`set ${agentId} ${state}`, async () => {
      const agentPath = `/api/v1/agents/${encodeURIComponent(agentId)}`;
      if (state === 'sign-out') await api.post(`${agentPath}/sign-out`);
      else await api.post(`${agentPath}/state`, reason ? { state, reason } : { state });
      notify(`${agentId}: ${state}`);
    });
    readAgent(agentId);
  }

  // On a busy floor events name agents far more often than a console can usefully redraw them (several per
  // contact): the agents named are collected and read at most twice a second, in one request (or a few, so
  // that no URL grows past what servers take). Like readAgent, a row is drawn only from its newest read.
  const changedAgents = new Set();
  const readChangedAgents = throttle(() => guarded('agents', async () => {
    const ids = [];
    let length = 0;
    for (const id of changedAgents) {
      const part = encodeURIComponent(id).length + 1;
      if (ids.length === MAX_IDS || (ids.length > 0 && length + part > MAX_QUERY)) break;
      ids.push(id);
      length += part;
    }
    ids.forEach((id) => changedAgents.delete(id));
    if (changedAgents.size > 0) readChangedAgents(); // the rest in the next request
    const mine = new Map(ids.map((id) => [id, (agentReads.get(id) || 0) + 1]));
    mine.forEach((n, id) => agentReads.set(id, n));
    const list = await api.get(`/api/v1/agents?ids=${ids.map(encodeURIComponent).join(',')}`);
    const found = new Set(list.map((a) => a.id));
    const newest = (id) => agentReads.get(id) === mine.get(id);
    for (const id of ids) {
      if (!found.has(id) && newest(id)) agents.querySelector(`tr[data-agent="${CSS.escape(id)}"]`)?.remove();
    }
    for (const a of list) if (newest(a.id)) upsertRow(agents, row(a), 'agent');
    tickTimes(agents, serverNow());
  }), 500);

  function onEvent(m) {
    if (chats.onEvent(m)) return;
    if (m.type === 'error') {
      notify(m.message, 'error'); // the server refused a frame of ours
      return;
    }
    if (m.type === 'hello') {
      // (re)connected: anything may have changed while we were away, read the whole floor
      readQueues();
      readAgents();
      waiting.read();
      sla.read();
      callbacks.read();
      monitors.read();
      responses.read();
      return;
    }
    if (typeof m.at === 'number') observeServerTime(m.at);
    if (m.agent) {
      changedAgents.add(m.agent);
      readChangedAgents();
    }
    if (m.type.startsWith('sla_')) sla.onEvent(m);
    callbacks.onEvent(m);
    monitors.onEvent(m);
    refreshQueues();
    settleQueues();
    refreshWaiting();
  }

  const socket = new ReconnectingSocket(socketUrl('/api/v1/supervisor/events', key), {
    onMessage: onEvent,
    onStatus: (status) => {
      const badge = $('#connection');
      badge.dataset.status = status;
      badge.dataset.reconnects = String(socket.reconnects);
      badge.textContent = status;
    },
  });
  const ticker = setInterval(() => {
    const now = serverNow();
    // a queue opening or closing, and the service levels' windows moving on a quiet floor, send no event
    if (now >= hoursChange || now - queuesReadAt > QUEUES_READ_EVERY_MS) {
      if (now >= hoursChange) hoursChange = Infinity;
      queuesReadAt = now;
      refreshQueues();
    }
    tickLongestWaits(queues, now);
    tickTimes(agents, now);
    waiting.tick();
    sla.tick();
  }, 1000);

  function logout(message) {
    if (signal.aborted) return;
    session.abort();
    socket.stop();
    clearInterval(ticker);
    clearTimeout(settling);
    sessionStorage.removeItem(SESSION_KEY);
    // every table, and the chats watched: their buttons act with this key, which must not outlive its login
    for (const body of document.querySelectorAll('#console tbody')) body.replaceChildren();
    $('#watched-chats').replaceChildren();
    $('#chats-panel').hidden = true;
    showLogin(message);
  }
  $('#logout').onclick = () => logout();

  $('#login').hidden = true;
  $('#console').hidden = false;
  socket.start();
  window.switchboard = { socket };
}

start();
