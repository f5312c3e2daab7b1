/**
 * Cheap checks, before any session is created, that a GPU execution provider can work on this machine at all.
 * Trying a provider that cannot work is not silent: onnxruntime prints a red "Failed to load library…" for CUDA,
 * and Dawn (WebGPU) writes "Couldn't load Vulkan" straight to file descriptor 2, below any log level we can set.
 * So on a machine without a GPU device, or without the provider's libraries, the provider is skipped here with a
 * plain reason, and no native code prints anything. Only Linux is checked; elsewhere every provider is tried.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ExecutionProvider } from './providers.js';

/** What the checks look at; defaults to this machine (tests pass their own). */
export interface PreflightEnvironment {
  readonly platform: NodeJS.Platform;
  readonly exists: (file: string) => boolean;
  /** Folders searched for shared libraries (system folders plus `LD_LIBRARY_PATH`). */
  readonly libraryDirs: readonly string[];
  /** Folders holding onnxruntime-node's native binding for this platform, where the CUDA provider `.so` goes. */
  readonly ortBinDirs: readonly string[];
}

/** GPU device nodes: DRM render nodes (Mesa, AMD, Intel, NVIDIA), NVIDIA's own, and WSL's GPU paravirtualisation. */
function hasGpuDevice(env: PreflightEnvironment): boolean {
  return ['/dev/nvidia0', '/dev/dxg', '/dev/dri/renderD128', '/dev/dri/card0'].some((f) => env.exists(f));
}

function hasLibrary(env: PreflightEnvironment, name: string): boolean {
  return env.libraryDirs.some((d) => env.exists(path.join(d, name)));
}

/**
 * Why `provider` cannot work here, or undefined when it may (then the pool tries it and falls back on failure).
 * CPU always may.
 */
export function preflightUnavailable(provider: ExecutionProvider, env: PreflightEnvironment = machineEnvironment()): string | undefined {
  if (provider === 'cpu' || env.platform !== 'linux') return undefined;
  if (!hasGpuDevice(env)) return 'no GPU device on this machine (no /dev/nvidia0, /dev/dri or /dev/dxg)';
  if (provider === 'cuda' && !env.ortBinDirs.some((d) => env.exists(path.join(d, 'libonnxruntime_providers_cuda.so')))) {
    return 'the CUDA provider libraries are not installed (run `npm run setup:cuda`)';
  }
  if (provider === 'webgpu' && !hasLibrary(env, 'libvulkan.so.1')) return 'no Vulkan loader (libvulkan.so.1) for WebGPU; install libvulkan1';
  return undefined;
}

/** Multiarch folder names Debian and Ubuntu use for this CPU. */
const TRIPLETS: Partial<Record<string, string>> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

let cached: PreflightEnvironment | undefined;

/** This machine's environment (computed once per process). */
export function machineEnvironment(): PreflightEnvironment {
  if (cached) return cached;
  const triplet = TRIPLETS[process.arch];
  const system = ['/usr/lib', '/lib', '/usr/lib64', '/lib64', '/usr/local/lib', ...(triplet ? [`/usr/lib/${triplet}`, `/lib/${triplet}`] : [])];
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  cached = { platform: process.platform, exists: existsSync, libraryDirs: [...fromEnv, ...system], ortBinDirs: ortBinDirs() };
  return cached;
}

/** `node_modules/onnxruntime-node/bin/napi-v*\/<platform>/<arch>`, where its install script puts the CUDA provider. */
function ortBinDirs(): string[] {
  try {
    const root = path.join(path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin');
    return readdirSync(root).map((napi) => path.join(root, napi, process.platform, process.arch));
  } catch {
    return [];
  }
}
