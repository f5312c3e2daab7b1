/**
 * Socket types: the wire name of a value that travels along links (IMAGE, LATENT...) paired once with its TS type.
 * Inputs (`socket(IMAGE)`) and outputs (`{ type: IMAGE }`) both take the same constant, so the name/type pairing
 * is never restated, and a node's `run` is type-checked against what its outputs declare.
 */

declare const valueType: unique symbol;

/** A named socket type carrying the TS type `T` of its values (the brand exists only for the type checker). */
export interface SocketType<T = unknown> {
  /** The wire name published in `/object_info` and compared when links are validated. */
  readonly name: string;
  /** Invariant in `T`, so an IMAGE output cannot be given a LATENT value. */
  readonly [valueType]?: (value: T) => T;
}

/** Declares a socket type; declare each one once and import it wherever the type is used. */
export function socketType<T>(name: string): SocketType<T> {
  // Comma-separated names are ComfyUI multi-types (`IMAGE,FLOAT`), matched member-wise by `accepts`.
  if (!/^[A-Z*][A-Z0-9_*]*(,[A-Z*][A-Z0-9_*]*)*$/.test(name)) throw new Error(`invalid socket type name "${name}"`);
  return Object.freeze({ name });
}

/** The value type a socket type carries. */
export type SocketValue<S> = S extends SocketType<infer T> ? T : never;

/** ComfyUI's primitive types, which are also widget types. */
export const INT = socketType<number>('INT');
export const FLOAT = socketType<number>('FLOAT');
export const STRING = socketType<string>('STRING');
export const BOOLEAN = socketType<boolean>('BOOLEAN');
/** ComfyUI's wildcard `*`: links of any type are accepted. */
export const ANY = socketType<unknown>('*');
