/**
 * `--extra-model-paths FILE` for `serve`, `run` and `worker`: ComfyUI's `extra_model_paths.yaml` (its
 * `--extra-model-paths-config`), repeatable; the files' folders are searched beside the data dir's own
 * (models/store/extra-model-paths.ts, docs/model-folders.md).
 */
import { ExtraModelPathsError, readExtraModelPaths, type ExtraModelFolder } from '../../models/store/extra-model-paths.js';
import { UsageError } from './usage-error.js';

/** The `parseArgs` option, spread into a command's own. */
export const EXTRA_MODEL_PATHS_OPTIONS = {
  'extra-model-paths': { type: 'string', multiple: true },
} as const;

/** Usage and help lines. */
export const EXTRA_MODEL_PATHS_USAGE = '[--extra-model-paths FILE]';
export const EXTRA_MODEL_PATHS_HELP = `  --extra-model-paths FILE  also use the model folders a ComfyUI extra_model_paths.yaml names (e.g. an existing
                 ComfyUI models/ tree), in place, after the data dir's own (repeatable)`;

/**
 * The folders every given file names, files in the order given.
 * @throws UsageError naming the file and what is wrong: missing, not YAML, a section that is not a mapping
 */
export function extraModelPathsOption(files: readonly string[] | undefined): ExtraModelFolder[] {
  try {
    return (files ?? []).flatMap((f) => readExtraModelPaths(f));
  } catch (err) {
    if (err instanceof ExtraModelPathsError) throw new UsageError(`--extra-model-paths: ${err.message}`);
    throw err;
  }
}
