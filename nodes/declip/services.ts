/** What the DeCLIP nodes need from `ctx.services`, with a clear error when the host did not provide it. */
import path from 'node:path';
import type { ModelRuntime } from '../../models/onnx/runtime.js';
import type { NodeServices } from '../../server/engine/node-definition.js';

/** The model runtime (session pool + store). */
export function modelRuntime(services: NodeServices): ModelRuntime {
  const models = (services as Partial<NodeServices>).models;
  if (!models) throw new Error('no model runtime in the node services (ctx.services.models): the DeCLIP nodes need the session pool and model store');
  return models;
}

/** Folder for generated projector graphs: `<data>/cache/declip`. */
export function graphDir(services: NodeServices): string {
  return path.join(services.dirs.cache, 'declip');
}

/** Store listing for a COMBO, empty when the engine lists choices without services. */
export function storeNames(services: NodeServices | undefined, kind: 'clip' | 'declip'): readonly string[] {
  const models = (services as Partial<NodeServices> | undefined)?.models;
  return models ? models.store.names(kind) : [];
}
