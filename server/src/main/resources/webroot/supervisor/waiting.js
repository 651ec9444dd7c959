// The waiting line of one queue, in serving order, with the supervisor's actions on each waiting
// interaction: set or raise its priority, move it to another queue, give it to an agent, or correct an
// attribute (the workflow then routes it again, as for any attribute update). Like the other
// tables it is re-read when pushed events say the floor changed, never polled.
import { attributePatch } from '../shared/attributes.js';
import { $, el, duration, notify } from '../shared/dom.js';

const LIMIT = 50;

/**
 * @param api the staff API client
 * @param guarded (what, fn) runs fn and shows its error (logging out on a refused key)
 * @param now () => the server's time now, in ms
 * @param signal aborted at logout, which removes this login's listeners (the next login adds its own)
 */
export function createWaitingPanel(api, guarded, now, signal) {
  const choice = $('#waiting-queue');
  const body = $('#waiting tbody');
  let agents = []; // the directory's agents, available first; re-read when a picker is opened
  let deferred = false;
  const explanations = new Map(); // interaction id -> its "Why?" row

  choice.addEventListener('change', () => read(), { signal });
  // a redraw would wipe what the supervisor is typing or choosing: wait until the focus leaves the field
  const editing = () => body.contains(document.activeElement) && document.activeElement.matches('input, select');
  body.addEventListener('focusout', () => {
    setTimeout(() => {
      if (deferred && !editing()) read();
    }, 0);
  }, { signal });

  /** Keeps the queue choice in step with the queue table (first queue chosen at start). */
  function queuesAre(names) {
    const known = [...choice.options].map((o) => o.value);
    if (known.join() === names.join()) return;
    const chosen = choice.value;
    choice.replaceChildren(...names.map((q) => el('option', { value: q }, q)));
    choice.value = names.includes(chosen) ? chosen : names[0] || '';
    read();
  }

  const read = () => guarded('waiting', async () => {
    const queue = choice.value;
    if (!queue) return;
    if (editing()) {
      deferred = true;
      return;
    }
    deferred = false;
    const line = await api.get(`/api/v1/queues/${encodeURIComponent(queue)}/waiting?limit=${LIMIT}`);
    if (queue !== choice.value) return; // the choice changed meanwhile; its own read draws
    if (agents.length === 0) await readAgents();
    if (editing()) { // the supervisor started choosing while we read: draw when the field is left
      deferred = true;
      return;
    }
    body.replaceChildren(...line.map((i) => row(queue, i)));
    keepExplanations();
    $('#waiting-empty').hidden = line.length > 0;
    tick();
  });

  function row(queue, i) {
    const priority = el('input', { type: 'number', class: 'priority-value', step: '1', value: Math.round(i.priority),
      'aria-label': 'priority' });
    const moveTo = el('select', { class: 'move-to', 'aria-label': 'move to queue' },
      ...[...choice.options].map((o) => o.value).filter((q) => q !== queue).map((q) => el('option', { value: q }, q)));
    const assignTo = el('select', { class: 'assign-to', 'aria-label': 'give to agent' });
    fillAgents(assignTo);
    // the whole directory is read only when a supervisor is about to choose from it, not on every event
    assignTo.addEventListener('focus', async () => {
      await readAgents();
      fillAgents(assignTo);
    });
    const post = (what, path, payload) => guarded(`${what} ${i.id}`, async () => {
      await api.post(`/api/v1/interactions/${encodeURIComponent(i.id)}/${path}`, payload);
      notify(`${what} ${i.id}: done`);
    });
    const attribute = el('input', { type: 'text', class: 'attribute', placeholder: 'language=es',
      'aria-label': 'set attribute (name=value; name= removes it)' });
    const setAttribute = () => guarded(`attribute ${i.id}`, async () => {
      const patch = attributePatch(attribute.value);
      if (!patch) throw new Error('write name=value (name= removes it)');
      const r = await api.patch(`/api/v1/interactions/${encodeURIComponent(i.id)}`, { attributes: patch });
      notify(`${i.id.slice(0, 8)}: ${r.rerouted ? `routed again to ${r.queue}` : r.rerouteProblem || 'same route'}`);
    });
    return el('tr', { dataset: { interaction: i.id } },
      el('td', { class: 'num' }, i.position),
      el('td', {}, i.id.slice(0, 8)),
      el('td', {}, i.channel),
      el('td', {}, i.customerId || '-'),
      el('td', { class: 'context' }, Object.entries(i.attributes || {}).filter(([k]) => k !== 'voice')
        .map(([k, v]) => `${k}=${v !== null && typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ')),
      el('td', { class: 'num priority' }, i.priority.toFixed(1)),
      el('td', { class: 'num waited', dataset: { since: i.queuedAt } }, ''),
      el('td', { class: 'actions-cell' },
        priority,
        el('button', { type: 'button', class: 'set-priority',
          // an emptied box is no priority (Number('') would set 0)
          onclick: () => (priority.value.trim() === '' ? notify(`priority ${i.id}: enter a number`, 'error')
            : post('priority', 'priority', { priority: Number(priority.value) })) }, 'Set'),
        el('button', { type: 'button', class: 'raise', onclick: () => post('raise', 'priority', { raise: 10 }) }, '+10'),
        moveTo, el('button', { type: 'button', class: 'move',
          onclick: () => post('move', 'transfer', { queue: moveTo.value }) }, 'Move'),
        assignTo, el('button', { type: 'button', class: 'assign',
          onclick: () => post('assign', 'transfer', { agentId: assignTo.value }) }, 'Give'),
        attribute, el('button', { type: 'button', class: 'set-attribute', onclick: setAttribute }, 'Set'),
        el('button', { type: 'button', class: 'why', onclick: () => why(i.id) }, 'Why?')));
  }

  /**
   * Why it still waits (GET /interactions/{id}/explain): each agent of its step and its reason, under its row, kept
   * there (as of when it was asked) when the line is redrawn; Why? again reads it anew.
   */
  const why = (id) => guarded(`why ${id}`, async () => {
    const x = await api.get(`/api/v1/interactions/${encodeURIComponent(id)}/explain`);
    const agents = x.step.agents.map((a) => el('li', { dataset: { agent: a.agentId, eligible: String(a.eligible) } },
      `${a.agentId}: ${a.reason}`));
    const explanation = el('tr', { class: 'why-row', dataset: { interaction: id } }, el('td', { colspan: 8 },
      `As of ${new Date(now()).toLocaleTimeString()}, step ${x.step.step + 1} of ${x.steps} in ${x.step.queue}`
        + `${x.step.agentExpression ? ` (${x.step.agentExpression})` : ''}:`,
      agents.length ? el('ul', {}, agents) : ' no agents.'));
    explanations.get(id)?.remove();
    explanations.set(id, explanation);
    // the line may have been redrawn while this was read: the row of now, if it is still waiting
    const current = body.querySelector(`tr[data-interaction="${CSS.escape(id)}"]:not(.why-row)`);
    if (current) current.after(explanation);
  });

  /** Puts the explanations asked for back under their rows after a redraw; those of contacts gone are dropped. */
  function keepExplanations() {
    for (const [id, explanation] of explanations) {
      const row = body.querySelector(`tr[data-interaction="${CSS.escape(id)}"]:not(.why-row)`);
      if (row) row.after(explanation);
      else explanations.delete(id);
    }
  }

  async function readAgents() {
    try {
      agents = (await api.get('/api/v1/directory')).agents;
    } catch (e) {
      notify(`agents: ${e.message}`, 'error');
    }
  }

  function fillAgents(select) {
    const chosen = select.value;
    select.replaceChildren(...agents.map((a) => el('option', { value: a.id },
      `${a.name || a.id} (${a.state.replace('_', '-')})`)));
    if (chosen) select.value = chosen;
  }

  function tick() {
    const t = now();
    for (const cell of body.querySelectorAll('td.waited')) cell.textContent = duration(t - Number(cell.dataset.since));
  }

  return { queuesAre, read, tick };
}
