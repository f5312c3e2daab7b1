/**
 * Where a cached result lives: prompt nodes in the root scope, nodes added by an expansion in a scope under their
 * parent (ComfyUI's subcaches, comfy_execution/caching.py), so the same signature under two parents is two entries.
 */

/** The scope of a prompt's own nodes. */
export const ROOT_SCOPE = '';

/** The scope of the nodes that `parent` (living in `scope`) adds by expansion. */
export function childScope(scope: string, parent: { readonly id: string; readonly classType: string }): string {
  return `${scope}\u0000${parent.id}\u0001${parent.classType}`;
}

/** The scope one level below `scope` that contains `inner` (a scope nested under `scope`). */
export function scopeBelow(scope: string, inner: string): string {
  const end = inner.indexOf('\u0000', scope.length + 1);
  return end === -1 ? inner : inner.slice(0, end);
}

/** Whether `inner` is nested (at any depth) under `scope`. */
export function isUnder(scope: string, inner: string): boolean {
  return inner.length > scope.length && inner.startsWith(`${scope}\u0000`);
}

/** Keys of nodes that must never be stored (a NaN fingerprint, an unhashable input: see `signature.ts`). */
export function isUncacheable(key: string): boolean {
  return key.startsWith('nocache:');
}
