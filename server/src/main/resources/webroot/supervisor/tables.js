// Rendering the queue and agent tables. Rows are keyed (data-queue, data-agent) so one event updates
// one row without redrawing the others.
import { el, duration } from '../shared/dom.js';

const STATES = ['available', 'reserved', 'busy', 'wrap_up', 'away', 'offline'];

// rounded down: 79.6 % shows 79, as the red "below target" it is, not 80 (the epsilon keeps 0.29 at 29)
function percent(value) {
  return value === null || value === undefined ? '-' : `${Math.floor(value * 100 + 1e-9)} %`;
}

// Outside its hours of operation: when it opens, in the supervisor's own time
function hoursBadge(q) {
  if (q.open !== false) return null;
  const opens = q.nextChange ? new Date(q.nextChange).toLocaleString(undefined,
    { weekday: 'short', hour: '2-digit', minute: '2-digit' }) : '';
  return el('span', { class: 'closed', title: `hours: ${q.hours}` }, opens ? `closed, opens ${opens}` : 'closed');
}

/** @param now the server's time of the reading: the longest wait counts on from it (tickLongestWaits) */
export function queueRow(q, now) {
  const sl = q.serviceLevel || {};
  const below = sl.today !== null && sl.today !== undefined && q.serviceLevelTarget && sl.today < q.serviceLevelTarget;
  return el('tr', { dataset: { queue: q.queue, open: String(q.open !== false) } },
    el('td', {}, q.queue, hoursBadge(q)),
    el('td', { class: 'num waiting' }, q.waiting),
    el('td', { class: 'num longest', dataset: { since: q.waiting > 0 ? String(now - (q.longestWaitSeconds || 0) * 1000) : '' } },
      duration((q.longestWaitSeconds || 0) * 1000)),
    el('td', { class: below ? 'num alert' : 'num' }, percent(sl.today)),
    el('td', { class: 'num' }, percent(sl.last15m)),
    el('td', { class: 'num' }, q.serviceLevelTarget ? `${percent(q.serviceLevelTarget)} in ${q.serviceLevelSeconds} s` : '-'),
    ...STATES.map((s) => el('td', { class: `num agents-${s}` }, q.agents?.[s] ?? 0)));
}

/**
 * @param a the agent as GET /api/v1/agents gives it
 * @param onSetState (agentId, state, reason) => void
 * @param callCell the row's call cell content (supervisors on the call, the buttons to join it)
 * @param onOpen (interactionId) => void, a held interaction clicked (a chat opens to watch)
 */
export function agentRow(a, onSetState, callCell, onOpen) {
  const label = a.state === 'away' && a.reason ? `away (${a.reason})` : a.state.replace('_', '-');
  const button = (text, state, reason) => el('button', { type: 'button', dataset: { set: state },
    onclick: () => onSetState(a.id, state, reason) }, text);
  return el('tr', { dataset: { agent: a.id, state: a.state } },
    el('td', {}, a.name ? `${a.name} (${a.id})` : a.id),
    el('td', {}, a.team || '-'),
    el('td', {}, el('span', { class: 'state', dataset: { state: a.state } }, label)),
    el('td', { class: 'num since', dataset: { since: a.stateSince || '' } }, ''),
    el('td', { class: 'interactions' }, (a.interactions || []).length === 0 ? (a.reservation ? `offer ${a.reservation}` : '-')
      : a.interactions.map((id) => el('button', { type: 'button', class: 'held', dataset: { interaction: id },
        title: 'Open (a chat opens to watch, below)', onclick: () => onOpen(id) }, id))),
    el('td', { class: 'call' }, callCell),
    el('td', {}, el('div', { class: 'set-state' },
      button('Available', 'available'), button('Away', 'away', 'supervisor'), button('Offline', 'offline'),
      // offline, and the agent's session ended: its desk is closed, its token no longer works
      button('Sign out', 'sign-out'))));
}

/** The longest waits go on between readings: a quiet floor sends no event to read them again. */
export function tickLongestWaits(table, now) {
  for (const cell of table.querySelectorAll('td.longest')) {
    const since = Number(cell.dataset.since);
    if (since) cell.textContent = duration(Math.max(0, now - since));
  }
}

/** Refreshes the "time in state" cells from their stateSince (server times, so against the server's clock). */
export function tickTimes(table, now) {
  for (const cell of table.querySelectorAll('td.since')) {
    const since = Number(cell.dataset.since);
    cell.textContent = since ? duration(now - since) : '-';
  }
}

/** Puts a row in place of the row with the same key, or appends it (keeping the table sorted by key). */
export function upsertRow(tbody, row, key) {
  const id = row.dataset[key];
  const old = [...tbody.children].find((r) => r.dataset[key] === id);
  if (old) {
    const changed = old.textContent !== row.textContent;
    old.replaceWith(row);
    if (changed) row.classList.add('flash');
    return;
  }
  const after = [...tbody.children].find((r) => r.dataset[key] > id);
  tbody.insertBefore(row, after || null);
}
