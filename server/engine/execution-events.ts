/** What `Engine.execute` reports while it runs, and how a run ends. Transport-free: the server maps these to WS. */
import type { NodeUi, PreviewImage } from './node-definition.js';

export type ExecutionEvent =
  | { readonly type: 'execution_start' }
  /** Prompt nodes whose outputs are already cached and will not run. */
  | { readonly type: 'execution_cached'; readonly nodes: readonly string[] }
  | { readonly type: 'executing'; readonly node: string }
  | { readonly type: 'progress'; readonly node: string; readonly value: number; readonly max: number }
  | { readonly type: 'preview'; readonly node: string; readonly image: PreviewImage }
  | { readonly type: 'text'; readonly node: string; readonly text: string }
  /** A node produced UI output (also re-sent for cached output nodes, `output: null` when there is none). */
  | { readonly type: 'executed'; readonly node: string; readonly output: NodeUi | null }
  /** A node is done for this prompt: it ran, or its cached result was reused (ComfyUI's `finish_progress`). */
  | { readonly type: 'node_finished'; readonly node: string }
  /** An ExecutionBlocker with a message stopped this node; the prompt goes on (ComfyUI sends an execution_error). */
  | { readonly type: 'execution_blocked'; readonly node: string; readonly nodeType: string; readonly message: string; readonly executed: readonly string[] }
  | { readonly type: 'execution_success' }
  | { readonly type: 'execution_error'; readonly error: ExecutionFailure }
  | { readonly type: 'execution_interrupted'; readonly node: string | null; readonly nodeType: string | null; readonly executed: readonly string[] };

/** How a node failed (on the wire: ComfyUI's `execution_error` payload, see `wire.ts`). */
export interface ExecutionFailure {
  readonly nodeId: string;
  readonly nodeType: string;
  /** Nodes that ran (or were reused from cache) before the failure. */
  readonly executed: readonly string[];
  readonly exceptionMessage: string;
  readonly exceptionType: string;
  readonly traceback: readonly string[];
  /** Shape-only summaries of the failing node's inputs. */
  readonly currentInputs: Record<string, string[]>;
  /** Nodes whose outputs were cached at the start. */
  readonly currentOutputs: readonly string[];
}

/** UI outputs of every node of the prompt that has any (including ones reused from cache). */
export type PromptOutputs = Record<string, NodeUi>;

export type ExecutionOutcome =
  | { readonly status: 'success'; readonly outputs: PromptOutputs }
  | { readonly status: 'error'; readonly outputs: PromptOutputs; readonly error: ExecutionFailure }
  | { readonly status: 'interrupted'; readonly outputs: PromptOutputs };
