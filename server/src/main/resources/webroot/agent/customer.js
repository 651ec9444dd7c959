// The screen pop: what the server knows about the customer of an offered or held interaction.
import { $, el, notify } from '../shared/dom.js';

/** Enough to see the pattern (a third call this week) without scrolling the panel. */
const LAST_CONTACTS = 5;

/** @param onDial (number, customerId) => void, calls the customer from the agent's phone */
export function createCustomerPanel(api, { onDial } = {}) {
  const card = $('#customer-card');
  let shownFor = null;

  function clear() {
    shownFor = null;
    card.replaceChildren(el('p', { class: 'empty' }, 'No customer on screen.'));
  }

  async function show(interactionId, customerId) {
    shownFor = interactionId;
    if (!customerId) {
      card.replaceChildren(el('p', { class: 'empty' }, 'Unknown customer (none identified).'));
      return;
    }
    card.replaceChildren(el('p', { class: 'empty' }, `Looking up ${customerId}...`));
    try {
      const c = await api.get(`/api/v1/interactions/${encodeURIComponent(interactionId)}/customer`);
      if (shownFor !== interactionId) return; // another interaction took the screen meanwhile
      card.replaceChildren(el('dl', { id: 'customer-details', dataset: { customer: c.id } },
        el('dt', {}, 'Name'), el('dd', { id: 'customer-name' }, c.name || '-'),
        el('dt', {}, 'Customer'), el('dd', {}, c.id),
        el('dt', {}, 'Tier'), el('dd', { class: 'tier' }, c.tier || '-'),
        el('dt', {}, 'Lifetime value'), el('dd', {}, Number(c.lifetimeValue || 0).toLocaleString()),
        el('dt', {}, 'Phones'), el('dd', { class: 'phones' }, (c.phones || []).length === 0 ? '-'
          : c.phones.map((p) => el('button', { type: 'button', class: 'dial-customer', dataset: { number: p },
            title: 'Call from my phone', onclick: () => onDial?.(p, c.id) }, p))),
        el('dt', {}, 'Emails'), el('dd', {}, (c.emails || []).join(', ') || '-'),
        el('dt', {}, 'Language'), el('dd', {}, c.language || '-')));
      history(interactionId, c.id, (c.emails || []).length > 0);
    } catch (e) {
      if (shownFor === interactionId) card.replaceChildren(el('p', { class: 'empty' }, `Customer: ${e.message}`));
    }
  }

  /** The 360° view's timeline under the profile: open cases and the last contacts on every channel. */
  async function history(interactionId, customerId, mailable) {
    try {
      const view = await api.get(`/api/v1/customers/${encodeURIComponent(customerId)}`);
      if (shownFor !== interactionId) return;
      const open = (view.cases || []).filter((k) => ['new', 'open', 'pending_customer'].includes(k.status));
      const contacts = (view.interactions || []).slice(0, LAST_CONTACTS);
      const promised = view.scheduledCallbacks || [];
      card.append(
        // a callback promised and not made yet: the customer calling again is told when, and by whom
        ...(promised.length === 0 ? [] : [el('h3', {}, 'Callbacks promised'),
          el('ul', { id: 'customer-callbacks' }, ...promised.map((p) => el('li', { dataset: { callback: p.id } },
            `${new Date(p.dueAt).toLocaleString()} to ${p.attributes?.callbackNumber || '-'}`
              + `${p.scheduledBy ? ` by ${p.scheduledBy}` : ' (left out of hours)'}`
              + `${p.attributes?.note ? `: ${p.attributes.note}` : ''}`)))]),
        el('h3', {}, 'Open cases'),
        open.length === 0 ? el('p', { class: 'empty' }, 'None.')
          : el('ul', { id: 'customer-cases' }, ...open.map((k) => el('li', { dataset: { case: k.id } },
            `${k.id} ${k.subject || ''} (${k.status.replace('_', ' ')}) `,
            mailable && el('button', { type: 'button', class: 'write-case',
              onclick: (e) => e.target.replaceWith(caseMail(k)) }, 'Email')))),
        el('h3', {}, 'Last contacts'),
        el('ul', { id: 'customer-contacts' }, ...contacts.map((i) => el('li', { dataset: { interaction: i.id } },
          `${i.created ? new Date(i.created).toLocaleString() : '-'} ${i.channel}`
            + `${i.direction === 'outbound' ? ' out' : ` ${i.queue || ''}`} `
            // the contact on screen changes status as the agent works it: its card says which, live
            + `${i.id === interactionId ? 'this contact' : i.disposition || i.status}`))));
    } catch (e) {
      if (shownFor === interactionId) card.append(el('p', { class: 'empty' }, `History: ${e.message}`));
    }
  }

  /** A mail to the customer on the case (to the first address on record; the answer threads onto the case). */
  function caseMail(k) {
    const text = el('textarea', { rows: 3, maxlength: '100000', 'aria-label': `email on ${k.id}`,
      placeholder: `To the customer, on ${k.id}` });
    const button = el('button', { type: 'submit', class: 'primary' }, 'Send');
    return el('form', { class: 'case-mail', onsubmit: async (e) => {
      e.preventDefault();
      if (!text.value.trim()) return;
      button.disabled = true;
      try {
        const sent = await api.post(`/api/v1/cases/${encodeURIComponent(k.id)}/emails`, { text: text.value });
        notify(`email on ${k.id} sent to ${sent.to}`);
        text.value = '';
      } catch (err) {
        notify(`email on ${k.id}: ${err.message}`, 'error');
      } finally {
        button.disabled = false;
      }
    } }, text, button);
  }

  return { show, clear, shownFor: () => shownFor };
}
