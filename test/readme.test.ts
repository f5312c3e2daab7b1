/**
 * README's node table and sampler/scheduler lists are checked against the registries, so a node or sampler
 * added, renamed or removed without updating the README fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packs } from '../app/node-packs.js';
import { samplerNames } from '../models/sampling/samplers/index.js';
import { schedulerNames } from '../models/sampling/schedulers/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The backticked names of a README line that starts with `prefix`. */
function namesOnLine(prefix: string): string[] {
  const line = readme.split('\n').find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`README has no line starting with "${prefix}"`);
  return [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** Rows of the "## Nodes" table: pack folder → node types in the row. */
function nodeTable(): Map<string, string[]> {
  const section = readme.slice(readme.indexOf('## Nodes'), readme.indexOf('\n## ', readme.indexOf('## Nodes') + 1));
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const m = /^\| [^|]*\(`nodes\/([a-z-]+)`\) \| (.*) \|$/.exec(line);
    if (!m) continue;
    // Node names are backticked identifiers; ignore backticked examples inside the parenthesised notes.
    rows.set(m[1]!, [...m[2]!.replace(/\([^)]*\)/g, '').matchAll(/`([A-Za-z][A-Za-z0-9_+-]*)`/g)].map((x) => x[1]!));
  }
  return rows;
}

describe('README', () => {
  it('lists every node of every shipped pack, in the pack it belongs to', () => {
    const table = nodeTable();
    expect([...table.keys()].sort()).toEqual(Object.keys(packs).sort());
    for (const [folder, defs] of Object.entries(packs)) expect(table.get(folder), folder).toEqual(defs.map((d) => d.type));
  });

  it('lists the samplers and schedulers of the registries, in combo order', () => {
    expect(namesOnLine('Samplers:')).toEqual([...samplerNames]);
    expect(namesOnLine('Schedulers:')).toEqual([...schedulerNames]);
  });
});
