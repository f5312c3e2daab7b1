/**
 * The model store listings that feed model COMBOs. The runtime itself is `ctx.services.models`.
 */
import type { ModelKind } from '../models/store/manifests.js';
import type { NodeServices } from './services.js';

/** Names of the usable models of a kind, for a COMBO; empty when the engine lists choices without services. */
export function storeNames(services: NodeServices | undefined, kind: ModelKind): readonly string[] {
  return services ? services.models.store.names(kind) : [];
}

/** {@link storeNames} plus the `.safetensors` entries the store refused, so their loader names the problem. */
export function storeWeightsFileNames(services: NodeServices | undefined, kind: ModelKind): readonly string[] {
  return services ? services.models.store.weightsFileNames(kind) : [];
}
