// SLA timers at risk and breaches. Breaches are read from GET /sla/breaches; timers at risk from
// GET /sla/at-risk and, between reads, from the pushed `sla_warn` events (a breach or an ended
// interaction takes its timer off the at-risk list at the next read).
import { $, el, duration } from '../shared/dom.js';

const BREACHES_SHOWN = 20;

/**
 * @param api the staff API client
 * @param now () => the server's time now, in ms
 */
export function createSlaPanel(api, now) {
  const risky = $('#at-risk tbody');
  const breaches = $('#breaches tbody');

  async function read() {
    await Promise.all([readAtRisk(), readBreaches()]);
  }

  async function readAtRisk() {
    try {
      const { timers } = await api.get('/api/v1/sla/at-risk');
      risky.replaceChildren(...timers.map((t) => riskRow(t.kind === 'case' ? 'case' : 'interaction', t.id, t.policy,
        t.target, t.dueAt, t.state)));
      status('#at-risk-status', timers.length === 0 ? 'Nothing at risk.' : '', 'info');
    } catch (e) {
      // the endpoint may be missing on this server: pushed warnings still show below the message
      status('#at-risk-status', `At-risk list unavailable: ${e.message}`, 'error');
    }
    tick();
  }

  async function readBreaches() {
    try {
      const list = (await api.get(`/api/v1/sla/breaches?limit=${BREACHES_SHOWN}`)).breaches;
      breaches.replaceChildren(...list.map((b) => el('tr', { dataset: { interaction: b.interaction || '' } },
        // a case's breach names its case (C-10011); an interaction's the start of its id, as elsewhere on the console
        el('td', {}, b.case ? `case ${b.case}` : (b.interaction || b.id || '').slice(0, 8)),
        el('td', {}, b.queue || '-'),
        el('td', {}, `${b.policy || '-'} ${b.target || ''}`),
        el('td', { class: `severity ${b.severity || ''}` }, b.severity || '-'),
        el('td', { class: 'num' }, new Date(b.breachedAt).toLocaleTimeString()))));
      status('#breaches-status', list.length === 0 ? 'No breaches.' : '', 'info');
    } catch (e) {
      status('#breaches-status', `Breaches unavailable: ${e.message}`, 'error');
    }
  }

  function riskRow(kind, id, policy, target, dueAt, state) {
    return el('tr', { dataset: { id, kind } },
      el('td', {}, `${kind} ${String(id).slice(0, 8)}`),
      el('td', {}, `${policy || '-'} ${target || ''}`),
      el('td', {}, state || 'warning'),
      el('td', { class: 'num due', dataset: { due: dueAt } }, ''));
  }

  /**
   * Pushed SLA events: a warning joins the list at once, a breach or severity change re-reads. A case's timers
   * name it `case`, an interaction's `interaction`.
   */
  function onEvent(m) {
    const id = m.interaction || m.case || '';
    if (m.type === 'sla_warn') {
      const old = risky.querySelector(`tr[data-id="${CSS.escape(id)}"]`);
      // the event's dueAt is when the warning step was due; the target is remainingMs after it
      const row = riskRow(m.case ? 'case' : 'interaction', id, m.policy, m.target, m.dueAt + (m.remainingMs || 0),
        'warning');
      if (old) old.replaceWith(row);
      else risky.append(row);
      status('#at-risk-status', '', 'info'); // not "Nothing at risk." under a row any more
      tick();
    } else if (m.type === 'sla_policy_changed') {
      readAtRisk(); // another agreement: another due time, maybe no longer at risk
    } else if (m.type === 'sla_breach' || m.type === 'sla_severity' || m.type === 'sla_met') {
      // no longer at risk: breached (now among the breaches) or met
      risky.querySelector(`tr[data-id="${CSS.escape(id)}"]`)?.remove();
      read();
    }
  }

  function tick() {
    const t = now();
    for (const cell of risky.querySelectorAll('td.due')) {
      const left = Number(cell.dataset.due) - t;
      cell.textContent = left >= 0 ? `in ${duration(left)}` : `${duration(-left)} late`;
    }
  }

  function status(selector, text, kind) {
    const line = $(selector);
    line.textContent = text;
    line.dataset.kind = kind;
    line.hidden = !text;
  }

  return { read, onEvent, tick };
}
