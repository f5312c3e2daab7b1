/**
 * Recognises learned prompt files in `prompts/` (docs/coop.md, "Prompt files"): `.safetensors` files whose header
 * carries the CoOp format tag and a `context` tensor. Only the header is read; the full record is validated when a
 * node or `iqa eval --prompt` reads the file (models/coop/prompt-file.ts).
 */
import path from 'node:path';
import { promptFileProblem } from '../coop/prompt-file.js';
import { readSafetensorsHeaderSync } from '../safetensors/read.js';
import { promptManifestSchema, type ModelEntry } from './manifests.js';

/** Reads a prompt file's header; never throws. */
export function readPromptEntry(file: string, name: string): ModelEntry<'prompts'> {
  const broken = (problem: string) => ({ kind: 'prompts' as const, name, ok: false as const, problems: [problem] });
  if (path.extname(name).toLowerCase() !== '.safetensors') return broken(`${name} is not a .safetensors prompt file`);
  const problem = promptFileProblem(file);
  if (problem) return broken(`${file}: ${problem}`);
  const h = readSafetensorsHeaderSync(file);
  const manifest = promptManifestSchema.parse({
    kind: 'prompts', name, file, contextDims: h.tensors.context!.shape, metadata: h.metadata, warnings: [],
  });
  return { kind: 'prompts', name, ok: true, manifest };
}
