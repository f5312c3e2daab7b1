/**
 * Reads an HF CLIP tokenizer folder: `vocab.json` + `merges.txt`, or `tokenizer.json`, plus the optional
 * `tokenizer_config.json`, `special_tokens_map.json` and `config.json` that set special tokens and the length.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BpeVocabData } from './openai-bpe.js';

/** Special tokens and length of a CLIP tokenizer; each token is a vocab string or an id. */
export interface ClipSpecialConfig {
  /** Start token; default "<|startoftext|>" (49406 in OpenAI's vocab). */
  readonly bos?: string | number;
  /** End token; default "<|endoftext|>" (49407). */
  readonly eos?: string | number;
  /** Pad token; default the eos token (HF SD1.5). OpenCLIP/SD2 use "!" (id 0). */
  readonly pad?: string | number;
  /** Replaces BPE symbols missing from the vocab; default "<|endoftext|>" like HF. */
  readonly unk?: string | number;
  /** Context length (tokens incl. bos/eos); default 77. */
  readonly modelMaxLength?: number;
}

/** Everything needed to build a tokenizer. */
export interface ClipTokenizerData extends BpeVocabData, ClipSpecialConfig {}

type Json = Record<string, unknown>;

async function readJsonIfExists(file: string): Promise<Json | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Json;
  } catch (err) {
    throw new Error(`tokenizer: ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** HF writes tokens as a string or an AddedToken object `{content, ...}`. */
function tokenString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Json).content === 'string') {
    return (value as Json).content as string;
  }
  return undefined;
}

/** Parses merges.txt text: drops the "#version" header and blank lines. */
export function parseMergesText(text: string): string[] {
  return text
    .split('\n')
    .filter((line, i) => !(i === 0 && line.startsWith('#version')))
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => line.split(/\s+/).join(' '));
}

async function readVocabPair(dir: string): Promise<BpeVocabData> {
  const vocabFile = path.join(dir, 'vocab.json');
  const vocab = (await readJsonIfExists(vocabFile)) as Record<string, number>;
  const merges = parseMergesText(await readFile(path.join(dir, 'merges.txt'), 'utf8'));
  return { vocab, merges };
}

/** Reads `tokenizer.json` (HF tokenizers, BPE model); merges may be "a b" strings or [a, b] pairs. */
async function readTokenizerJson(file: string): Promise<BpeVocabData> {
  const json = (await readJsonIfExists(file))!;
  const model = json.model as Json | undefined;
  if (!model || model.type !== 'BPE' || typeof model.vocab !== 'object') {
    throw new Error(`tokenizer: ${file} has no BPE model (model.type=${String(model?.type)})`);
  }
  const vocab = { ...(model.vocab as Record<string, number>) };
  const merges = (model.merges as Array<string | [string, string]>).map((m) => (Array.isArray(m) ? m.join(' ') : m));
  for (const added of (json.added_tokens as Json[] | undefined) ?? []) {
    if (typeof added.content === 'string' && typeof added.id === 'number') vocab[added.content] = added.id;
  }
  return { vocab, merges };
}

/**
 * Special tokens from config.json (the text config, or `text_config` of a full CLIP config) are used only when they
 * name a `<|...|>` token: many CLIP configs keep transformers' legacy defaults bos=0, pad=1, eos=2, which are the
 * byte symbols "!", "\"", "#", not real specials (see docs/model-folders.md, CLIP exports).
 */
function specialsFromModelConfig(config: Json | undefined, vocab: Record<string, number>): ClipSpecialConfig {
  const text = (config?.text_config as Json | undefined) ?? config;
  if (!text) return {};
  const byId = new Map(Object.entries(vocab).map(([t, id]) => [id, t]));
  const special = (id: unknown): number | undefined =>
    typeof id === 'number' && /^<\|.*\|>$/.test(byId.get(id) ?? '') ? id : undefined;
  const maxPos = text.max_position_embeddings;
  return {
    bos: special(text.bos_token_id),
    eos: special(text.eos_token_id),
    pad: special(text.pad_token_id),
    modelMaxLength: typeof maxPos === 'number' ? maxPos : undefined,
  };
}

/** tokenizer_config.json / special_tokens_map.json fields; model_max_length over 1e6 means "unset" in HF. */
function specialsFromTokenizerConfig(config: Json | undefined): ClipSpecialConfig {
  if (!config) return {};
  const max = config.model_max_length;
  return {
    bos: tokenString(config.bos_token),
    eos: tokenString(config.eos_token),
    pad: tokenString(config.pad_token),
    unk: tokenString(config.unk_token),
    modelMaxLength: typeof max === 'number' && max <= 1e6 ? max : undefined,
  };
}

/** Merges configs: earlier entries win per field. */
function firstDefined(...configs: ClipSpecialConfig[]): ClipSpecialConfig {
  const out: Record<string, unknown> = {};
  for (const c of configs) {
    for (const [k, v] of Object.entries(c)) if (out[k] === undefined && v !== undefined) out[k] = v;
  }
  return out as ClipSpecialConfig;
}

/** Loads vocab, merges and special-token settings from an HF tokenizer folder. */
export async function readClipTokenizerDir(dir: string): Promise<ClipTokenizerData> {
  const hasPair = existsSync(path.join(dir, 'vocab.json')) && existsSync(path.join(dir, 'merges.txt'));
  const tokenizerJson = path.join(dir, 'tokenizer.json');
  if (!hasPair && !existsSync(tokenizerJson)) {
    throw new Error(`tokenizer: ${dir} has neither vocab.json + merges.txt nor tokenizer.json`);
  }
  const data = hasPair ? await readVocabPair(dir) : await readTokenizerJson(tokenizerJson);
  const tokConfig = await readJsonIfExists(path.join(dir, 'tokenizer_config.json'));
  for (const [id, added] of Object.entries((tokConfig?.added_tokens_decoder as Record<string, Json>) ?? {})) {
    const content = tokenString(added);
    if (content !== undefined && data.vocab[content] === undefined) data.vocab[content] = Number(id);
  }
  const specials = firstDefined(
    specialsFromTokenizerConfig(tokConfig),
    specialsFromTokenizerConfig(await readJsonIfExists(path.join(dir, 'special_tokens_map.json'))),
    specialsFromModelConfig(await readJsonIfExists(path.join(dir, 'config.json')), data.vocab),
  );
  return { ...data, ...specials };
}
