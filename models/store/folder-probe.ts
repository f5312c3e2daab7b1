/**
 * Small filesystem probes shared by the layout readers. They collect problems (the model cannot load) and warnings
 * (it can, but something is odd) as sentences that name the file, instead of throwing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { OnnxFile, TokenizerFiles } from './manifests.js';

/** Problems and warnings found while reading one model. */
export interface Findings {
  readonly problems: string[];
  readonly warnings: string[];
}

/** A fresh, empty Findings. */
export function findings(): Findings {
  return { problems: [], warnings: [] };
}

/** Visible entries of a folder (no dotfiles), sorted; [] when it is not a readable folder. */
export function visibleEntries(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
  } catch {
    return [];
  }
}

/** True for a regular file (following links). */
export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** True for a folder (following links). */
export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Files people keep beside models (HF repo furniture); never reported as unknown. */
export function isRepoFurniture(name: string): boolean {
  return /^(readme|license|licence|notice)/i.test(name) || /\.(md|txt|png|jpe?g|webp|gif)$/i.test(name);
}

/**
 * The ONNX model `rel` inside `dir` with its external data, or undefined. An empty file is a problem; `weights.pb`
 * (diffusers) and `<name>_data`/`<name>.data` (optimum, onnx) are the external-data names recognised.
 */
export function onnxAt(dir: string, rel: string, f: Findings): OnnxFile | undefined {
  const model = path.join(dir, rel);
  if (!isFile(model)) return undefined;
  if (statSync(model).size === 0) {
    f.problems.push(`${rel} is empty (an interrupted download?)`);
    return undefined;
  }
  const folder = path.dirname(model);
  const base = path.basename(model);
  const externalData = [`${base}_data`, `${base}.data`, 'weights.pb']
    .map((n) => path.join(folder, n))
    .filter(isFile);
  return { model, externalData };
}

/** CLIP BPE tokenizer files in the first of `dirs` that has a complete set (vocab+merges or tokenizer.json). */
export function tokenizerIn(dirs: readonly string[]): TokenizerFiles | undefined {
  for (const dir of dirs) {
    const at = (n: string) => (isFile(path.join(dir, n)) ? path.join(dir, n) : undefined);
    const files = {
      dir,
      vocab: at('vocab.json'),
      merges: at('merges.txt'),
      tokenizerJson: at('tokenizer.json'),
      tokenizerConfig: at('tokenizer_config.json'),
      specialTokensMap: at('special_tokens_map.json'),
    };
    if ((files.vocab && files.merges) || files.tokenizerJson) return files;
  }
  return undefined;
}

/** Describes what a tokenizer folder lacks, for the problem message. */
export function tokenizerGap(dir: string, rel: string): string {
  if (!isDir(dir)) return `${rel} is missing (needs vocab.json + merges.txt, or tokenizer.json)`;
  const has = visibleEntries(dir);
  const lacks = ['vocab.json', 'merges.txt'].filter((n) => !has.includes(n));
  return `${rel} has no usable tokenizer: ${lacks.join(' and ')} missing and no tokenizer.json (found: ${has.join(', ') || 'nothing'})`;
}

/** A JSON file read and checked against a schema: its value, or what is wrong (`json`: not JSON; `schema`: the first issue). */
export type JsonFileCheck<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly kind: 'json' | 'schema'; readonly detail: string };

/** Reads `file` (which must exist) and validates it; callers word the problem for their context. */
export function checkJsonFile<T>(file: string, schema: z.ZodType<T>): JsonFileCheck<T> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { ok: false, kind: 'json', detail: (e as Error).message };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, kind: 'schema', detail: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
}

/** Reads and validates a JSON file; a problem (not a throw) when it is unreadable or does not match. */
export function readJsonFile<T>(file: string, schema: z.ZodType<T>, label: string, f: Findings): T | undefined {
  if (!existsSync(file)) return undefined;
  const c = checkJsonFile(file, schema);
  if (c.ok) return c.value;
  f.problems.push(c.kind === 'json' ? `${label} is not valid JSON (${c.detail})` : `${label} is malformed: ${c.detail}`);
  return undefined;
}
