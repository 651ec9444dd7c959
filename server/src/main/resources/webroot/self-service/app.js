// Customer self-service: the case number and email address, or the link we mailed (#case=C-10001&key=...), are the
// only proof, so they are kept in this page's memory only (never in storage) and sent with each call. Everything
// shown is untrusted text.
import { $, el } from '../shared/dom.js';

const STATUS_WORDS = {
  new: 'received', open: 'being worked on', pending_customer: 'waiting for your answer',
  resolved: 'resolved', closed: 'closed',
};
let proof = null;

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(json.message || `HTTP ${response.status}`);
  }
  return json;
}

function show(view) {
  $('#case').hidden = false;
  $('#case-title').textContent = `${view.caseId}: ${view.subject}`;
  $('#case-status').textContent = STATUS_WORDS[view.status] || view.status;
  $('#case-status').dataset.status = view.status;
  $('#updates').replaceChildren(...view.updates.map((u) => el('li', { dataset: { from: u.from } },
    el('div', { class: 'meta' }, `${u.from === 'us' ? 'From us' : 'From you'}, ${new Date(u.at).toLocaleString()}`),
    u.text)));
}

async function lookUp(request) {
  $('#error').textContent = '';
  try {
    show(await post('/api/v1/self-service/case', request));
    proof = request;
  } catch (e) {
    $('#case').hidden = true;
    $('#error').textContent = e.message;
  }
}

$('#lookup').addEventListener('submit', (event) => {
  event.preventDefault();
  lookUp({ caseId: $('#case-id').value.trim().toUpperCase(), email: $('#email').value.trim() });
});

// the link of our acknowledgement: the case opens at once (the fragment never reaches a server's log)
const link = new URLSearchParams(location.hash.slice(1));
if (link.get('case') && link.get('key')) {
  $('#case-id').value = link.get('case');
  lookUp({ caseId: link.get('case'), key: link.get('key') });
  // out of the address bar (and of what is shared or shown over the customer's shoulder) once read
  history.replaceState(null, '', location.pathname + location.search);
}

$('#write').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('#sent').textContent = '';
  try {
    show(await post('/api/v1/self-service/case/message', { ...proof, text: $('#text').value }));
    $('#text').value = '';
    $('#sent').textContent = 'Sent. We will answer by email.';
  } catch (e) {
    $('#sent').textContent = e.message;
  }
});
