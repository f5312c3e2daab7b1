/**
 * Antonym prompt pairs for zero-shot IQA (DeCLIP eq. 8; CLIP-IQA): s = softmax over {cos(f, t_pos), cos(f, t_neg)}
 * scaled by `logit_scale`, taking the positive entry. Every pair is oriented so that a HIGHER score means MORE of
 * the positive prompt, stated in `direction`.
 *
 * Where the strings come from (docs/declip-iqa.md, "Zero-shot quality"):
 * - quality 'Good photo.' / 'Bad photo.': CLIP-IQA's default pair.
 * - aesthetic 'Aesthetic photo.' / 'Not aesthetic photo.': CLIP-IQA's AVA attribute set.
 * - brightness, colorfulness, contrast, sharpness: CLIP-IQA's degradation attributes, verbatim.
 * - noise: 'Clean photo.' / 'Noisy photo.' — torchmetrics' orientation, NOT the official CLIP-IQA config (which
 *   puts 'Noisy photo.' first and so scores noisiness). Here higher = cleaner, so every technical attribute
 *   agrees with quality in sign.
 * - composition, color, depth of field, light, object emphasis: no public CLIP prompt list exists for the
 *   paper's Table 4 aesthetic attributes, so these pairs are our own, written in the same short
 *   "<adjective> photo." style as CLIP-IQA so the templates stay comparable. Depth of field follows AADB's
 *   "DoF" attribute, where a shallow, subject-isolating depth of field scores high.
 */

/** One antonym pair. `positive` and `negative` are fed to the text encoder as-is. */
export interface PromptPair {
  readonly positive: string;
  readonly negative: string;
  /** What a higher score means, in words (e.g. 'higher = cleaner (less noise)'). */
  readonly direction: string;
}

/** A named preset pair with its group. */
export interface PromptPreset extends PromptPair {
  readonly id: string;
  /** Display name ("Depth of field"). */
  readonly label: string;
  /** 'quality' for the two task presets; otherwise the Table 4 family of the attribute. */
  readonly group: 'quality' | 'technical' | 'aesthetic';
}

/** The two task presets of the `QualityScore` node. */
export const QUALITY_PROMPTS = {
  technical: {
    id: 'technical',
    label: 'Technical quality',
    group: 'quality',
    positive: 'Good photo.',
    negative: 'Bad photo.',
    direction: 'higher = better technical quality',
  },
  aesthetic: {
    id: 'aesthetic',
    label: 'Aesthetic quality',
    group: 'quality',
    positive: 'Aesthetic photo.',
    negative: 'Not aesthetic photo.',
    direction: 'higher = more aesthetic',
  },
} as const satisfies Record<string, PromptPreset>;

/** The ten fine-grained attributes of DeCLIP's Table 4, technical first, in the paper's order. */
export const ATTRIBUTE_PROMPTS = [
  technical('brightness', 'Brightness', 'Bright photo.', 'Dark photo.', 'higher = brighter'),
  technical('colorfulness', 'Colorfulness', 'Colorful photo.', 'Dull photo.', 'higher = more colorful'),
  technical('contrast', 'Contrast', 'High contrast photo.', 'Low contrast photo.', 'higher = more contrast'),
  technical('noise', 'Noise', 'Clean photo.', 'Noisy photo.', 'higher = cleaner (less noise)'),
  technical('sharpness', 'Sharpness', 'Sharp photo.', 'Blurry photo.', 'higher = sharper'),
  aesthetic('composition', 'Composition', 'Well-composed photo.', 'Poorly composed photo.', 'higher = better composed'),
  aesthetic('color', 'Color', 'Photo with harmonious colors.', 'Photo with clashing colors.', 'higher = more harmonious color'),
  aesthetic('depth_of_field', 'Depth of field', 'Photo with a shallow depth of field.', 'Photo with everything in focus.',
    'higher = shallower depth of field (subject isolated from a blurred background)'),
  aesthetic('light', 'Light', 'Beautifully lit photo.', 'Poorly lit photo.', 'higher = better lighting'),
  aesthetic('object_emphasis', 'Object emphasis', 'Photo with a clear main subject.', 'Photo without a clear main subject.',
    'higher = the main subject stands out more'),
] as const satisfies readonly PromptPreset[];

/** Ids of every preset (task presets then attributes), e.g. for a combo widget. */
export type PromptPresetId = keyof typeof QUALITY_PROMPTS | (typeof ATTRIBUTE_PROMPTS)[number]['id'];

/** Every preset, task presets first. */
export const PROMPT_PRESETS: readonly PromptPreset[] = [...Object.values(QUALITY_PROMPTS), ...ATTRIBUTE_PROMPTS];

/** Preset ids in {@link PROMPT_PRESETS} order. */
export const PROMPT_PRESET_IDS: readonly PromptPresetId[] = PROMPT_PRESETS.map((p) => p.id as PromptPresetId);

/**
 * Looks up a preset by id.
 * @throws Error listing the known ids when `id` is unknown.
 */
export function promptPreset(id: string): PromptPreset {
  const found = PROMPT_PRESETS.find((p) => p.id === id);
  if (!found) throw new Error(`unknown prompt preset '${id}'; expected one of ${PROMPT_PRESET_IDS.join(', ')}`);
  return found;
}

/**
 * A user-supplied pair, trimmed.
 * @throws Error when either prompt is empty or both are the same (the score would be a constant 0.5).
 */
export function customPromptPair(positive: string, negative: string): PromptPair {
  const pos = positive.trim();
  const neg = negative.trim();
  if (!pos || !neg) throw new Error(`custom prompt pair needs two non-empty prompts, got '${positive}' / '${negative}'`);
  if (pos === neg) throw new Error(`custom prompt pair has the same prompt twice ('${pos}'): scores would all be 0.5`);
  return { positive: pos, negative: neg, direction: `higher = more '${pos}' than '${neg}'` };
}

function technical<const I extends string>(id: I, label: string, positive: string, negative: string, direction: string) {
  return { id, label, group: 'technical', positive, negative, direction } as const;
}

function aesthetic<const I extends string>(id: I, label: string, positive: string, negative: string, direction: string) {
  return { id, label, group: 'aesthetic', positive, negative, direction } as const;
}
