/**
 * `perceptgraph run`'s overrides of an API-format prompt: `--input NODE=path` / `--image path` (the image a
 * LoadImage node loads, from anywhere on disk) and `--set NODE.input=value` (a widget value). NODE is a node id
 * or its title. Every mistake is a {@link UsageError} naming the node and what would have been accepted.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ObjectInfo, WireInputSpec } from '../../server/protocol/object-info.js';
import { UsageError } from './usage-error.js';

/** One node of an API-format prompt as the CLI edits it. */
export interface PromptNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title?: string };
}

/** An API-format prompt: node id → node. */
export type ApiPrompt = Record<string, PromptNode>;

/** A node's title: its `_meta.title`, else the node type's display name, else its type. */
export function nodeTitle(prompt: ApiPrompt, id: string, info: ObjectInfo): string {
  const node = prompt[id];
  if (!node) return id;
  return node._meta?.title ?? info[node.class_type]?.display_name ?? node.class_type;
}

/** The id of the node `ref` names: an id, else a unique title. */
export function findNode(prompt: ApiPrompt, ref: string, info: ObjectInfo): string {
  if (Object.hasOwn(prompt, ref)) return ref;
  const byTitle = Object.keys(prompt).filter((id) => nodeTitle(prompt, id, info) === ref);
  if (byTitle.length === 1) return byTitle[0]!;
  const known = Object.keys(prompt).map((id) => `${id} (${nodeTitle(prompt, id, info)})`).join(', ');
  throw new UsageError(byTitle.length ? `node title "${ref}" is not unique; use an id: ${byTitle.join(', ')}` : `no node "${ref}" in the workflow; nodes: ${known}`);
}

/** Splits `left<sep>right` at the first `sep`; a usage error naming `option` without it. */
function split(spec: string, sep: string, option: string, form: string): [string, string] {
  const at = spec.indexOf(sep);
  if (at <= 0) throw new UsageError(`${option} expects ${form}, got "${spec}"`);
  return [spec.slice(0, at), spec.slice(at + 1)];
}

/**
 * Copies `file` into the input folder, where LoadImage reads, and returns the name it has there: its own name,
 * or `<name>-<hash>` when a different file of that name is already there (a user's file is never replaced).
 */
export function stageInputImage(file: string, inputDir: string): string {
  const abs = path.resolve(file);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new UsageError(`image ${abs} does not exist`);
  const bytes = readFileSync(abs);
  const base = path.basename(abs);
  const target = path.join(inputDir, base);
  if (path.resolve(target) === abs) return base;
  if (existsSync(target) && !readFileSync(target).equals(bytes)) {
    const ext = path.extname(base);
    const named = `${base.slice(0, base.length - ext.length)}-${createHash('sha256').update(bytes).digest('hex').slice(0, 10)}${ext}`;
    copyFileSync(abs, path.join(inputDir, named));
    return named;
  }
  if (!existsSync(target)) copyFileSync(abs, target);
  return base;
}

/** The LoadImage-style nodes of the prompt: those with an `image` input that is a file choice (not a link). */
function imageLoaders(prompt: ApiPrompt, info: ObjectInfo): string[] {
  return Object.keys(prompt).filter((id) => {
    const spec = info[prompt[id]!.class_type]?.input.required.image;
    return spec !== undefined && (Array.isArray(spec[0]) || spec[0] === 'COMBO') && spec[1]?.image_upload === true;
  });
}

/** Applies `--input NODE=path` specs and one optional `--image path` (for a workflow with one LoadImage). */
export function applyImageInputs(prompt: ApiPrompt, o: { inputs: readonly string[]; image?: string; inputDir: string; info: ObjectInfo }): void {
  const assignments: [string, string][] = o.inputs.map((spec) => {
    const [ref, file] = split(spec, '=', '--input', 'NODE=path');
    return [findNode(prompt, ref, o.info), file];
  });
  if (o.image !== undefined) {
    const loaders = imageLoaders(prompt, o.info);
    if (loaders.length !== 1) {
      const names = loaders.map((id) => `${id} (${nodeTitle(prompt, id, o.info)})`).join(', ');
      throw new UsageError(`--image needs a workflow with exactly one LoadImage node; this one has ${loaders.length}${names ? `: ${names}` : ''}; use --input NODE=path`);
    }
    assignments.push([loaders[0]!, o.image]);
  }
  for (const [id, file] of assignments) {
    const node = prompt[id]!;
    if (!imageLoaders(prompt, o.info).includes(id)) throw new UsageError(`--input: node ${id} (${node.class_type}) does not load an image`);
    node.inputs.image = stageInputImage(file, o.inputDir);
  }
}

/** The value `text` means for an input of `spec`'s type: numbers for INT/FLOAT (bigint beyond 2^53), booleans. */
export function coerceWidget(text: string, spec: WireInputSpec, where: string): unknown {
  const [type, opts] = spec;
  if (Array.isArray(type)) {
    if (!type.includes(text)) throw new UsageError(`${where}: "${text}" is not one of ${type.join(', ')}`);
    return text;
  }
  if (type === 'INT') {
    if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`${where} expects an integer, got "${text}"`);
    const big = BigInt(text.trim());
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  if (type === 'FLOAT') {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${where} expects a number, got "${text}"`);
    return n;
  }
  if (type === 'BOOLEAN') {
    if (text !== 'true' && text !== 'false') throw new UsageError(`${where} expects true or false, got "${text}"`);
    return text === 'true';
  }
  if (type === 'COMBO' && Array.isArray(opts?.options) && !opts.options.includes(text)) {
    throw new UsageError(`${where}: "${text}" is not one of ${opts.options.join(', ')}`);
  }
  return text;
}

/** Applies `--set NODE.input=value` specs (NODE may itself contain dots: the input name is after the last one). */
export function applyWidgetSets(prompt: ApiPrompt, sets: readonly string[], info: ObjectInfo): void {
  for (const spec of sets) {
    const [target, value] = split(spec, '=', '--set', 'NODE.input=value');
    const dot = target.lastIndexOf('.');
    if (dot <= 0 || dot === target.length - 1) throw new UsageError(`--set expects NODE.input=value, got "${spec}"`);
    const id = findNode(prompt, target.slice(0, dot), info);
    const node = prompt[id]!;
    const name = target.slice(dot + 1);
    const def = info[node.class_type];
    const inputSpec = def?.input.required[name] ?? def?.input.optional?.[name];
    if (!inputSpec) {
      const names = def ? [...Object.keys(def.input.required), ...Object.keys(def.input.optional ?? {})].join(', ') : '';
      throw new UsageError(`--set: node ${id} (${node.class_type}) has no input "${name}"${names ? `; inputs: ${names}` : ''}`);
    }
    node.inputs[name] = coerceWidget(value, inputSpec, `--set ${id}.${name}`);
  }
}
