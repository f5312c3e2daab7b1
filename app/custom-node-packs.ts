/**
 * Third-party node packs (ComfyUI's custom_nodes): every folder or module in `<data dir>/custom_nodes/` and every
 * npm package named in `<data dir>/custom_nodes.json` (`{"packages": ["name", ...]}`, resolved from the data
 * dir). A pack that fails to import, throws while registering, exports no valid definitions or defines a type
 * that already exists is skipped as a whole, with the reason logged and listed (`GET /node_packs`); the server
 * starts anyway.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyNodeDefinition } from '../server/engine/node-definition.js';
import { nodePackApi, type NodePackExport } from './node-pack-api.js';

/** How one pack fared at start. */
export interface NodePackStatus {
  readonly name: string;
  readonly source: 'custom_nodes' | 'npm';
  /** The module file that was imported (or the folder / package name when none was found). */
  readonly path: string;
  readonly loaded: boolean;
  /** Node types it registered (empty when skipped). */
  readonly nodes: readonly string[];
  readonly error?: string;
}

export interface LoadedPacks {
  readonly statuses: NodePackStatus[];
  /** Definitions of the packs that loaded, in load order. */
  readonly definitions: AnyNodeDefinition[];
}

const MODULE_EXTENSIONS = ['.mjs', '.js', '.ts', '.mts'];

/** The module to import for a folder: package.json `main`, else index.{mjs,js,ts,mts}. */
function folderEntry(dir: string): string | undefined {
  const pkgFile = path.join(dir, 'package.json');
  if (existsSync(pkgFile)) {
    const main = (JSON.parse(readFileSync(pkgFile, 'utf8')) as { main?: unknown }).main;
    if (typeof main === 'string') return path.resolve(dir, main);
  }
  return MODULE_EXTENSIONS.map((e) => path.join(dir, `index${e}`)).find((f) => existsSync(f));
}

function isDefinition(d: unknown): d is AnyNodeDefinition {
  const o = d as Partial<AnyNodeDefinition> | null;
  return typeof o === 'object' && o !== null && typeof o.type === 'string' && typeof o.run === 'function' && typeof o.inputs === 'object' && Array.isArray(o.outputs);
}

async function definitionsOf(mod: Record<string, unknown>): Promise<AnyNodeDefinition[]> {
  const exported = (mod.default ?? mod.nodes) as NodePackExport | undefined;
  if (exported === undefined) throw new Error('the module exports neither `default` nor `nodes`');
  const defs = typeof exported === 'function' ? await exported(nodePackApi) : exported;
  if (!Array.isArray(defs) || defs.length === 0) throw new Error('the pack exports no node definitions');
  const bad = defs.findIndex((d) => !isDefinition(d));
  if (bad >= 0) throw new Error(`export #${bad} is not a node definition (made with defineNode)`);
  return [...defs];
}

/** Imports one pack and checks it against the types taken so far; never throws. */
async function loadPack(name: string, source: NodePackStatus['source'], file: string | undefined, taken: Set<string>): Promise<{ status: NodePackStatus; defs: AnyNodeDefinition[] }> {
  const skipped = (error: string) => ({ status: { name, source, path: file ?? name, loaded: false, nodes: [], error }, defs: [] });
  if (!file) return skipped('no module to import (add index.js/.mjs/.ts or package.json "main")');
  let defs: AnyNodeDefinition[];
  try {
    defs = await definitionsOf((await import(pathToFileURL(file).href)) as Record<string, unknown>);
  } catch (err) {
    return skipped(err instanceof Error ? err.message : String(err));
  }
  const seen = new Set<string>();
  for (const d of defs) {
    if (taken.has(d.type) || seen.has(d.type)) return skipped(`duplicate node type "${d.type}"`);
    seen.add(d.type);
  }
  for (const t of seen) taken.add(t);
  return { status: { name, source, path: file, loaded: true, nodes: [...seen] }, defs };
}

/** The npm package names listed in `<dataDir>/custom_nodes.json`. */
function configuredPackages(dataDir: string, log: (m: string) => void): string[] {
  const file = path.join(dataDir, 'custom_nodes.json');
  if (!existsSync(file)) return [];
  try {
    const packages = (JSON.parse(readFileSync(file, 'utf8')) as { packages?: unknown }).packages;
    if (Array.isArray(packages) && packages.every((p) => typeof p === 'string')) return packages as string[];
    log(`custom_nodes.json: "packages" must be a list of package names; ignored`);
  } catch (err) {
    log(`custom_nodes.json is not valid JSON; ignored: ${(err as Error).message}`);
  }
  return [];
}

/** Loads the packs of `dataDir`; `existingTypes` are the shipped node types (a pack may not redefine them). */
export async function loadCustomNodePacks(dataDir: string, existingTypes: Iterable<string>, log: (message: string) => void = () => {}): Promise<LoadedPacks> {
  const taken = new Set(existingTypes);
  const statuses: NodePackStatus[] = [];
  const definitions: AnyNodeDefinition[] = [];
  const add = ({ status, defs }: { status: NodePackStatus; defs: AnyNodeDefinition[] }) => {
    statuses.push(status);
    definitions.push(...defs);
    log(status.loaded ? `node pack ${status.name}: ${status.nodes.length} node(s)` : `node pack ${status.name} skipped: ${status.error}`);
  };
  const dir = path.join(dataDir, 'custom_nodes');
  if (existsSync(dir)) {
    for (const entry of readdirSync(dir).sort()) {
      if (entry.startsWith('.') || entry === 'node_modules' || entry === '__pycache__') continue;
      const full = path.join(dir, entry);
      const isDir = statSync(full).isDirectory();
      if (!isDir && !MODULE_EXTENSIONS.includes(path.extname(entry))) continue;
      add(await loadPack(entry, 'custom_nodes', isDir ? folderEntry(full) : full, taken));
    }
  }
  const resolve = createRequire(path.join(path.resolve(dataDir), 'package.json')).resolve;
  for (const pkg of configuredPackages(dataDir, log)) {
    let file: string | undefined;
    try {
      file = resolve(pkg);
    } catch {
      add({ status: { name: pkg, source: 'npm', path: pkg, loaded: false, nodes: [], error: `package "${pkg}" is not installed (npm install it in ${dataDir})` }, defs: [] });
      continue;
    }
    add(await loadPack(pkg, 'npm', file, taken));
  }
  return { statuses, definitions };
}
