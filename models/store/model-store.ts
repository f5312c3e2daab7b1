/**
 * The model store: what is in `<data>/models/<kind>/`, as typed manifests. Listings feed COMBO choices and
 * `/models/{folder}`; broken entries carry every reason they cannot load, so a half-copied folder is reported when
 * listed and when resolved, and never crashes a run later.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { readCheckpoint } from './checkpoint-layout.js';
import { readClip, readClipVision } from './clip-layout.js';
import { clipWeightsFile } from './clip-safetensors-layout.js';
import { folderSearchOrder, type ExtraModelFolder } from './extra-model-paths.js';
import { isDiffusersWeightsFolder, readDiffusers } from './diffusers-layout.js';
import { isDir, isRepoFurniture, visibleEntries } from './folder-probe.js';
import { MODEL_KINDS, type ManifestOf, type ModelEntry, type ModelKind, type OnnxCheckpointManifest } from './manifests.js';
import { readDeclip, readIpAdapter, readVae } from './weight-layout.js';
import { readPromptEntry } from './prompt-layout.js';

/** Store configuration. */
export interface ModelStoreOptions {
  /** `<data>/models`. */
  readonly modelsDir: string;
  /**
   * Listings are reused for this long while the folder itself is unchanged (COMBO choices are asked for many times
   * per /object_info); default 1000. A file added, removed or renamed changes the folder's mtime and lists at once.
   */
  readonly cacheMs?: number;
  /**
   * More folders per kind (`--extra-model-paths`, ComfyUI's `extra_model_paths.yaml`): listed after the data dir's
   * own, or before it for an `is_default` section, and loaded in place (docs/model-folders.md).
   */
  readonly extraFolders?: readonly ExtraModelFolder[];
}

/** A model that is missing or cannot load; `problems` holds every reason. */
export class ModelStoreError extends Error {
  override readonly name = 'ModelStoreError';
  constructor(
    readonly kind: ModelKind,
    readonly model: string,
    readonly problems: readonly string[],
  ) {
    super(`${kind} model "${model}" cannot be loaded: ${problems.join('; ')}`);
  }
}

/** A folder key the store searches: a model kind, or `tokenizers` (single-file checkpoints' tokenizers). */
export type ModelFolderKey = ModelKind | 'tokenizers';

type Reader<K extends ModelKind> = (fullPath: string, name: string) => ModelEntry<K>;

const READERS: { [K in ModelKind]: Reader<K> } = {
  checkpoints: readCheckpoint,
  diffusers: readDiffusers,
  clip: readClip,
  clip_vision: readClipVision,
  ipadapter: readIpAdapter,
  declip: readDeclip,
  vae: readVae,
  prompts: readPromptEntry,
};

/** A folder's mtime (ms), or -1 when it does not exist. */
function folderStamp(dir: string): number {
  try {
    return statSync(dir).mtimeMs;
  } catch {
    return -1;
  }
}

/** Reads model folders and files under one models directory, plus the extra folders it is given. */
export class ModelStore {
  readonly modelsDir: string;
  private readonly cacheMs: number;
  private readonly extraFolders: readonly ExtraModelFolder[];
  private readonly cache = new Map<ModelKind, { at: number; stamp: string; entries: readonly ModelEntry[] }>();

  constructor(options: ModelStoreOptions) {
    this.modelsDir = path.resolve(options.modelsDir);
    this.cacheMs = options.cacheMs ?? 1000;
    this.extraFolders = options.extraFolders ?? [];
  }

  /** The data dir's own folder of a kind: `<modelsDir>/<kind>` (where trainers and downloads write). */
  dirOf(kind: ModelFolderKey): string {
    return path.join(this.modelsDir, kind);
  }

  /** Every folder searched for a kind, in search order (the first holding a name wins). */
  foldersOf(kind: ModelFolderKey): string[] {
    return folderSearchOrder(this.dirOf(kind), this.extraFolders.filter((e) => e.folder === kind));
  }

  /**
   * The full path of model `name` of a kind: in the first folder that holds it, or in the data dir's own folder
   * when none does.
   */
  pathOf(kind: ModelKind, name: string): string {
    const dir = this.foldersOf(kind).find((d) => visibleEntries(d).includes(name)) ?? this.dirOf(kind);
    return path.join(dir, name);
  }

  /**
   * Every entry of a kind, usable or broken: folder by folder in search order, sorted by name within each, a name
   * found again in a later folder left out (it would never load). A missing folder lists nothing.
   */
  listModels<K extends ModelKind>(kind: K): readonly ModelEntry<K>[] {
    const dirs = this.foldersOf(kind);
    // Like ComfyUI's filename cache, which checks its folders' mtimes: the editor's Refresh right after a copy
    // must see the new file (docs/model-folders.md).
    const stamp = dirs.map(folderStamp).join(',');
    const hit = this.cache.get(kind);
    if (hit && hit.stamp === stamp && Date.now() - hit.at < this.cacheMs) return hit.entries as readonly ModelEntry<K>[];
    const reader = READERS[kind] as Reader<K>;
    const seen = new Set<string>();
    const entries = dirs.flatMap((dir) => visibleEntries(dir)
      .filter((n) => !isRepoFurniture(n) && !seen.has(n))
      .map((n) => (seen.add(n), reader(path.join(dir, n), n))));
    this.cache.set(kind, { at: Date.now(), stamp, entries });
    return entries;
  }

  /** Names of the usable models of a kind (COMBO choices, `/models/{folder}`). */
  names(kind: ModelKind): string[] {
    return this.listModels(kind).filter((e) => e.ok).map((e) => e.name);
  }

  /**
   * Choices of a loader that reads weights files: the usable models plus every refused entry that is a
   * `.safetensors` file, a folder with `model.safetensors` or a diffusers weights folder (diffusers-layout.ts), as
   * ComfyUI lists each file of a folder. Choosing a
   * refused one makes the loader fail on its node with the entry's problems, which name the file (a truncated file,
   * a header that lies), instead of a bare "value not in list" (docs/model-folders.md).
   */
  weightsFileNames(kind: ModelKind): string[] {
    return this.listModels(kind).filter((e) => {
      if (e.ok) return true;
      const at = this.pathOf(kind, e.name);
      return clipWeightsFile(at) !== undefined || isDiffusersWeightsFolder(at) || (kind === 'diffusers' && isDir(at));
    }).map((e) => e.name);
  }

  /** A COMBO choice source that re-lists on every call (pass to `combo()`). */
  choices(kind: ModelKind): () => readonly string[] {
    return () => this.names(kind);
  }

  /** Every kind with its broken entries, for startup logs. */
  problems(): { kind: ModelKind; name: string; problems: readonly string[] }[] {
    return MODEL_KINDS.flatMap((kind) =>
      this.listModels(kind).flatMap((e) => (e.ok ? [] : [{ kind, name: e.name, problems: e.problems }])));
  }

  /** Forgets cached listings (after a download or upload). */
  invalidate(): void {
    this.cache.clear();
  }

  /**
   * Reads one model afresh and returns its manifest.
   * @throws ModelStoreError when the name is unsafe, absent (listing what is there) or the model is broken
   */
  resolve<K extends ModelKind>(kind: K, name: string): ManifestOf[K] {
    if (name === '' || name === '.' || name === '..' || /[\\/]/.test(name) || name.includes('\0')) {
      throw new ModelStoreError(kind, name, ['a model name must be a single file or folder name']);
    }
    const dir = this.foldersOf(kind).find((d) => visibleEntries(d).includes(name));
    if (dir === undefined) {
      const available = this.names(kind);
      throw new ModelStoreError(kind, name, [
        `not found in ${this.foldersOf(kind).join(', ')} (available: ${available.length > 0 ? available.join(', ') : 'none'})`,
      ]);
    }
    const entry = (READERS[kind] as Reader<K>)(path.join(dir, name), name);
    if (!entry.ok) throw new ModelStoreError(kind, name, entry.problems);
    return entry.manifest;
  }

  /** An SD1.5 ONNX checkpoint folder (`resolve('checkpoints', name)` also returns single `.safetensors` files). */
  resolveCheckpoint(name: string): OnnxCheckpointManifest {
    const m = this.resolve('checkpoints', name);
    if (m.format !== 'onnx-folder') {
      const what = m.format === 'ldm-safetensors' ? 'a single-file .safetensors checkpoint' : 'a diffusers folder with .safetensors weights';
      throw new ModelStoreError('checkpoints', name, [`${what}, not an ONNX folder: load it with CheckpointLoaderSimple`]);
    }
    return m;
  }

  /** A standalone VAE `.safetensors` file. */
  resolveVae(name: string): ManifestOf['vae'] {
    return this.resolve('vae', name);
  }

  /** A CLIP folder with both towers (or the full model) and a tokenizer. */
  resolveClip(name: string): ManifestOf['clip'] {
    return this.resolve('clip', name);
  }

  /** An image-encoder folder. */
  resolveClipVision(name: string): ManifestOf['clip_vision'] {
    return this.resolve('clip_vision', name);
  }

  /** An `ip-adapter_sd15.safetensors`-style file. */
  resolveIpAdapter(name: string): ManifestOf['ipadapter'] {
    return this.resolve('ipadapter', name);
  }

  /** A learned prompt file (`prompts/*.safetensors`, docs/coop.md); read it with `readPromptFile(manifest.file)`. */
  resolvePrompt(name: string): ManifestOf['prompts'] {
    return this.resolve('prompts', name);
  }

  /** A DeCLIP projector safetensors file. */
  resolveDeclip(name: string): ManifestOf['declip'] {
    return this.resolve('declip', name);
  }
}
