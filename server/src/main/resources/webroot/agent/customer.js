// The screen pop: what the server knows about the customer of an offered or held interaction.
import { $, el } from '../shared/dom.js';

export function createCustomerPanel(api) {
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
        el('dt', {}, 'Phones'), el('dd', {}, (c.phones || []).join(', ') || '-'),
        el('dt', {}, 'Emails'), el('dd', {}, (c.emails || []).join(', ') || '-'),
        el('dt', {}, 'Language'), el('dd', {}, c.language || '-')));
    } catch (e) {
      if (shownFor === interactionId) card.replaceChildren(el('p', { class: 'empty' }, `Customer: ${e.message}`));
    }
  }

  return { show, clear, shownFor: () => shownFor };
}
