/**
 * How every node pack reaches the model runtime (session pool + model store) through `ctx.services.models`, with
 * one clear error when the host did not provide it, and the store listings that feed model COMBOs.
 */
import type { ModelRuntime } from '../models/runtime.js';
import type { ModelKind } from '../models/store/manifests.js';
import type { NodeServices } from '../server/engine/node-definition.js';

/**
 * The model runtime of the services.
 * @throws Error when the server or CLI was created without one
 */
export function modelRuntime(services: NodeServices): ModelRuntime {
  const models = (services as Partial<NodeServices>).models;
  if (!models) {
    throw new Error('no model runtime in ctx.services.models (the session pool and model store): the server or CLI must be created with createModelRuntime()');
  }
  return models;
}

/** Names of the usable models of a kind, for a COMBO; empty when the engine lists choices without a runtime. */
export function storeNames(services: NodeServices | undefined, kind: ModelKind): readonly string[] {
  const models = (services as Partial<NodeServices> | undefined)?.models;
  return models ? models.store.names(kind) : [];
}
