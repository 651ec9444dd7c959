// Joining agents' calls from the supervisor's own phone (listen, whisper, barge), and who is on which call now:
// read once (GET /monitors), then kept from the monitor_started and monitor_ended events. The phone is remembered
// in this browser, not on the server: a supervisor may sit at a different desk tomorrow.
import { $, el, notify } from '../shared/dom.js';

const PHONE_KEY = 'switchboard.supervisor.phone';
const MODES = [['Listen', 'listen'], ['Whisper', 'whisper'], ['Barge', 'barge']];

/**
 * @param redraw (agentId) => void, draws that agent's row again (with cell() in it)
 * @param signal aborted at logout, which removes this login's listener
 */
export function createMonitors(api, guarded, redraw, signal) {
  const byAgent = new Map(); // agent id -> Map(monitoring id -> {mode, by})
  const phone = $('#my-phone');
  phone.value = localStorage.getItem(PHONE_KEY) || '';
  phone.addEventListener('change', () => localStorage.setItem(PHONE_KEY, phone.value.trim()), { signal });

  const read = () => guarded('monitors', async () => {
    const { monitors } = await api.get('/api/v1/monitors');
    const before = new Set(byAgent.keys());
    byAgent.clear();
    for (const m of monitors) put(m.agent, m.id, m);
    for (const id of new Set([...before, ...byAgent.keys()])) redraw(id);
  });

  function put(agent, id, m) {
    if (!byAgent.has(agent)) byAgent.set(agent, new Map());
    byAgent.get(agent).set(id, { mode: m.mode, by: m.by });
  }

  // the events name the agent `monitored` (not `agent`, which would send them to that agent's desktop)
  function onEvent(m) {
    if (m.type === 'monitor_started') put(m.monitored, m.monitor, { mode: m.mode, by: m.supervisor });
    else if (m.type === 'monitor_ended') byAgent.get(m.monitored)?.delete(m.monitor);
    else return;
    if (byAgent.get(m.monitored)?.size === 0) byAgent.delete(m.monitored);
    redraw(m.monitored);
  }

  /** The agent row's call cell: who is on the call, with Stop; the join buttons while the agent talks on one. */
  function cell(a) {
    const on = [...(byAgent.get(a.id) || new Map()).entries()].map(([id, m]) => el('span', { class: 'monitor',
      dataset: { monitor: id, mode: m.mode } }, el('span', { class: 'who' }, `${m.mode} (${m.by})`),
      el('button', { type: 'button', class: 'stop-monitor', onclick: () => stop(id) }, 'Stop')));
    const onCall = (a.load?.voice || 0) > 0;
    const join = onCall ? MODES.map(([text, mode]) => el('button', { type: 'button', dataset: { monitor: mode },
      onclick: () => start(a.id, mode) }, text)) : [];
    return el('div', { class: 'monitor-cell' }, ...on, ...join);
  }

  const start = (agentId, mode) => guarded(`${mode} ${agentId}`, async () => {
    const endpoint = phone.value.trim();
    if (!endpoint) {
      notify('Enter your phone (e.g. PJSIP/2001) above the agent table first.', 'error');
      phone.focus();
      return;
    }
    await api.post(`/api/v1/agents/${encodeURIComponent(agentId)}/monitor`, { mode, endpoint });
    notify(`${endpoint} is ringing: answer it to ${mode} on ${agentId}'s call`);
  });

  const stop = (id) => guarded('stop monitoring', async () => {
    await api.delete(`/api/v1/monitors/${encodeURIComponent(id)}`);
  });

  return { read, onEvent, cell };
}
