/**
 * The own keys of a big object, known without asking V8 for them (issue 19; docs/reliability.md, "JSON"). An object
 * with many keys is a hash table in V8, and `Object.keys` / `Object.entries` of one must sort its keys back into
 * insertion order: 70–80 ms for `keys` and 230–310 ms for `entries` on a 150,000-node prompt, each in one block on
 * the main thread. The code that builds such an object (the piecewise body parse, validation's stored prompt)
 * records its keys as it inserts them, and `ownKeys` hands them back.
 *
 * An object whose keys are remembered must not gain or lose keys afterwards; parsed bodies and validated prompts
 * do not.
 */

const knownKeys = new WeakMap<object, readonly string[]>();

/** An array index as a property key (canonical form, below 2³² − 1): these enumerate first, in numeric order. */
const isArrayIndex = (key: string) => /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295;

/** Keys in insertion order (no repeats) → the order `Object.keys` gives: array indexes ascending, then the rest. */
function enumerationOrder(keys: readonly string[]): readonly string[] {
  const indexes = keys.filter(isArrayIndex);
  if (indexes.length === 0) return keys;
  return [...indexes.sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isArrayIndex(k))];
}

/** Records the own keys of `value`, given in the order they were first inserted, each once. */
export function rememberOwnKeys(value: object, insertionOrder: readonly string[]): void {
  knownKeys.set(value, enumerationOrder(insertionOrder));
}

/** `Object.keys(value)`, from the record when `rememberOwnKeys` made one. */
export function ownKeys(value: object): readonly string[] {
  return knownKeys.get(value) ?? Object.keys(value);
}

/** Sets an own member as `JSON.parse` does: `__proto__` becomes a plain key, never the prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
