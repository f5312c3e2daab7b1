/**
 * `defineNode` for the shipped packs: the engine's, with `ctx.services` typed as the node layer's
 * {@link NodeServices}. Socket types come from `socket-types.ts`.
 */
import {
  defineNode as defineEngineNode,
  type InputsDecl,
  type NodeContext,
  type NodeDefinition,
  type NodeResult,
  type OutputsDecl,
} from '../server/engine/node-definition.js';
import type { NodeServices } from './services.js';

/** What a shipped node's `run` sees. */
export type NodeCtx = NodeContext<NodeServices>;

export type { NodeResult };

/** Defines a node of a shipped pack; see the engine's `NodeDefinition`. */
export function defineNode<const I extends InputsDecl, const O extends OutputsDecl>(def: NodeDefinition<I, O, NodeServices>): NodeDefinition<I, O, NodeServices> {
  return defineEngineNode(def);
}
