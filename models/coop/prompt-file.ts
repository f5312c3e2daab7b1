/**
 * Prompt files (docs/coop.md, "Prompt files"): a learned prompt as a safetensors file in `<data>/models/prompts/`.
 * One tensor, `context` F32 [S, M, d]; every other field of {@link LearnedPrompt} is a JSON string in the
 * `__metadata__` header (`format`, `pair`, `model` = the text-tower identity, `space`, `loss`, `options`,
 * `metrics`), so the store can list a file from its header alone. {@link learnedPromptSchema} is the one check of
 * what a file holds: a file that does not pass it is refused with the file's name and the field at fault.
 */
import { openSafetensors, readSafetensorsHeaderSync, type SafetensorsTensorInfo } from '../safetensors/read.js';
import { encodeSafetensors } from '../safetensors/write.js';
import { writeFileAtomic } from '../tiny/write-file.js';
import { LEARNED_PROMPT_FORMAT, learnedPromptSchema, type LearnedPrompt } from './learned-prompt.js';

/** The one tensor of a prompt file. */
export const PROMPT_CONTEXT_TENSOR = 'context';

/** Header keys holding JSON, in the order they are written. */
const JSON_FIELDS = ['pair', 'model', 'options', 'metrics'] as const;

/** A file that is not a usable prompt file; the message names the file and what is wrong. */
export class PromptFileError extends Error {
  override readonly name = 'PromptFileError';
  constructor(readonly file: string, problem: string) {
    super(`prompt file ${file}: ${problem}`);
  }
}

/** The safetensors image of a prompt file. */
export function encodePromptFile(p: LearnedPrompt): Buffer {
  const checked = learnedPromptSchema.parse(p);
  const metadata: Record<string, string> = { format: checked.format, space: checked.space, loss: checked.loss };
  for (const k of JSON_FIELDS) metadata[k] = JSON.stringify(checked[k]);
  return encodeSafetensors({ [PROMPT_CONTEXT_TENSOR]: { dtype: 'F32', shape: [...checked.context.dims], data: checked.context.data } }, metadata);
}

/** Writes a prompt file (temp file then rename: a reader never sees half of it). */
export function writePromptFile(file: string, p: LearnedPrompt): void {
  writeFileAtomic(file, encodePromptFile(p));
}

/**
 * Why a header is not a prompt file's, or undefined when its format tag and context tensor look right (the store's
 * cheap listing check; {@link readPromptFile} validates every field).
 */
export function promptHeaderProblem(h: { metadata: Readonly<Record<string, string>>; tensors: Readonly<Record<string, SafetensorsTensorInfo>> }): string | undefined {
  if (h.metadata.format !== LEARNED_PROMPT_FORMAT) {
    return `metadata format is '${h.metadata.format ?? 'none'}', expected '${LEARNED_PROMPT_FORMAT}': not a learned prompt (make one with \`perceptgraph iqa tune\` or TrainPrompt)`;
  }
  const t = h.tensors[PROMPT_CONTEXT_TENSOR];
  if (!t) return `no '${PROMPT_CONTEXT_TENSOR}' tensor (found: ${Object.keys(h.tensors).join(', ') || 'none'})`;
  if (t.dtype !== 'F32' || t.shape.length !== 3) return `tensor '${PROMPT_CONTEXT_TENSOR}' is ${t.dtype} [${t.shape.join(', ')}], expected F32 [sets, M, width]`;
  for (const k of JSON_FIELDS) if (h.metadata[k] === undefined) return `metadata has no '${k}' field`;
  return undefined;
}

function parseField(file: string, metadata: Readonly<Record<string, string>>, key: string): unknown {
  try {
    return JSON.parse(metadata[key]!);
  } catch (e) {
    throw new PromptFileError(file, `metadata field '${key}' is not JSON (${(e as Error).message})`);
  }
}

/**
 * Reads and validates a prompt file.
 * @throws PromptFileError naming the file: not safetensors, another format, or a field that fails the schema
 */
export async function readPromptFile(file: string): Promise<LearnedPrompt> {
  const f = await openSafetensors(file).catch((e: Error) => {
    throw new PromptFileError(file, e.message);
  });
  try {
    const problem = promptHeaderProblem(f);
    if (problem) throw new PromptFileError(file, problem);
    const fields = Object.fromEntries(JSON_FIELDS.map((k) => [k, parseField(file, f.metadata, k)]));
    const dims = f.tensors[PROMPT_CONTEXT_TENSOR]!.shape;
    const parsed = learnedPromptSchema.safeParse({
      format: f.metadata.format, space: f.metadata.space, loss: f.metadata.loss, ...fields,
      context: { data: await f.read(PROMPT_CONTEXT_TENSOR), dims: [...dims] },
    });
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
      throw new PromptFileError(file, `does not hold a valid learned prompt (${issues.slice(0, 4).join('; ')})`);
    }
    return parsed.data as LearnedPrompt;
  } finally {
    await f.close();
  }
}

/** The header check of {@link promptHeaderProblem} on a file, synchronously; never throws. */
export function promptFileProblem(file: string): string | undefined {
  try {
    return promptHeaderProblem(readSafetensorsHeaderSync(file));
  } catch (e) {
    return (e as Error).message;
  }
}
