/**
 * CLIPTextEncode for SD1.5: ComfyUI-style long prompts. The prompt's tokens are split into windows of 75 (a short
 * word is not split across windows, ComfyUI's `max_word_length` rule), each window becomes [bos, …, eos, pad…] of
 * 77 ids, every window is encoded, and the hidden states are concatenated along the token axis:
 * [1, 77·k, 768]. The pooled output is the first window's (as ComfyUI does). `input_ids` is fed as int32 and the
 * session pool casts it to int64 for exports that want that.
 */
import { ClipTokenizer } from '../tokenizers/clip-bpe.js';
import { floatOutput } from '../onnx/tensor-types.js';
import type { FloatTensor } from '../tensors.js';
import { fixedDim, requireInput, type SessionSource } from './sessions.js';
import type { ConditioningEntry, SdClip } from './types.js';

/** Tokenizers loaded per session source (one runtime), so every prompt does not re-read vocab.json. */
const tokenizers = new WeakMap<object, Map<string, Promise<ClipTokenizer>>>();

/** The tokenizer of `dir`, loaded once per session source. */
export function tokenizerFor(sessions: SessionSource, dir: string): Promise<ClipTokenizer> {
  let byDir = tokenizers.get(sessions);
  if (!byDir) {
    byDir = new Map();
    tokenizers.set(sessions, byDir);
  }
  let tok = byDir.get(dir);
  if (!tok) {
    tok = ClipTokenizer.fromDir(dir);
    tok.catch(() => byDir.delete(dir)); // a fixed folder can be retried
    byDir.set(dir, tok);
  }
  return tok;
}

/** Options of {@link encodePrompt}. */
export interface EncodePromptOptions {
  readonly sessions: SessionSource;
  readonly clip: SdClip;
  readonly text: string;
  readonly signal?: AbortSignal;
}

/** Token ids of a prompt as ComfyUI windows them: [k, 77] int32. */
export async function promptWindows(sessions: SessionSource, clip: SdClip, text: string): Promise<{ ids: Int32Array; dims: [number, number] }> {
  const tok = await tokenizerFor(sessions, clip.tokenizerDir);
  const batch = tok.chunked(text, { keepWords: true });
  return { ids: batch.ids, dims: batch.dims };
}

/** Encodes a prompt into one CONDITIONING entry: embeds [1, 77·k, 768], pooled [1, 768]. */
export async function encodePrompt(o: EncodePromptOptions): Promise<ConditioningEntry> {
  const { ids, dims } = await promptWindows(o.sessions, o.clip, o.text);
  const session = await o.sessions.get(o.clip.textEncoderPath);
  const idsMeta = requireInput(session, 'input_ids', 'text encoder');
  const fixedBatch = fixedDim(idsMeta, 0);
  const [k, len] = dims;
  const hidden: FloatTensor[] = [];
  const pooled: FloatTensor[] = [];
  // One call for every window when the batch axis is dynamic; window by window for fixed-batch exports.
  const step = fixedBatch === undefined ? k : 1;
  for (let i = 0; i < k; i += step) {
    const n = Math.min(step, k - i);
    const out = await session.run({ input_ids: { data: ids.subarray(i * len, (i + n) * len), dims: [n, len] } }, { signal: o.signal });
    hidden.push(floatOutput(out, 'last_hidden_state', session.file));
    if (i === 0 && out.pooler_output) pooled.push(floatOutput(out, 'pooler_output', session.file));
  }
  const width = hidden[0]!.dims[2]!;
  const data = new Float32Array(k * len * width);
  let offset = 0;
  for (const h of hidden) {
    data.set(h.data, offset);
    offset += h.data.length;
  }
  const first = pooled[0];
  return {
    embeds: { data, dims: [1, k * len, width] },
    pooled: first ? { data: first.data.slice(0, first.dims[1]), dims: [1, first.dims[1]!] } : undefined,
  };
}
