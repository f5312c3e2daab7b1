/**
 * `stringifyJson` of a big object member by member, yielding to the event loop every few milliseconds, so a 50 MB
 * prompt is serialised without one long block (issue 19; docs/reliability.md, "JSON"). The text is the same as
 * `stringifyJson`'s; `rememberJsonText` then lets the journal, the history and GET /queue reuse it.
 */
import { Slicer } from '../../models/time-sliced.js';
import { floatText, numberLiteralKind, stringifyJson } from './json-codec.js';

const dropped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** The text `stringifyJson(value)` gives; a plain object is serialised one member at a time. */
export async function stringifyJsonInPieces(value: unknown): Promise<string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return stringifyJson(value);
  }
  const parts: string[] = [];
  const slicer = new Slicer();
  for (const [key, v] of Object.entries(value)) {
    if (dropped(v)) continue;
    // A float mark sits on the holder, which the member alone does not carry.
    const text = typeof v === 'number' && Number.isInteger(v) && numberLiteralKind(value, key) === 'float' ? floatText(v) : stringifyJson(v);
    parts.push(`${JSON.stringify(key)}:${text}`);
    await slicer.maybeYield();
  }
  return `{${parts.join(',')}}`;
}
