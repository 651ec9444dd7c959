// Agents' chats the supervisor watches (Amazon Connect's chat monitoring). A chat is opened from the agent table; the
// console's WebSocket is told to `watch` it first, and its transcript is read once the server answers `watching`, so
// no line falls in between (lines are kept by seq, whatever order the read and the pushed ones arrive in). After every reconnection (`hello`) the watches
// are sent again and the transcripts read again. From a chat the supervisor whispers to the agent (the customer never
// reads it) or writes to the customer under their own name, which the agent sees too.
import { $, el, notify } from '../shared/dom.js';

const NAME_KEY = 'switchboard.supervisor.name';
const ENDED = new Set(['wrapping', 'completed', 'canceled', 'transferred']);

/**
 * @param send (frame) => boolean, writes a frame on the console's WebSocket if it is open
 * @param signal aborted at logout, which removes this login's listener
 */
export function createChatWatch(api, guarded, send, signal) {
  const panel = $('#chats-panel');
  const list = $('#watched-chats');
  const name = $('#my-name');
  name.value = localStorage.getItem(NAME_KEY) || '';
  name.addEventListener('change', () => localStorage.setItem(NAME_KEY, name.value.trim()), { signal });
  const chats = new Map(); // interaction id -> card

  const open = (id) => guarded(`watch ${id}`, async () => {
    if (chats.has(id)) return;
    const i = await api.get(`/api/v1/interactions/${encodeURIComponent(id)}`);
    if (i.channel !== 'chat') {
      notify(`${id} is a ${i.channel}: only chats are watched here (a call is joined from the Call column)`);
      return;
    }
    const chat = card(i);
    chats.set(id, chat);
    list.prepend(chat.view);
    panel.hidden = false;
    follow(chat);
  });

  /** Watch first; once the server says `watching`, read (read): a line written in between comes pushed, kept once by seq. */
  function follow(chat) {
    send({ type: 'watch', interaction: chat.id });
  }

  async function read(chat) {
    try {
      const [i, lines] = await Promise.all([api.get(`/api/v1/interactions/${encodeURIComponent(chat.id)}`),
        api.get(`/api/v1/interactions/${encodeURIComponent(chat.id)}/messages`)]);
      for (const m of lines) chat.lines.set(m.seq, m);
      draw(chat);
      setStatus(chat, i.status, i.agentId);
    } catch (e) {
      notify(`transcript of ${chat.id}: ${e.message}`, 'error');
    }
  }

  /** Writing is possible while an agent holds the chat; the header names that agent. */
  function setStatus(chat, status, agent) {
    chat.view.dataset.status = status;
    chat.status.textContent = status;
    if (agent) chat.who.textContent = ` with ${agent} · `;
    const held = status === 'assigned';
    for (const c of chat.view.querySelectorAll('textarea, .chat-actions button')) c.disabled = !held;
    chat.input.placeholder = held ? `Whisper to ${agent || 'the agent'}, or write to the customer`
      : 'Nobody holds the chat now: nothing to write';
  }

  function card(i) {
    const chat = { id: i.id, lines: new Map() };
    chat.transcript = el('ol', { class: 'transcript', 'aria-live': 'polite' });
    chat.status = el('span', { class: 'chat-status' });
    chat.who = el('span', {}, ' · ');
    chat.input = el('textarea', { rows: 2, maxlength: '4000', 'aria-label': 'message' });
    const customer = i.attributes?.customerName || i.customerId || '';
    chat.view = el('article', { class: 'watched-chat', dataset: { interaction: i.id } },
      el('header', {}, el('strong', {}, customer || i.id), chat.who, `${i.queue} · `, chat.status,
        el('button', { type: 'button', class: 'unwatch', onclick: () => close(chat.id) }, 'Stop watching')),
      chat.transcript, chat.input,
      el('div', { class: 'chat-actions' },
        el('button', { type: 'button', class: 'whisper', onclick: () => write(chat, true) }, 'Whisper to agent'),
        el('button', { type: 'button', class: 'to-customer', onclick: () => write(chat, false) }, 'Write to customer')));
    setStatus(chat, i.status, i.agentId);
    return chat;
  }

  function draw(chat) {
    const ordered = [...chat.lines.values()].sort((a, b) => a.seq - b.seq);
    chat.transcript.replaceChildren(...ordered.map((m) => el('li', {
      class: `message from-${m.from}${m.private ? ' private' : ''}`, dataset: { seq: m.seq } },
      el('span', { class: 'who' }, who(m)), el('span', { class: 'text' }, m.text),
      el('time', {}, new Date(m.at).toLocaleTimeString()))));
    chat.transcript.scrollTop = chat.transcript.scrollHeight; // within the card: the page stays where it is
  }

  function who(m) {
    const name = m.from === 'supervisor' ? m.name || 'supervisor' : m.from === 'agent' ? m.agentId || 'agent' : m.from;
    if (!m.private) return name;
    return m.from === 'supervisor' ? `${name} (whisper)` : `${name} (note)`;
  }

  const write = (chat, whisper) => guarded(whisper ? 'whisper' : 'message', async () => {
    const text = chat.input.value.trim();
    if (!text) return;
    const body = { text, private: whisper };
    if (name.value.trim()) body.name = name.value.trim();
    const sent = await api.post(`/api/v1/interactions/${encodeURIComponent(chat.id)}/messages`, body);
    chat.input.value = '';
    chat.lines.set(sent.seq, { seq: sent.seq, from: 'supervisor', name: body.name || 'supervisor', text,
      private: whisper, at: Date.now() });
    draw(chat);
  });

  function close(id) {
    if (!chats.has(id)) return;
    send({ type: 'unwatch', interaction: id });
    remove(id);
  }

  function remove(id) {
    chats.get(id).view.remove();
    chats.delete(id);
    panel.hidden = chats.size === 0;
  }

  /** Every event of the console's socket; true when it was this panel's. */
  function onEvent(m) {
    if (m.type === 'hello') {
      for (const chat of chats.values()) follow(chat);
      return false;
    }
    if (m.type === 'chat_message') {
      const chat = chats.get(m.interaction);
      if (chat) {
        chat.lines.set(m.seq, m);
        draw(chat);
      }
      return true;
    }
    if (m.type === 'watching') {
      const chat = chats.get(m.interaction);
      if (chat) read(chat);
      return true;
    }
    if (m.type === 'unwatched') return true;
    if (m.type === 'error' && chats.has(m.interaction)) {
      notify(m.message, 'error'); // refused (too many watched): the card would never be live
      remove(m.interaction);
      return true;
    }
    const chat = chats.get(m.interaction);
    if (chat && (ENDED.has(m.type) || m.type === 'assigned')) {
      setStatus(chat, m.type === 'assigned' ? 'assigned' : m.type, m.agent);
    }
    return false;
  }

  return { open, onEvent };
}
