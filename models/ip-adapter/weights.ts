/**
 * Loads an `ip-adapter_sd15.safetensors` file into the IPADAPTER socket value: the validated layout plus the image
 * projection weights (ImageProjModel: Linear d → tokens·C with bias, LayerNorm(C) eps 1e-5). The to_k_ip/to_v_ip
 * layers are validated but not read: ONNX needs them baked into the IP-capable UNet (docs/model-folders.md).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { openSafetensors } from '../safetensors/read.js';
import { validateIpAdapterHeader, type IpAdapterLayout } from './layout.js';

/** The image projection of the base adapter, PyTorch layout. */
export interface ImageProjectionWeights {
  /** `image_proj.proj.weight`, [tokens·C, d] row-major ([3072, 1024]). */
  readonly projWeight: Float32Array;
  /** `image_proj.proj.bias`, [tokens·C]. */
  readonly projBias: Float32Array;
  /** `image_proj.norm.weight`, [C]. */
  readonly normWeight: Float32Array;
  /** `image_proj.norm.bias`, [C]. */
  readonly normBias: Float32Array;
}

/** IPADAPTER: a loaded, validated adapter file. */
export interface IpAdapterWeights extends IpAdapterLayout {
  /** Identity for caches: file path, byte size and modification time. */
  readonly key: string;
  /** File name as listed in `models/ipadapter/`. */
  readonly name: string;
  /** Absolute path of the safetensors file. */
  readonly file: string;
  readonly projection: ImageProjectionWeights;
}

/** A file that does not match the reference layout; `problems` lists every mismatch. */
export class IpAdapterFileError extends Error {
  override readonly name = 'IpAdapterFileError';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`IP-Adapter file ${file} does not match the ip-adapter_sd15 layout:\n- ${problems.join('\n- ')}`);
  }
}

/**
 * Opens, validates and reads an adapter file.
 * @throws IpAdapterFileError listing every missing tensor and wrong shape (expected vs actual)
 * @throws SafetensorsError when the file is not a readable safetensors file
 */
export async function loadIpAdapterWeights(file: string): Promise<IpAdapterWeights> {
  const st = await stat(file);
  const f = await openSafetensors(file);
  try {
    const checked = validateIpAdapterHeader(f.tensors, f.metadata);
    if (!checked.ok) throw new IpAdapterFileError(file, checked.problems);
    const projection: ImageProjectionWeights = {
      projWeight: await f.read('image_proj.proj.weight'),
      projBias: await f.read('image_proj.proj.bias'),
      normWeight: await f.read('image_proj.norm.weight'),
      normBias: await f.read('image_proj.norm.bias'),
    };
    const key = `${path.resolve(file)}:${st.size}:${Math.round(st.mtimeMs)}`;
    return { ...checked.layout, key, name: path.basename(file), file: path.resolve(file), projection };
  } finally {
    await f.close();
  }
}
