/**
 * What a custom node pack gets to build its nodes with (README, "Writing a node pack"): the same `defineNode`
 * contract and input builders as the shipped packs, the socket types, and the execution helpers. Packs receive
 * this object instead of importing the repository, so a pack works from any folder.
 */
import { defineNode } from '../nodes/define-node.js';
import * as socketTypes from '../nodes/socket-types.js';
import { blockExecution, ExecutionBlocker } from '../server/engine/execution-blocker.js';
import { outputLink } from '../server/engine/expansion.js';
import { boolean, combo, float, int, rawLink, socket, string } from '../server/engine/inputs.js';
import type { AnyNodeDefinition } from '../server/engine/node-definition.js';
import { socketType } from '../server/engine/socket-type.js';

export const nodePackApi = {
  defineNode,
  inputs: { int, float, string, boolean, combo, socket, rawLink },
  socketType,
  types: socketTypes,
  blockExecution,
  ExecutionBlocker,
  outputLink,
} as const;

export type NodePackApi = typeof nodePackApi;

/**
 * A pack module's exports: `default` (or `nodes`) is a list of node definitions, or a function of the API that
 * returns one (possibly async).
 */
export type NodePackExport = readonly AnyNodeDefinition[] | ((api: NodePackApi) => readonly AnyNodeDefinition[] | Promise<readonly AnyNodeDefinition[]>);
