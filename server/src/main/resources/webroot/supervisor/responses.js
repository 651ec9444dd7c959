// Canned responses for the agents' chats and emails: the list (GET /responses), a form to add or change one (PUT, the
// server refusing a bad code or an unknown placeholder with its reason) and Delete. Read when the console opens and
// after each change made here.
import { $, el, notify } from '../shared/dom.js';

/** @param signal aborted at logout: the form then saves with the next login's key only */
export function createResponsesPanel(api, guarded, signal) {
  const rows = $('#responses tbody');
  const form = $('#response-form');

  const read = () => guarded('responses', async () => {
    const { responses } = await api.get('/api/v1/responses');
    rows.replaceChildren(...responses.map(row));
    $('#responses-empty').hidden = responses.length > 0;
  });

  function row(r) {
    return el('tr', { dataset: { response: r.code } },
      el('td', {}, `/${r.code}`), el('td', {}, r.title), el('td', { class: 'response-text' }, r.text),
      el('td', {}, el('div', { class: 'actions-cell' },
        el('button', { type: 'button', class: 'edit-response', onclick: () => edit(r) }, 'Edit'),
        el('button', { type: 'button', class: 'delete-response', onclick: () => remove(r.code) }, 'Delete'))));
  }

  function edit(r) {
    form.elements.code.value = r.code;
    form.elements.title.value = r.title;
    form.elements.text.value = r.text;
    form.elements.text.focus();
  }

  const remove = (code) => guarded(`delete /${code}`, async () => {
    await api.delete(`/api/v1/responses/${encodeURIComponent(code)}`);
    notify(`/${code} deleted`);
    await read();
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const code = form.elements.code.value.trim();
    guarded(`save /${code}`, async () => {
      await api.put(`/api/v1/responses/${encodeURIComponent(code)}`,
        { title: form.elements.title.value, text: form.elements.text.value });
      notify(`/${code} saved`);
      form.reset();
      await read();
    });
  }, { signal });

  return { read };
}
