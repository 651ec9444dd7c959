// The agent desktop: login, the state bar, the event stream, keyboard shortcuts. What the page shows is
// always what the server says: the `hello` of each (re)connection and GET /agents/{id} are the truth,
// and events only trigger a re-read or a fast update of it.
import { agentLogin, createApi } from '../shared/api.js';
import { observeServerTime, serverNow, serverOffset } from '../shared/clock.js';
import { $, duration, notify } from '../shared/dom.js';
import { ReconnectingSocket, socketUrl } from '../shared/socket.js';
import { createChatPanel } from './chat.js';
import { createCustomerPanel } from './customer.js';
import { createEmailPanel } from './email.js';
import { createOfferPanel } from './offer.js';
import { createWorkPanel } from './work.js';

const SESSION_KEY = 'switchboard.agent';

function start() {
  const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
  if (saved) {
    openDesk(saved);
  } else {
    showLogin();
  }
}

function showLogin(message = '') {
  $('#desk').hidden = true;
  $('#login').hidden = false;
  $('#login-error').textContent = message;
  $('#login-agent').focus();
}

$('#login').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const session = await agentLogin($('#login-agent').value.trim(), $('#login-pin').value);
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ agentId: session.agentId, token: session.token }));
    $('#login-pin').value = '';
    // asked here, on a click: browsers refuse a permission prompt that no user gesture started
    if (window.Notification?.permission === 'default') Notification.requestPermission().catch(() => {});
    openDesk(session);
  } catch (err) {
    $('#login-error').textContent = err.message;
  }
});

function openDesk({ agentId, token }) {
  const api = createApi(token);
  const agentPath = `/api/v1/agents/${encodeURIComponent(agentId)}`;
  let agent = null;
  // aborted at logout: this login's listeners go with it, and reads still in flight draw nothing (the next agent
  // may log in on the same page)
  const session = new AbortController();
  const { signal } = session;

  const customer = createCustomerPanel(api, { onDial: (number, customerId) => dial(number, customerId) });
  const offers = createOfferPanel({
    onAccept: (o) => reservation(o, 'accept'),
    onReject: (o) => reservation(o, 'reject'),
    signal,
  });
  const work = createWorkPanel(api, { agentId, onChanged: () => reread(), onShowCustomer: customer.show });
  const emails = createEmailPanel(api);
  const chats = createChatPanel(api, { agentId, onEnd: (id) => work.end(id), onSelect: customer.show });

  async function reservation(o, action) {
    offers.hide();
    try {
      await api.post(`/api/v1/reservations/${encodeURIComponent(o.reservation)}/${action}`);
      notify(`${action}ed ${o.interaction}`);
    } catch (err) {
      notify(`${action} failed: ${err.message}`, 'error');
    }
    reread();
  }

  /** What the agent is told of an offer that ended without its accept or reject (by the offer's reason). */
  const OFFER_ENDED = {
    timeout: 'Missed: the offer was not accepted in time and went back to the line.',
    no_answer: 'Missed: your phone rang out and the call went back to the line.',
    not_rung: 'Your phone could not be rung (no link to the phone system): the call went back to the line. Not a miss.',
    canceled: 'The offer was withdrawn: the customer left or a supervisor ended it.',
    rerouted: 'The offer was withdrawn: the contact was re-routed elsewhere.',
  };

  async function setState(state, reason) {
    try {
      render(await api.post(`${agentPath}/state`, reason ? { state, reason } : { state }));
    } catch (err) {
      notify(`cannot go ${state}: ${err.message}`, 'error');
    }
  }

  function showState(a) {
    agent = a;
    const state = $('#state');
    state.dataset.state = a.state;
    state.textContent = a.state === 'away' && a.reason ? `away (${a.reason})` : a.state.replace('_', '-');
    // away or offline chosen during an offer or a contact: it takes effect once they are over, which the agent sees
    if (a.presence && a.presence !== 'available' && !['away', 'offline'].includes(a.state)) {
      state.textContent += `, then ${a.presence}${a.presence === 'away' && a.reason ? ` (${a.reason})` : ''}`;
    }
  }

  // Events come in bursts and each starts a read; answers may arrive out of order, and only the
  // newest read may draw, or an older answer would put back a state the server already left.
  let renders = 0;

  /** Shows the agent as the server has it: state, held interactions, and an open offer if any. */
  async function render(a) {
    if (signal.aborted) return;
    const mine = ++renders;
    showState(a);
    $('#agent-name').textContent = a.name || a.id;
    if (a.reservation && a.reservation !== offers.current()?.reservation) {
      restoreOffer(a);
    } else if (!a.reservation) {
      offers.hide();
    }
    const held = await work.load(a.interactions || []);
    if (mine !== renders || signal.aborted) return;
    work.show(held);
    chats.sync(held);
    emails.sync(held);
    const onScreen = customer.shownFor();
    if (!a.reservation && !held.some((i) => i.id === onScreen)) {
      if (held.length > 0) customer.show(held[0].id, held[0].customerId);
      else customer.clear();
    }
  }

  /** After a reconnect or reload during an offer: rebuild the offer panel from the interaction. */
  async function restoreOffer(a) {
    const interactionId = a.reservation.slice(0, a.reservation.lastIndexOf('.'));
    try {
      const i = await api.get(`/api/v1/interactions/${encodeURIComponent(interactionId)}`);
      // the offer event may have drawn it meanwhile
      if (signal.aborted || offers.current()?.reservation === a.reservation) return;
      const now = Date.now();
      offers.show({ reservation: a.reservation, interaction: i.id, channel: i.channel, queue: i.queue,
        customerId: i.customerId, customerTier: i.customerTier, attributes: i.attributes,
        // waited until now, by the server's clock (not only until the offer: the reload came later)
        waitedMs: serverNow() - (i.timestamps?.queued || serverNow()), receivedAt: now,
        // the server's clock, brought to this browser's by the estimated offset
        deadline: a.reservationExpiresAt ? a.reservationExpiresAt - serverOffset() : null });
      customer.show(i.id, i.customerId);
    } catch (err) {
      notify(`offer ${a.reservation}: ${err.message}`, 'error');
    }
  }

  let reads = 0;

  async function reread() {
    const mine = ++reads;
    try {
      const a = await api.get(agentPath);
      if (mine === reads) await render(a);
    } catch (err) {
      if (signal.aborted) return;
      if (err.status === 401) logout('Your session ended; log in again.');
      else notify(`cannot read state: ${err.message}`, 'error');
    }
  }

  function onEvent(m) {
    if (typeof m.at === 'number') observeServerTime(m.at);
    switch (m.type) {
      case 'hello':
        render(m.agent);
        chats.reload(); // what customers wrote while the socket was down (transcripts merge by seq)
        break;
      case 'offer': {
        const receivedAt = Date.now();
        // accepted at once (the agent's autoAccept): it arrives as work, with the assigned event's re-read
        if (!m.autoAccepted) offers.show({ ...m, receivedAt, deadline: receivedAt + (m.expiresAt - m.at) });
        customer.show(m.interaction, m.customerId);
        break;
      }
      case 'chat_message':
      case 'chat_typing':
        if (!chats.onEvent(m)) reread(); // a chat without its tab yet: the re-read opens it (with this message)
        break;
      case 'consult_ended':
        // to the agent who consulted: why the consultation is over when the phone, not the agent, ended it
        if ((m.by === agentId || m.number) && (m.outcome === 'not_answered' || m.outcome === 'hung_up')) {
          const who = m.number || m.agent;
          notify(`${who} ${m.outcome === 'hung_up' ? 'hung up' : 'did not answer'}: you are back with your caller`);
        }
        reread();
        break;
      case 'attributes_updated': {
        // an open offer shows them too: redraw it (no new alert) with what the interaction has now
        const o = offers.current();
        if (o && o.interaction === m.interaction) {
          api.get(`/api/v1/interactions/${encodeURIComponent(m.interaction)}`)
            .then((i) => { if (offers.current() === o) offers.show({ ...o, attributes: i.attributes }); })
            .catch((err) => notify(`offer ${o.reservation}: ${err.message}`, 'error'));
        }
        reread();
        break;
      }
      case 'state_changed':
        // show the new state at once, then re-read what came with it (offer, work)
        if (agent) showState({ ...agent, state: m.state, reason: m.reason ?? agent.reason, stateSince: m.at });
        reread();
        break;
      case 'presence_changed':
        // the state stays (busy, wrap-up) but what comes after it changed, maybe by a supervisor: shown as read
        reread();
        break;
      case 'signed_out':
        // a supervisor's sign-out, a new PIN, or this agent's Log out on another page: this session is over
        logout(m.reason === 'pin_changed' ? 'Your PIN was changed; log in again.'
          : m.reason === 'signed_out_by_supervisor' ? 'A supervisor signed you out.' : 'You were signed out.');
        break;
      case 'canceled':
        // the agent's own call out that never connected (its phone did not answer, or was not reached)
        if (m.agent === agentId && m.reason) {
          failedCalls.add(m.interaction);
          notify(`call out canceled: ${m.reason}`, 'error');
        }
        reread();
        break;
      case 'callback_not_dialled':
        // the server could not dial a callback this agent holds (no Asterisk link for a minute, no number...)
        notify(`callback to ${m.number || 'the customer'} not dialled: ${m.reason}. Call again from its card.`, 'error');
        reread();
        break;
      case 'offer_canceled': {
        // an offer that ended without the agent's own click says why: a miss counts toward away(missed)
        const why = m.agent === agentId && OFFER_ENDED[m.reason];
        if (why) notify(why, m.reason === 'timeout' || m.reason === 'no_answer' ? 'error' : 'info');
        reread();
        break;
      }
      default: // assigned, wrapping, transferred, completed...: re-read what changed
        reread();
    }
  }

  const socket = new ReconnectingSocket(socketUrl(`${agentPath}/events`, token), {
    onMessage: onEvent,
    onStatus: async (status) => {
      const badge = $('#connection');
      badge.dataset.status = status;
      badge.dataset.reconnects = String(socket.reconnects);
      badge.textContent = status;
      // a socket that keeps failing may mean an expired token: ask the API, which answers 401
      if (status === 'reconnecting' && socket.reconnects % 3 === 0) reread();
    },
  });

  function logout(message) {
    if (signal.aborted) return;
    session.abort(); // the shortcuts and the offer's buttons
    socket.stop();
    clearInterval(clock);
    offers.hide(); // its countdown, and a title saying "Incoming"
    // nothing of this agent's stays in the page for the next one: chat tabs, emails, cards, the customer
    chats.sync([]);
    emails.sync([]);
    work.show([]);
    customer.clear();
    notify(''); // the last session's message is no word for the next one
    sessionStorage.removeItem(SESSION_KEY);
    showLogin(message);
  }

  const clock = setInterval(() => {
    // stateSince is the server's time: measured against the server's clock, a skewed desk clock does not show
    if (agent?.stateSince) $('#state-time').textContent = duration(serverNow() - agent.stateSince);
  }, 1000);

  // Single-key shortcuts, except while typing in a field.
  function keys(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest('input, textarea, select')) return;
    const o = offers.current();
    switch (e.key.toLowerCase()) {
      case 'a': if (o && !$('#accept').hidden) reservation(o, 'accept'); break; // hidden: a call, answered on the phone
      case 'r': if (o && !$('#reject').hidden) reservation(o, 'reject'); break;
      case 'v': setState('available'); break;
      case 'b': setState('away', $('#away-reason').value); break;
      case 'w': work.wrapUpCurrent(chats.current()); break;
      default: return;
    }
    e.preventDefault();
  }
  document.addEventListener('keydown', keys, { signal });

  $('#go-available').onclick = () => setState('available');
  $('#go-away').onclick = () => setState('away', $('#away-reason').value);
  $('#go-offline').onclick = () => setState('offline');
  // the server ends the session (the token stops working on every node) and signs the agent out: no more offers
  // (the socket is stopped first: the signed_out it would bring is this click's own)
  $('#logout').onclick = async () => {
    // contacts in hand: a chat goes back to its queue (its customer would wait on nobody), calls and emails stay
    const held = document.querySelectorAll('#work-list > .card').length;
    if (held > 0 && !confirm(`You hold ${held} contact${held > 1 ? 's' : ''}. Log out anyway? Chats go back to their `
        + 'queue for a colleague; calls and emails stay yours until a supervisor moves them.')) return;
    socket.stop();
    try {
      await api.post(`${agentPath}/sign-out`);
    } catch (err) {
      if (err.status !== 401) {
        // still signed in on the server (and perhaps available): the page stays, saying so
        notify(`log out failed: ${err.message}`, 'error');
        socket.start();
        return;
      }
    }
    logout();
  };
  const failedCalls = new Set(); // calls out canceled before they connected
  // a call out is a contact of the agent's (it shows under My interactions); customerId: whom, when known
  async function dial(number, customerId) {
    try {
      const call = await api.post(`${agentPath}/dial`, customerId ? { number, customerId } : { number });
      // a phone that cannot be reached fails at once: its cancel may come before this answer, and stays shown
      if (!failedCalls.has(call.id)) notify(`dialing ${number}: answer on your phone`);
    } catch (err) {
      notify(`dial ${number}: ${err.message}`, 'error');
    }
  }
  $('#dial').onsubmit = (e) => {
    e.preventDefault();
    dial($('#dial-number').value.trim());
  };

  $('#login').hidden = true;
  $('#desk').hidden = false;
  socket.start();
  // for tests and support: the live socket (window.switchboard.socket.drop() simulates a network drop)
  window.switchboard = { socket, reread };
}

start();
