// The interactions the agent holds: each as a card with its state, call controls and transfer (blind, or warm:
// consult a colleague first) while talking, and the wrap-up form (disposition, notes, revenue for codes that
// carry it, the case's new status) once the conversation ended.
import { attributePatch, attributeRows } from '../shared/attributes.js';
import { $, el, notify } from '../shared/dom.js';

export function createWorkPanel(api, { agentId, onChanged, onShowCustomer }) {
  const list = $('#work-list');
  let directory = { queues: [], agents: [] };
  let dispositions = [];
  const lastRead = new Map(); // interaction id -> as last read, kept when a read fails for a reason that is not its end

  /** The wrap-up codes (desktop.dispositions); read again by a wrap-up form that finds none (this read failed). */
  async function readDispositions() {
    try {
      dispositions = await api.get('/api/v1/dispositions');
    } catch (e) {
      notify(`dispositions: ${e.message}`, 'error');
    }
  }
  readDispositions();

  /** Transfer targets (GET /directory, available agents first); read again whenever a picker is opened. */
  async function loadDirectory() {
    try {
      directory = await api.get('/api/v1/directory');
    } catch (e) {
      notify(`transfer targets: ${e.message}`, 'error');
    }
  }
  loadDirectory();

  /**
   * Reads the held interactions (ids as GET /agents/{id} lists them); one that just ended (404) or went to someone
   * else (403) is left out. Any other failure (a node restarting, the network) says nothing about the interaction:
   * it stays as last read, with its card, chat tab and what the agent was typing, until the next event reads again.
   */
  async function load(ids) {
    const items = await Promise.all(ids.map(async (id) => {
      try {
        return await api.get(`/api/v1/interactions/${encodeURIComponent(id)}`);
      } catch (e) {
        if (e.status === 404 || e.status === 403) return null;
        notify(`interaction ${id}: ${e.message}`, 'error');
        return lastRead.get(id) || null;
      }
    }));
    const held = items.filter(Boolean);
    lastRead.clear();
    for (const i of held) lastRead.set(i.id, i);
    return held;
  }

  /**
   * Draws the held interactions. A card whose interaction is in the same status (and call state: on hold,
   * consulting) is kept as it is, not redrawn: events arrive while the agent types wrap-up notes or picks a
   * transfer target.
   */
  function show(held) {
    if (held.length === 0) {
      list.replaceChildren(el('p', { class: 'empty' }, 'Nothing assigned.'));
      return;
    }
    const shown = new Map([...list.querySelectorAll(':scope > .card')].map((c) => [c.dataset.interaction, c]));
    held.forEach((i, k) => {
      const old = shown.get(i.id);
      const wanted = old && old.dataset.status === i.status && old.dataset.call === callState(i) ? old : card(i);
      // new attributes (PATCH /interactions/{id}) change only the context list: what the agent types stays
      if (wanted === old) old.querySelector('.context').replaceWith(context(i));
      if (list.children[k] !== wanted) list.insertBefore(wanted, list.children[k] || null);
    });
    while (list.children.length > held.length) list.lastElementChild.remove();
  }

  /** The state of a call's controls as the server reports it (GET /interactions/{id} `call`; a call out's answer). */
  function callState(i) {
    return JSON.stringify({ ...(i.call || {}), connected: i.timestamps?.connected ?? undefined });
  }

  function card(i) {
    const since = i.status === 'wrapping' ? i.timestamps?.ended : i.timestamps?.answered;
    return el('article', { class: 'card', dataset: { interaction: i.id, status: i.status, call: callState(i) } },
      el('h3', {}, `${i.channel} - ${i.queue} - ${i.status}`),
      el('dl', {},
        el('dt', {}, 'Interaction'), el('dd', {}, i.id),
        el('dt', {}, 'Customer'), el('dd', {}, el('a', { href: '#', onclick: (e) => {
          e.preventDefault();
          onShowCustomer(i.id, i.customerId);
        } }, i.customerId || 'unknown')),
        el('dt', {}, 'Since'), el('dd', {}, since ? `${new Date(since).toLocaleTimeString()}` : '-')),
      context(i),
      attributeForm(i),
      i.status === 'wrapping' ? wrapUpForm(i) : talking(i),
      callbackForm(i));
  }

  /** What the agent learns (an account, the real reason) goes on the contact: PATCH /interactions/{id}. */
  function attributeForm(i) {
    const input = el('input', { type: 'text', name: 'attribute', placeholder: 'account=A-7',
      'aria-label': 'add an attribute (name=value; name= removes it)' });
    return el('form', { class: 'add-attribute', onsubmit: async (e) => {
      e.preventDefault();
      const patch = attributePatch(input.value);
      if (!patch) {
        notify('write name=value (name= removes it)', 'error');
        return;
      }
      try {
        await api.patch(`/api/v1/interactions/${encodeURIComponent(i.id)}`, { attributes: patch });
        input.value = '';
        const [name] = Object.keys(patch);
        notify(`${name} ${patch[name] === null ? 'removed from' : 'set on'} ${i.id}`);
      } catch (err) {
        notify(`attribute on ${i.id}: ${err.message}`, 'error');
      }
      onChanged();
    } }, input, el('button', { type: 'submit' }, 'Add'));
  }

  /** "I will call you back tomorrow at ten": a callback to this customer, offered to this agent first when due. */
  function callbackForm(i) {
    const at = el('input', { type: 'datetime-local', name: 'at', required: true, 'aria-label': 'call back at' });
    const number = el('input', { type: 'tel', name: 'number', placeholder: "number (default: the contact's)",
      'aria-label': 'number to call back' });
    const button = el('button', { type: 'submit' }, 'Schedule');
    return el('form', { class: 'schedule-callback', onsubmit: async (e) => {
      e.preventDefault();
      const when = new Date(at.value); // the agent's local time
      if (Number.isNaN(when.getTime())) {
        notify('callback: pick a day and a time', 'error');
        return;
      }
      const body = { at: when.toISOString() };
      if (number.value.trim()) body.number = number.value.trim();
      button.disabled = true; // one click, one callback
      try {
        await api.post(`/api/v1/interactions/${encodeURIComponent(i.id)}/callbacks`, body);
        notify(`callback scheduled for ${when.toLocaleString()}`);
        at.value = '';
        number.value = '';
      } catch (err) {
        notify(`callback: ${err.message}`, 'error');
      } finally {
        button.disabled = false;
      }
    } }, el('label', {}, 'Call back at'), at, number, button);
  }

  /** What the IVR, the chat form, a bot or the CRM found about the contact: its attributes. */
  function context(i) {
    return el('dl', { class: 'context' }, attributeRows(i.attributes));
  }

  function talking(i) {
    const target = el('select', { class: 'transfer-target', 'aria-label': 'transfer to' });
    fillTargets(target);
    target.addEventListener('focus', async () => {
      await loadDirectory();
      fillTargets(target);
    });
    const button = (cls, action, text) => el('button', { type: 'button', class: cls, onclick: () => act(i.id, action, {}) }, text);
    const voice = i.channel === 'voice';
    const call = i.call || {};
    const chosen = () => target.value.split(/:(.*)/); // "queue:billing" or "agent:bob"
    if (i.direction === 'outbound') {
      // the agent's own call: hung up (here once connected, or on the phone), which wraps it up; not held, moved or
      // transferred from here
      const connected = Boolean(i.timestamps?.connected);
      return el('div', { class: 'actions' },
        el('span', { class: 'call-out' }, connected ? `Call out to ${i.attributes?.number || ''}`
          : `Calling ${i.attributes?.number || ''}: answer on your phone`),
        connected && button('danger hangup', 'hangup', 'Hang up'),
        connected && el('button', { class: 'primary end', type: 'button', onclick: () => act(i.id, 'wrapup', {}) },
          'End and wrap up ', el('kbd', {}, 'W')),
        call.recording && recordingControls(call.recording, button));
    }
    return el('div', {},
      el('div', { class: 'actions' },
        el('button', { class: 'primary end', type: 'button', onclick: () => act(i.id, 'wrapup', {}) },
          'End and wrap up ', el('kbd', {}, 'W')),
        // the phone is the agent's softphone; these drive the call through the server
        voice && [call.heldSince ? button('unhold', 'unhold', 'Resume') : button('hold', 'hold', 'Hold'),
          button('danger hangup', 'hangup', 'Hang up')],
        // the server rang the agent's phone, then the customer, when the callback was accepted; this does it again
        i.channel === 'callback' && el('button', { type: 'button', class: 'redial', onclick: async (e) => {
          const redial = e.currentTarget;
          redial.disabled = true; // one click, one dial
          await act(i.id, 'redial', {});
          redial.disabled = false;
        } }, `Call ${i.attributes?.callbackNumber || 'back'} again`),
        call.recording && recordingControls(call.recording, button)),
      call.consulting
        ? el('div', { class: 'transfer consulting' },
          el('span', {}, `Consulting ${call.consulting.agentId || call.consulting.number}`),
          button('primary complete-consult', 'consult/complete', 'Complete transfer'),
          button('cancel-consult', 'consult/cancel', 'Cancel'))
        : el('div', { class: 'transfer' },
          el('span', {}, 'Transfer to'), target,
          el('button', { type: 'button', class: 'do-transfer', onclick: () => {
            const [kind, id] = chosen();
            if (id) act(i.id, 'transfer', kind === 'agent' ? { agentId: id } : { queue: id });
          } }, 'Transfer'),
          // a warm transfer: talk to the colleague first, the caller on music, then hand over or come back
          voice && el('button', { type: 'button', class: 'consult', onclick: () => {
            const [kind, id] = chosen();
            if (kind === 'agent') act(i.id, 'consult', { agentId: id });
            else notify('Consult: pick a colleague (a queue cannot be consulted)', 'error');
          } }, 'Consult')));
  }

  /** A recorded call: whether it records now, and the pause the agent takes while the customer gives card details. */
  function recordingControls(recording, button) {
    return recording.pausedSince
      ? el('span', { class: 'recording paused', title: recording.file }, 'Recording paused',
        button('resume-recording', 'recording/resume', 'Resume recording'))
      : el('span', { class: 'recording', title: recording.file }, 'Recording',
        button('pause-recording', 'recording/pause', 'Pause recording'));
  }

  /** Queues, then colleagues by name with their state (the server lists available ones first). */
  function fillTargets(select) {
    const chosen = select.value;
    select.replaceChildren(
      el('optgroup', { label: 'Queues' }, ...directory.queues.map((q) => el('option', { value: `queue:${q}` }, q))),
      el('optgroup', { label: 'Agents' }, ...directory.agents.filter((a) => a.id !== agentId).map((a) =>
        el('option', { value: `agent:${a.id}`, dataset: { state: a.state } },
          `${a.name || a.id} (${a.state.replace('_', '-')})`))));
    if (chosen) select.value = chosen;
  }

  function wrapUpForm(i) {
    const amount = el('div', { class: 'revenue', hidden: true }, el('label', {}, 'Revenue'),
      el('input', { name: 'amount', type: 'number', min: '0', step: '0.01', placeholder: '0.00' }));
    const code = el('select', { name: 'disposition' });
    const showAmount = () => { amount.hidden = code.selectedOptions[0]?.dataset.revenue !== 'true'; };
    const fillCodes = () => {
      code.replaceChildren(...dispositions.map((d) => el('option', { value: d.code, dataset: { revenue: d.revenue } },
        d.label)));
      // without codes (none configured, or none could be read) a required choice would keep the agent from completing
      code.required = dispositions.length > 0;
      showAmount();
    };
    code.addEventListener('change', showAmount);
    fillCodes();
    if (dispositions.length === 0) readDispositions().then(fillCodes);
    const caseBox = el('div', { class: 'wide wrapup-case' });
    const complete = el('button', { class: 'primary', type: 'submit' }, 'Complete');
    const form = el('form', { class: 'wrapup' },
      el('div', {}, el('label', {}, 'Disposition'), code), amount,
      el('div', { class: 'wide' }, el('label', {}, 'Notes'), el('textarea', { name: 'notes', maxlength: '2000' })),
      caseBox,
      el('div', { class: 'wide actions' }, complete));
    showCase(i, caseBox);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (complete.disabled) return; // Enter in a field while the first completion is still on its way
      const data = new FormData(form);
      const body = { notes: data.get('notes') };
      if (data.get('disposition')) body.disposition = data.get('disposition');
      if (!amount.hidden && data.get('amount')) body.amount = Number(data.get('amount'));
      complete.disabled = true; // one click, one completion: a double click would resolve the case twice
      try {
        // the case first: once completed, the interaction no longer lets the agent work its case
        if (await updateCase(caseBox.dataset.case, data, body.disposition)) await act(i.id, 'complete', body);
      } finally {
        complete.disabled = false;
      }
    });
    return form;
  }

  /** The live case this interaction belongs to, from the customer's 360° view, with a status to set. */
  async function showCase(i, box) {
    if (!i.customerId) return;
    try {
      const view = await api.get(`/api/v1/customers/${encodeURIComponent(i.customerId)}`);
      const c = (view.cases || []).find((k) => (k.interactions || []).includes(i.id) && k.status !== 'closed');
      if (!c) return;
      box.dataset.case = c.id;
      box.replaceChildren(
        el('label', {}, `Case ${c.id}: ${c.subject || ''} (${c.status.replace('_', ' ')})`),
        el('select', { name: 'caseStatus', 'aria-label': 'case status' },
          el('option', { value: '' }, `leave ${c.status.replace('_', ' ')}`),
          el('option', { value: 'pending_customer' }, 'waiting on the customer'),
          el('option', { value: 'resolved' }, 'resolved')),
        el('input', { name: 'resolution', maxlength: '500', placeholder: 'resolution (when resolved)' }));
    } catch (e) {
      box.replaceChildren(el('p', { class: 'empty' }, `Case: ${e.message}`));
    }
  }

  /** Sets the case status chosen in the form; false (with the server's message shown) if that failed. */
  async function updateCase(caseId, data, disposition) {
    const status = data.get('caseStatus');
    if (!caseId || !status) return true;
    const path = `/api/v1/cases/${encodeURIComponent(caseId)}`;
    try {
      // read again: another contact on the same case (a second chat of the customer's) may have set it since this
      // form was drawn, and resolving a resolved case is refused
      if ((await api.get(path)).status === status) return true;
      if (status === 'resolved') {
        await api.post(`${path}/resolve`, { resolution: data.get('resolution') || disposition, disposition });
      } else {
        await api.patch(path, { status });
      }
      return true;
    } catch (e) {
      notify(`case ${caseId}: ${e.message}`, 'error');
      return false;
    }
  }

  async function act(id, action, body) {
    try {
      await api.post(`/api/v1/interactions/${encodeURIComponent(id)}/${action}`, body);
      notify(`${action} ${id}: done`);
    } catch (e) {
      notify(`${action} ${id}: ${e.message}`, 'error');
    }
    onChanged();
  }

  /**
   * W: end the interaction the agent is on: the chat on screen (chatId, while the chat panel shows) if it is still in
   * conversation, else the only one in conversation. With several and none on screen, guessing could end a
   * customer's call in the middle of a sentence: nothing is ended, the agent is told.
   */
  function wrapUpCurrent(chatId) {
    const talking = [...list.querySelectorAll(':scope > .card[data-status="assigned"]')].map((c) => c.dataset.interaction);
    const id = talking.includes(chatId) ? chatId : talking.length === 1 ? talking[0] : null;
    if (id) act(id, 'wrapup', {});
    else if (talking.length > 1) notify('W: several in conversation; end one with its End button (or open its chat tab)');
  }

  return { load, show, wrapUpCurrent, end: (id) => act(id, 'wrapup', {}) };
}
