// An interaction's attributes on the pages: shown as a list, and changed by a "name=value" the user types.
import { el } from './dom.js';

/** The attributes as term/description pairs for a <dl> (objects and lists as JSON; false shows). */
export function attributeRows(attributes) {
  return Object.entries(attributes || {}).flatMap(([k, v]) =>
    [el('dt', {}, k), el('dd', {}, v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v))]);
}

/**
 * "name=value" as a merge patch for PATCH /api/v1/interactions/{id}: JSON values as such (true, 3, "x"),
 * anything else as text; "name=" removes the attribute. Null when the text is not of that form.
 */
export function attributePatch(text) {
  const match = /^\s*([^=\s]+)\s*=(.*)$/.exec(text);
  if (!match) return null;
  const raw = match[2].trim();
  let value = raw;
  if (raw === '') value = null;
  else {
    try { value = JSON.parse(raw); } catch { value = raw; }
  }
  return { [match[1]]: value };
}
