/**
 * Typed re-export of the parts of `@comfyorg/litegraph` we use. The package's declaration files import each other
 * without file extensions, which our NodeNext type resolution cannot follow from the package root (everything
 * would be `any`); its per-file declarations (`dist/*.d.ts`, exposed by its export map) do resolve, so the runtime
 * values from the root are given those types here.
 */
import * as lg from '@comfyorg/litegraph';
import type { LGraph as LGraphType } from '@comfyorg/litegraph/dist/LGraph';
import type { LGraphCanvas as LGraphCanvasType } from '@comfyorg/litegraph/dist/LGraphCanvas';
import type { LGraphNode as LGraphNodeType } from '@comfyorg/litegraph/dist/LGraphNode';
import type { LiteGraphGlobal } from '@comfyorg/litegraph/dist/LiteGraphGlobal';

export const LGraph = lg.LGraph as typeof LGraphType;
export type LGraph = LGraphType;
export const LGraphCanvas = lg.LGraphCanvas as typeof LGraphCanvasType;
export type LGraphCanvas = LGraphCanvasType;
export const LGraphNode = lg.LGraphNode as typeof LGraphNodeType;
export type LGraphNode = LGraphNodeType;
export const LiteGraph = lg.LiteGraph as LiteGraphGlobal;

/** Litegraph's slot shapes (`RenderShape`), as plain numbers. */
export const SlotShape = { box: 1, round: 2, circle: 3, card: 4, arrow: 5, grid: 6, hollowCircle: 7 } as const;

/** The bounding rectangle `[x, y, w, h]` around items with a `boundingRect` (nodes), padded; null for none. */
export const createBounds = (lg as unknown as { createBounds: typeof import('@comfyorg/litegraph/dist/measure').createBounds }).createBounds;
