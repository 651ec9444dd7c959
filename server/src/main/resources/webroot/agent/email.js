// The emails the agent holds: the message, the case it threads onto (with its history), and a reply
// box. Like the chat tabs, each email's view is kept across re-reads so a reply being written survives
// the events that redraw the rest of the desk.
import { $, el } from '../shared/dom.js';
import { responsePicker } from './responses.js';

export function createEmailPanel(api) {
  const panel = $('#emails');
  const list = $('#email-list');
  const views = new Map(); // interaction id -> view

  /** One view per held email; views of emails no longer held go away. */
  function sync(held) {
    const emails = held.filter((i) => i.channel === 'email');
    const ids = new Set(emails.map((i) => i.id));
    for (const [id, view] of views) {
      if (!ids.has(id)) {
        view.remove();
        views.delete(id);
      }
    }
    for (const i of emails) {
      if (!views.has(i.id)) {
        const view = open(i);
        views.set(i.id, view);
        list.append(view);
      }
      views.get(i.id).dataset.status = i.status;
    }
    panel.hidden = views.size === 0;
  }

  function open(i) {
    const message = el('div', { class: 'email-message' }, el('p', { class: 'empty' }, 'Loading the email...'));
    const caseBox = el('div', { class: 'email-case' });
    const text = el('textarea', { name: 'reply', class: 'reply-text', rows: 4, maxlength: '20000',
      placeholder: 'Your reply' });
    const pending = el('input', { type: 'checkbox', name: 'pendingCustomer', class: 'pending-customer' });
    const status = el('p', { class: 'reply-status', role: 'status' });
    const send = el('button', { class: 'primary send-reply', type: 'submit' }, 'Send reply');
    const form = el('form', { class: 'reply' }, text,
      el('div', { class: 'actions' }, responsePicker(api, i.id, text),
        el('label', { class: 'inline' }, pending, ' waiting on the customer'), send),
      status);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (send.disabled) return;
      send.disabled = true; // one click, one email: a second click while the first is sent would mail it twice
      try {
        await reply(i.id, text, pending, status);
      } finally {
        send.disabled = false;
      }
      if (caseBox.dataset.case) showCase(caseBox.dataset.case, caseBox, i.id); // the thread with this reply
    });
    const attachId = el('input', { class: 'attach-case-id', placeholder: 'case id', size: 10, 'aria-label': 'case id' });
    const attach = el('div', { class: 'attach' }, 'Belongs to another case? ', attachId,
      el('button', { type: 'button', class: 'attach-case', onclick: () => attachTo(i.id, attachId, caseBox) }, 'Attach'));
    load(i.id, message, caseBox);
    return el('article', { class: 'email', dataset: { interaction: i.id } }, message, caseBox, attach, form);
  }

  async function load(id, message, caseBox) {
    try {
      const m = await api.get(`/api/v1/interactions/${encodeURIComponent(id)}/email`);
      // answers go to Reply-To: said plainly when it is another address (a forged From gets replies elsewhere)
      const elsewhere = m.replyTo && m.replyTo.toLowerCase() !== (m.from || '').toLowerCase();
      message.replaceChildren(...[
        el('h3', { class: 'email-subject' }, m.subject || '(no subject)'),
        el('p', { class: 'email-from' }, m.fromName ? `${m.fromName} <${m.from}>` : m.from),
        elsewhere ? el('p', { class: 'email-reply-to' }, `Replies go to ${m.replyTo}, not the sender's address`) : null,
        el('pre', { class: 'email-text' }, (m.text || '').replace(/\r\n/g, '\n')),
      ].filter(Boolean)); // replaceChildren, unlike el, would show a false or a null as text
      if (m.caseId) showCase(m.caseId, caseBox, id);
    } catch (e) {
      message.replaceChildren(el('p', { class: 'empty' }, `Email: ${e.message}`));
    }
  }

  /** The case with its whole email thread, newest first: what the customer wrote before and what was answered. */
  async function showCase(caseId, box, id) {
    try {
      const c = await api.get(`/api/v1/cases/${encodeURIComponent(caseId)}`);
      box.dataset.case = c.id;
      const others = (c.emails || []).filter((m) => !(m.direction === 'inbound' && m.interactionId === id)).reverse();
      box.replaceChildren(
        el('h4', {}, 'Case ', el('span', { class: 'case-id' }, c.id), ' - ',
          el('span', { class: 'case-status' }, c.status)),
        el('p', { class: 'case-subject' }, c.subject || ''),
        el('p', { class: 'case-thread' }, `${(c.interactions || []).length} contact(s) on this case`),
        ...(c.notes || []).map((n) => el('p', { class: 'case-note' }, `${n.author}: ${n.text}`)),
        // replaceChildren shows a false as text: only a list when there is one
        ...(others.length > 0 ? [el('ol', { class: 'case-emails' }, ...others.map(threadEntry))] : []));
    } catch (e) {
      box.replaceChildren(el('p', { class: 'empty' }, `Case ${caseId}: ${e.message}`));
    }
  }

  function threadEntry(m) {
    const who = m.direction === 'inbound' ? `from ${m.from}` : `to ${m.to}`;
    const when = m.at ? new Date(m.at).toLocaleString() : '';
    const state = m.status === 'failed' ? ' (not sent)' : '';
    return el('li', { class: m.direction, dataset: { status: m.status || '' } },
      el('p', { class: 'thread-head' }, `${when} ${who}${state}: ${m.subject || '(no subject)'}`),
      el('blockquote', { class: 'thread-text' }, (m.text || '').replace(/\r\n/g, '\n').slice(0, 600)));
  }

  /** Links the email to the case the agent names (one of the same customer's), then shows that case. */
  async function attachTo(id, input, caseBox) {
    const caseId = input.value.trim();
    if (!caseId) return;
    try {
      await api.post(`/api/v1/cases/${encodeURIComponent(caseId)}/interactions`, { interactionId: id });
      input.value = '';
      caseBox.querySelectorAll('.attach-error').forEach((e) => e.remove());
      showCase(caseId, caseBox, id); // this email is no "earlier message" of the case it moved to
    } catch (e) {
      caseBox.append(el('p', { class: 'attach-error', role: 'alert' }, `Case ${caseId}: ${e.message}`));
    }
  }

  async function reply(id, text, pending, status) {
    const body = { text: text.value.trim(), pendingCustomer: pending.checked };
    if (!body.text) return;
    status.dataset.kind = 'info';
    status.textContent = 'Sending...';
    try {
      const sent = await api.post(`/api/v1/interactions/${encodeURIComponent(id)}/reply`, body);
      status.textContent = `Reply sent (${sent.messageId}).`;
      text.value = '';
    } catch (e) {
      // 503 outbound mail off, 502 the send failed: the server's message says which; the text stays
      status.dataset.kind = 'error';
      status.textContent = `Reply not sent: ${e.message}`;
    }
  }

  return { sync };
}
