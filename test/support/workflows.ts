/**
 * Helpers for the shipped UI workflows (`workflows/*.json`): load one, edit a widget in a copy, find its outputs,
 * and write the input images they load.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/** The repository root. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `workflows/<name>.json` of the repository. */
export function workflowFile(name: string): string {
  return path.join(REPO, 'workflows', `${name}.json`);
}

/** A shipped UI workflow, parsed. */
export function loadWorkflow(name: string): Record<string, any> {
  return JSON.parse(readFileSync(workflowFile(name), 'utf8'));
}

/** A copy of `workflow` with one widget value of a UI node set (by node id and widget position). */
export function withWidget(workflow: Record<string, any>, nodeId: number, index: number, value: unknown): Record<string, any> {
  const copy = structuredClone(workflow);
  copy.nodes.find((n: { id: number }) => n.id === nodeId).widgets_values[index] = value;
  return copy;
}

/** The first image file of a history entry's outputs, as `/view` query params. */
export function firstImage(entry: any): { filename: string; subfolder: string; type: string } {
  for (const out of Object.values(entry.outputs ?? {}) as { images?: any[] }[]) if (out.images?.length) return out.images[0];
  throw new Error(`no image in outputs ${JSON.stringify(entry.outputs)}`);
}

/**
 * Writes a 96×80 colour-gradient PNG as `<inputDir>/<file>` (`example.png`, the name the shipped workflows'
 * LoadImage uses); `hue` (0..255) shifts the blue channel, for a second, different image.
 */
export async function writeGradientPng(inputDir: string, file = 'example.png', hue = 0): Promise<void> {
  const w = 96;
  const h = 80;
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.set([(x * 255) / w, (y * 255) / h, (128 + hue) % 256], (y * w + x) * 3);
  await sharp(px, { raw: { width: w, height: h, channels: 3 } }).png().toFile(path.join(inputDir, file));
}
