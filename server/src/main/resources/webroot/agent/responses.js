// Canned responses in the chat composer and the email reply box: a picker that inserts the chosen text, filled in
// for the contact (GET /interactions/{id}/responses), at the cursor; typing /code then Tab does the same.
import { el, notify } from '../shared/dom.js';

export function responsePicker(api, interactionId, textarea) {
  let responses = [];
  const select = el('select', { class: 'responses', 'aria-label': 'insert a canned response' });

  async function load() {
    try {
      ({ responses } = await api.get(`/api/v1/interactions/${encodeURIComponent(interactionId)}/responses`));
    } catch (e) {
      notify(`canned responses: ${e.message}`, 'error');
    }
    select.replaceChildren(el('option', { value: '' }, 'Insert a response...'),
      ...responses.map((r) => el('option', { value: r.code }, `${r.title} (/${r.code})`)));
    select.hidden = responses.length === 0;
  }

  select.addEventListener('change', () => {
    const chosen = responses.find((r) => r.code === select.value);
    select.value = '';
    if (chosen) insert(textarea, chosen.text);
  });
  // "/code" right before the cursor, then Tab: the code is replaced by its text
  textarea.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    const typed = textarea.value.slice(0, textarea.selectionStart).match(/(?:^|\s)\/([a-z0-9][a-z0-9_-]*)$/);
    if (!typed) return;
    e.preventDefault();
    const chosen = responses.find((r) => r.code === typed[1]);
    if (!chosen) {
      notify(`no canned response /${typed[1]}`, 'error');
      return;
    }
    textarea.setSelectionRange(textarea.selectionStart - typed[1].length - 1, textarea.selectionStart);
    insert(textarea, chosen.text);
  });
  load();
  return select;
}

function insert(textarea, text) {
  textarea.focus();
  textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, 'end');
  textarea.dispatchEvent(new Event('input')); // the customer sees the agent typing, as if typed
}
