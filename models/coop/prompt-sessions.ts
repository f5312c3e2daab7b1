/**
 * The text tower of a CLIP `.safetensors` file as prompt-learning sessions: reads the structure from the keys,
 * writes the tower's weights once into `<cacheDir>/coop/<sha256>-v<version>/text-tower.onnx.data` (shared by every
 * prompt graph of that file, as ONNX external data), and opens the graphs of prompt-graphs.ts through the pool.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { classifyClipKeys, notClipProblem } from '../clip/convert-clip.js';
import { hfClipTextConfigSchema, readHfTextTower, type HfTextTowerStructure } from '../clip/hf-text-tower.js';
import { writeGraphFile } from '../declip/graph-file.js';
import { ADAMW_GRAPH_DEFAULTS } from '../declip/train/adamw.js';
import { sourceHash } from '../ldm/source-hash.js';
import type { ModelSession } from '../onnx/model-session.js';
import type { SessionPool } from '../onnx/session-pool.js';
import { openSafetensors } from '../safetensors/read.js';
import { WeightPlan } from '../weights/weight-plan.js';
import type { PromptLoss, TextTowerIdentity } from './learned-prompt.js';
import { buildPromptEncodeGraph, buildPromptScoreGraph, buildPromptStepGraph, type PromptGraphShape } from './prompt-graphs.js';
import { PromptModelError, type TextTowerSource } from './text-tower-source.js';

/** Bump when a prompt graph or the data file layout changes. */
export const PROMPT_GRAPH_VERSION = 1;
const DATA_FILE = 'text-tower.onnx.data';

/** The text tower of a weights file: its identity, structure and key prefix. */
export interface PromptTower {
  readonly identity: TextTowerIdentity;
  readonly structure: HfTextTowerStructure;
  readonly prefix: string;
}

const configSchema = z.looseObject({ text_config: hfClipTextConfigSchema.optional(), model_type: z.string().optional() });

function textConfig(file: string | undefined) {
  if (!file) return undefined;
  const c = configSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  return c.model_type === 'clip_text_model' ? hfClipTextConfigSchema.parse(c) : c.text_config;
}

/** Options of {@link openPromptSessions}. */
export interface PromptSessionOptions {
  readonly tower: TextTowerSource;
  readonly pool: SessionPool;
  /** `<data>/cache`. */
  readonly cacheDir: string;
  readonly contextLength: number;
  readonly contextSets: 1 | 2;
  readonly loss: PromptLoss;
  readonly logitScale: number;
  /** Also open the step graph without the optimiser (`grad.context` output), for gradient checks. */
  readonly gradientGraph?: boolean;
  readonly signal?: AbortSignal;
}

/** Sessions of one prompt configuration. */
export interface PromptSessions {
  readonly tower: PromptTower;
  readonly encode: ModelSession;
  /** The same tower on the plain hand-written prompts (`input_ids`, `eos_index` → `text_embeds`). */
  readonly baseline: ModelSession;
  readonly score: ModelSession;
  /** Step graph with the fused AdamW update. */
  readonly step: ModelSession;
  readonly gradient?: ModelSession;
  /** The folder of the graphs (for messages and benchmarks). */
  readonly dir: string;
}

/** A tower read from its file, with the weight plan its graphs share. */
interface PreparedTower {
  readonly tower: PromptTower;
  readonly plan: WeightPlan;
  readonly source: Awaited<ReturnType<typeof openSafetensors>>;
  readonly dir: string;
}

/**
 * Reads the tower's structure and identity from the file (the caller closes `source`).
 * @throws PromptModelError when the file has no CLIP text tower or no text projection
 */
async function prepareTower(o: { tower: TextTowerSource; cacheDir: string; signal?: AbortSignal }): Promise<PreparedTower> {
  const source = await openSafetensors(o.tower.file);
  try {
    const name = o.tower.name ?? path.basename(o.tower.file);
    const kind = classifyClipKeys(source.tensors);
    if (!kind) throw new PromptModelError(`${o.tower.file}: ${notClipProblem(source.tensors)}`);
    if (!kind.text) throw new PromptModelError(`CLIP ${name} (${o.tower.file}) has no text tower: prompt learning needs one`);
    const hf = kind.layout === 'hf';
    const prefix = hf ? 'text_model.' : '';
    const plan = new WeightPlan({ file: source.path, tensors: source.tensors, location: DATA_FILE });
    const structure = readHfTextTower(plan, Object.keys(source.tensors), prefix, {
      layout: kind.layout, config: textConfig(o.tower.config), projectionKey: hf ? 'text_projection.weight' : 'text_projection',
    });
    if (!structure.projectionKey) throw new PromptModelError(`CLIP ${name} (${o.tower.file}) has no text projection: eq. 8 compares projected embeddings`);
    const sha256 = await sourceHash(o.tower.file, path.join(o.cacheDir, 'coop'), o.signal);
    const identity: TextTowerIdentity = {
      sha256, source: name, layout: kind.layout, prefix, width: structure.width, layers: structure.layers,
      vocabSize: structure.vocabSize, projectionDim: structure.projectionDim, activation: structure.activation,
    };
    const dir = path.join(o.cacheDir, 'coop', `${sha256.slice(0, 24)}-v${PROMPT_GRAPH_VERSION}`);
    return { tower: { identity, structure, prefix }, plan, source, dir };
  } catch (e) {
    await source.close();
    throw e;
  }
}

/**
 * Builds (or reuses) the prompt graphs of `o.tower` and opens them.
 * @throws PromptModelError when the file has no CLIP text tower or no text projection
 */
export async function openPromptSessions(o: PromptSessionOptions): Promise<PromptSessions> {
  const { tower, plan, source, dir } = await prepareTower(o);
  try {
    const shape: PromptGraphShape = { structure: tower.structure, prefix: tower.prefix, contextLength: o.contextLength, contextSets: o.contextSets };
    // The encode graph is planned first, always: it touches every weight, so the data file's layout is the same
    // whichever graphs a run opens.
    const encodeBytes = buildPromptEncodeGraph(shape, plan).toBytes();
    const baselineBytes = buildPromptEncodeGraph({ ...shape, contextLength: 0 }, plan).toBytes();
    const step = (optimizer: 'adamw' | 'none') =>
      buildPromptStepGraph({ ...shape, loss: o.loss, logitScale: o.logitScale, optimizer, adamw: ADAMW_GRAPH_DEFAULTS }, plan).toBytes();
    const stepBytes = step('adamw');
    const gradientBytes = o.gradientGraph ? step('none') : undefined;
    const scoreBytes = buildPromptScoreGraph({ projectionDim: tower.structure.projectionDim, loss: o.loss, logitScale: o.logitScale }).toBytes();
    await ensureData(plan, source, dir, o.signal);
    const open = (prefixName: string, bytes: Uint8Array) => o.pool.get(writeGraphFile(dir, prefixName, bytes));
    const [encode, baseline, score, stepSession, gradient] = await Promise.all([
      open('coop-encode', encodeBytes), open('coop-baseline', baselineBytes), open('coop-score', scoreBytes), open('coop-step', stepBytes),
      gradientBytes ? open('coop-gradient', gradientBytes) : Promise.resolve(undefined),
    ]);
    return { tower, encode, baseline, score, step: stepSession, gradient, dir };
  } finally {
    await source.close();
  }
}

/** The encode graph alone (scoring with a prompt file): context [S, M, d] + token rows → `text_embeds` [2, P]. */
export interface PromptEncoder {
  readonly tower: PromptTower;
  readonly encode: ModelSession;
}

/**
 * Opens only the encode graph of one context shape (the same graph and weight data as {@link openPromptSessions}).
 * @throws PromptModelError when the file has no CLIP text tower or no text projection
 */
export async function openPromptEncoder(o: Omit<PromptSessionOptions, 'loss' | 'logitScale' | 'gradientGraph'>): Promise<PromptEncoder> {
  const { tower, plan, source, dir } = await prepareTower(o);
  try {
    const bytes = buildPromptEncodeGraph({ structure: tower.structure, prefix: tower.prefix, contextLength: o.contextLength, contextSets: o.contextSets }, plan).toBytes();
    await ensureData(plan, source, dir, o.signal);
    return { tower, encode: await o.pool.get(writeGraphFile(dir, 'coop-encode', bytes)) };
  } finally {
    await source.close();
  }
}

/** Writes the tower's weights into `dir` once (temp file, then rename, so a reader never sees half of it). */
async function ensureData(plan: WeightPlan, source: Awaited<ReturnType<typeof openSafetensors>>, dir: string, signal?: AbortSignal): Promise<void> {
  const file = path.join(dir, DATA_FILE);
  if (existsSync(file)) return;
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await plan.writeData(source, tmp, signal);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}
