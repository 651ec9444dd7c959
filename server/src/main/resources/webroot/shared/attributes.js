// An interaction's attributes on the pages: shown as a list, and changed by a "name=value" the user types.
import { el } from './dom.js';

/** The attributes as term/description pairs for a <dl> (objects and lists as JSON; false shows). */
export function attributeRows(attributes) {
  return Object.entries(attributes || {}).flatMap(([k, v]) =>
    [el('dt', {}, k), el('dd', {}, v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v))]);
}

/**
 * "name=value" as a merge patch for PATCH /api/v1/interactions/{id}: true, false, a plain number (150, 49.9) and
 * a quoted text ("1234") as JSON reads them, anything else as text (an account number with a leading zero or more
 * digits than a number keeps stays text); "name=" removes the attribute. Null when the text is not of that form.
 */
export function attributePatch(text) {
  const match = /^\s*([^=\s]+)\s*=(.*)$/.exec(text);
  if (!match) return null;
  const raw = match[2].trim();
  if (raw === '') return { [match[1]]: null };
  const plainNumber = /^-?(0|[1-9]\d{0,14})(\.\d{1,6})?$/.test(raw);
  const json = plainNumber || raw === 'true' || raw === 'false' || /^".*"$/.test(raw);
  let value = raw;
  if (json) {
    try { value = JSON.parse(raw); } catch { value = raw; }
  }
  return { [match[1]]: value };
}
