// The chats the agent holds, one tab each (as many as the agent's chat capacity lets routing assign).
// A tab's transcript is read once from the API, then grows from the agent WebSocket (the customer's
// messages) and from our own sends; every message carries its place in the transcript (seq), so the
// tab shows the transcript's order whatever order the read and the events arrive in.
import { serverNow } from '../shared/clock.js';
import { $, el, notify } from '../shared/dom.js';
import { notifyInBackground } from './offer.js';
import { responsePicker } from './responses.js';

/** How long "typing..." stays up after the customer's last keystroke event. */
const TYPING_SHOWN_MS = 4000;
/** We tell the customer we type at most this often (each keystroke would flood the bus). */
const TYPING_SENT_EVERY_MS = 2000;

export function createChatPanel(api, { agentId, onEnd, onSelect }) {
  const panel = $('#chats');
  const tabBar = $('#chat-tabs');
  const body = $('#chat-body');
  const tabs = new Map(); // interaction id -> tab
  let active = null;

  /** Keeps one tab per held chat: opens tabs for new ones, closes those no longer held. */
  function sync(held) {
    const chats = held.filter((i) => i.channel === 'chat');
    const ids = new Set(chats.map((i) => i.id));
    for (const id of [...tabs.keys()]) if (!ids.has(id)) close(id);
    for (const i of chats) {
      const tab = tabs.get(i.id) || open(i);
      setStatus(tab, i.status);
    }
    panel.hidden = tabs.size === 0;
    if (!tabs.has(active) && tabs.size > 0) select(tabs.keys().next().value);
  }

  function open(i) {
    const tab = {
      id: i.id,
      customerId: i.customerId,
      name: i.attributes?.customerName || i.customerId || i.id,
      messages: new Map(), // seq -> message
      unread: 0,
      typingTimer: null,
      lastTypingSent: 0,
      button: el('button', { type: 'button', class: 'chat-tab', role: 'tab', dataset: { interaction: i.id },
        onclick: () => select(i.id) }, i.attributes?.customerName || i.customerId || i.id,
      el('span', { class: 'badge', hidden: true }, '0')),
      transcript: el('ol', { class: 'transcript', 'aria-live': 'polite' }),
      typing: el('p', { class: 'typing', hidden: true }, 'Customer is typing...'),
      input: el('textarea', { class: 'composer', rows: 2, maxlength: '4000', placeholder: 'Write to the customer (Enter sends)' }),
      note: el('input', { type: 'checkbox', class: 'note-toggle' }),
    };
    tab.note.addEventListener('change', () => {
      tab.input.placeholder = tab.note.checked ? 'Private note: agents and supervisors read it, never the customer'
        : 'Write to the customer (Enter sends)';
      tab.view.classList.toggle('noting', tab.note.checked);
    });
    tab.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        send(tab);
      }
    });
    tab.input.addEventListener('input', () => sendTyping(tab));
    tab.view = el('div', { class: 'chat', dataset: { interaction: i.id } }, identity(i), tab.transcript, tab.typing,
      el('div', { class: 'compose' }, tab.input, responsePicker(api, i.id, tab.input),
        el('label', { class: 'note', title: 'A line for colleagues and supervisors, not sent to the customer' },
          tab.note, 'Private note'),
        el('button', { type: 'button', class: 'primary send', onclick: () => send(tab) }, 'Send'),
        el('button', { type: 'button', class: 'end-chat', onclick: () => onEnd(i.id) }, 'End chat')));
    tabs.set(i.id, tab);
    tabBar.append(tab.button);
    loadTranscript(tab);
    return tab;
  }

  /** Whether the website signed the customer's email (README "Identity"); nothing for a chat made over the API. */
  function identity(i) {
    const verified = i.attributes?.identityVerified;
    if (typeof verified !== 'boolean') return null;
    return el('p', { class: `identity ${verified ? 'verified' : 'claimed'}` }, verified
      ? 'Signed in on the website: the email is the customer\'s'
      : 'Email typed into the form, not verified: check who this is before sharing account details');
  }

  /** After a reconnection: lines sent while the socket was down are not replayed, so each open tab reads again. */
  function reload() {
    for (const tab of tabs.values()) loadTranscript(tab);
  }

  async function loadTranscript(tab) {
    try {
      const messages = await api.get(`/api/v1/interactions/${encodeURIComponent(tab.id)}/messages`);
      for (const m of messages) tab.messages.set(m.seq, m);
      draw(tab);
    } catch (e) {
      notify(`transcript of ${tab.id}: ${e.message}`, 'error');
    }
  }

  function setStatus(tab, status) {
    tab.view.dataset.status = status;
    tab.button.dataset.status = status;
    const ended = status !== 'assigned';
    tab.input.disabled = ended;
    for (const b of tab.view.querySelectorAll('.compose button, .compose select, .compose input')) b.disabled = ended;
    if (ended) tab.input.placeholder = 'The chat ended: wrap it up under My interactions.';
  }

  function close(id) {
    const tab = tabs.get(id);
    clearTimeout(tab.typingTimer);
    tab.button.remove();
    tab.view.remove();
    tabs.delete(id);
    if (active === id) active = null;
  }

  function select(id) {
    active = id;
    for (const tab of tabs.values()) {
      const on = tab.id === id;
      tab.button.setAttribute('aria-selected', String(on));
      if (on) {
        tab.unread = 0;
        badge(tab);
      }
    }
    const tab = tabs.get(id);
    body.replaceChildren(tab.view);
    onSelect(tab.id, tab.customerId);
    tab.transcript.lastElementChild?.scrollIntoView({ block: 'end' });
  }

  function draw(tab) {
    const ordered = [...tab.messages.values()].sort((a, b) => a.seq - b.seq);
    tab.transcript.replaceChildren(...ordered.map((m) => el('li', {
      class: `message from-${m.from}${m.private ? ' private' : ''}`, dataset: { seq: m.seq } },
      el('span', { class: 'who' }, who(m)),
      el('span', { class: 'text' }, m.text),
      el('time', {}, new Date(m.at).toLocaleTimeString()))));
    tab.transcript.lastElementChild?.scrollIntoView({ block: 'end' });
  }

  // a supervisor's whisper reads "Sue (to you)"; our own notes "You (note)"; another agent's (before a transfer) by id
  function who(m) {
    const mine = m.from === 'agent' && (!m.agentId || m.agentId === agentId);
    const name = m.from === 'supervisor' ? m.name || 'supervisor' : mine ? 'You' : m.from === 'agent' ? m.agentId : m.from;
    if (!m.private) return name;
    return m.from === 'supervisor' ? `${name} (to you)` : `${name} (note)`;
  }

  async function send(tab) {
    const text = tab.input.value.trim();
    if (!text) return;
    const note = tab.note.checked;
    tab.input.value = '';
    try {
      const sent = await api.post(`/api/v1/interactions/${encodeURIComponent(tab.id)}/messages`,
        note ? { text, private: true } : { text });
      tab.messages.set(sent.seq, { seq: sent.seq, from: 'agent', agentId, text, private: note, at: serverNow() });
      draw(tab);
    } catch (e) {
      tab.input.value = text; // not sent: give it back to edit or retry
      notify(`message not sent: ${e.message}`, 'error');
    }
  }

  function sendTyping(tab) {
    const now = Date.now();
    if (now - tab.lastTypingSent < TYPING_SENT_EVERY_MS) return;
    tab.lastTypingSent = now;
    api.post(`/api/v1/interactions/${encodeURIComponent(tab.id)}/typing`).catch(() => {}); // a hint only
  }

  function badge(tab) {
    const b = tab.button.querySelector('.badge');
    b.hidden = tab.unread === 0;
    b.textContent = String(tab.unread);
  }

  /** Handles chat_message and chat_typing events; returns false for events of a chat without a tab yet. */
  function onEvent(m) {
    const tab = tabs.get(m.interaction);
    if (!tab) return false;
    if (m.type === 'chat_typing') {
      tab.typing.hidden = false;
      clearTimeout(tab.typingTimer);
      tab.typingTimer = setTimeout(() => { tab.typing.hidden = true; }, TYPING_SHOWN_MS);
      return true;
    }
    tab.typing.hidden = true;
    tab.messages.set(m.seq, m);
    draw(tab);
    if (active !== tab.id) {
      tab.unread += 1;
      badge(tab);
    }
    if (m.from === 'customer') notifyInBackground(`${tab.name} writes`, m.text);
    if (m.from === 'supervisor') notifyInBackground(`${m.name || 'A supervisor'} in ${tab.name}'s chat`, m.text);
    return true;
  }

  /** The chat on screen: the active tab's, while the chat panel shows (null otherwise). */
  const current = () => (panel.hidden ? null : active);

  return { sync, reload, onEvent, select, current };
}
