// Canned responses in the chat composer and the email reply box: a picker that inserts the chosen text, filled in
// for the contact (GET /interactions/{id}/responses), at the cursor; typing /code then Tab does the same. The list is
// read again when the picker is focused and when it is over a minute old (new responses, the contact's case changed).
import { el, notify } from '../shared/dom.js';

const STALE_MS = 60_000;

export function responsePicker(api, interactionId, textarea) {
  let responses = [];
  let loadedAt = 0;
  let failed = false;
  let byKeyboard = false;
  const select = el('select', { class: 'responses', 'aria-label': 'insert a canned response' });

  async function load() {
    try {
      ({ responses } = await api.get(`/api/v1/interactions/${encodeURIComponent(interactionId)}/responses`));
      loadedAt = Date.now();
      failed = false;
    } catch (e) {
      failed = true;
      notify(`canned responses not loaded: ${e.message}`, 'error');
    }
    const chosen = select.value;
    select.replaceChildren(el('option', { value: '' }, 'Insert a response...'),
      ...responses.map((r) => el('option', { value: r.code }, `${r.title} (/${r.code})`)));
    select.value = chosen;
    select.hidden = responses.length === 0 && !failed;
  }
  const fresh = () => (Date.now() - loadedAt < STALE_MS ? null : load());

  select.addEventListener('focus', () => load());
  // with the keyboard, a closed picker changes on every arrow key: the text goes in on Enter, not on each change
  select.addEventListener('keydown', (e) => {
    byKeyboard = true;
    if (e.key === 'Enter') {
      e.preventDefault();
      choose();
    }
  });
  select.addEventListener('pointerdown', () => { byKeyboard = false; });
  select.addEventListener('change', () => { if (!byKeyboard) choose(); });

  function choose() {
    const chosen = responses.find((r) => r.code === select.value);
    select.value = '';
    if (chosen) insert(textarea, chosen.text);
  }

  // "/code" right before the cursor, then Tab: the code is replaced by its text. Any other Tab moves focus as usual.
  textarea.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab' || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey || e.isComposing) return;
    const typed = textarea.value.slice(0, textarea.selectionStart).match(/(?:^|\s)\/([a-z0-9][a-z0-9_-]*)$/);
    const chosen = typed && responses.find((r) => r.code === typed[1]);
    fresh();
    if (!chosen) {
      if (typed && failed) notify('canned responses not loaded', 'error');
      return;
    }
    e.preventDefault();
    textarea.setSelectionRange(textarea.selectionStart - typed[1].length - 1, textarea.selectionStart);
    insert(textarea, chosen.text);
  });
  load();
  return select;
}

function insert(textarea, text) {
  if (textarea.disabled) return;
  textarea.focus();
  textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, 'end');
  textarea.dispatchEvent(new Event('input')); // the customer sees the agent typing, as if typed
}
