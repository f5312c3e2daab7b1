/** The engine's own graph form: inputs are tagged, never recognised by their shape (STYLE §8). */
export type GraphInput =
  | { readonly kind: 'const'; readonly value: unknown }
  | { readonly kind: 'link'; readonly from: string; readonly slot: number }
  /** A list that is not a valid [node, slot] pair; kept so validation can report `bad_linked_input`. */
  | { readonly kind: 'bad_link'; readonly value: unknown };

export interface GraphNode {
  readonly id: string;
  readonly classType: string;
  readonly inputs: Readonly<Record<string, GraphInput>>;
  readonly title?: string;
}

/** A prompt graph keyed by node id (ids are strings, as on the wire). */
export type Graph = ReadonlyMap<string, GraphNode>;
