// Callbacks promised and not made yet (GET /callbacks/scheduled), soonest first: who promised what to whom, and a
// button to cancel one. Read again when one is scheduled, canceled or made (pushed events), never polled.
import { $, el, notify, throttle } from '../shared/dom.js';

const SHOWN = 50;

export function createCallbacksPanel(api) {
  const rows = $('#callbacks tbody');

  const read = throttle(async () => {
    try {
      const { callbacks } = await api.get(`/api/v1/callbacks/scheduled?limit=${SHOWN}`);
      rows.replaceChildren(...callbacks.map(row));
      $('#callbacks-empty').hidden = callbacks.length > 0;
    } catch (e) {
      notify(`callbacks: ${e.message}`, 'error');
    }
  }, 1000);

  function row(c) {
    const a = c.attributes || {};
    return el('tr', { dataset: { callback: c.id } },
      el('td', { class: 'num' }, new Date(c.dueAt).toLocaleString()),
      el('td', {}, a.callbackNumber || '-'),
      el('td', {}, c.customerId || '-'),
      el('td', {}, c.scheduledBy || (a.afterHours ? 'IVR, out of hours' : '-')),
      el('td', {}, a.note || ''),
      el('td', {}, el('button', { type: 'button', class: 'cancel-callback', onclick: () => cancel(c.id) }, 'Cancel')));
  }

  async function cancel(id) {
    try {
      await api.delete(`/api/v1/callbacks/scheduled/${encodeURIComponent(id)}`);
      notify(`callback ${id.slice(0, 8)} canceled`);
    } catch (e) {
      notify(`cancel ${id.slice(0, 8)}: ${e.message}`, 'error');
    }
    read();
  }

  /** Events that change the list: one scheduled, canceled or made. */
  function onEvent(m) {
    if (m.type === 'callback_scheduled' || m.type === 'callback_canceled' || m.type === 'callback_made') read();
  }

  return { read, onEvent };
}
