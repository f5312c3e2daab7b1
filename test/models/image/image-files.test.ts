import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listImageFiles, parseAnnotatedName, PathOutsideRootError, resolveAnnotatedPath, resolveInside } from '../../../models/image/image-files.js';
import { tempDir } from './fixtures.js';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ dir: root, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('listImageFiles', () => {
  it('lists top-level image files only, sorted', () => {
    for (const f of ['b.png', 'A.JPG', 'c.webp', 'notes.txt']) fs.writeFileSync(path.join(root, f), '');
    fs.mkdirSync(path.join(root, 'sub'));
    fs.writeFileSync(path.join(root, 'sub', 'd.png'), '');
    expect(listImageFiles(root)).toEqual(['A.JPG', 'b.png', 'c.webp']);
    expect(listImageFiles(path.join(root, 'missing'))).toEqual([]);
  });
});

describe('resolveInside', () => {
  it('resolves names and subfolders inside the root', () => {
    expect(resolveInside(root, 'x.png')).toBe(path.join(root, 'x.png'));
    expect(resolveInside(root, 'sub/x.png')).toBe(path.join(root, 'sub', 'x.png'));
    expect(resolveInside(root, 'sub\\x.png')).toBe(path.join(root, 'sub', 'x.png'));
  });

  it('refuses traversal, absolute paths, NUL bytes and symlinks out', () => {
    for (const bad of ['../x.png', 'a/../../x.png', '/etc/passwd', 'C:/x', '..\\x.png', 'x\0.png']) {
      expect(() => resolveInside(root, bad), bad).toThrow(PathOutsideRootError);
    }
    const { dir: outside, cleanup: clean2 } = tempDir();
    try {
      fs.writeFileSync(path.join(outside, 'secret.png'), '');
      fs.symlinkSync(path.join(outside, 'secret.png'), path.join(root, 'link.png'));
      expect(() => resolveInside(root, 'link.png')).toThrow(PathOutsideRootError);
    } finally {
      clean2();
    }
  });
});

describe('parseAnnotatedName / resolveAnnotatedPath', () => {
  it("follows ComfyUI's [input]/[output]/[temp] annotations", () => {
    expect(parseAnnotatedName('a.png [output]')).toEqual({ name: 'a.png', folder: 'output' });
    expect(parseAnnotatedName('a.png')).toEqual({ name: 'a.png', folder: 'input' });
    const roots = { input: path.join(root, 'in'), output: path.join(root, 'out'), temp: path.join(root, 'tmp') };
    expect(resolveAnnotatedPath(roots, 'sub/a.png [temp]')).toBe(path.join(root, 'tmp', 'sub', 'a.png'));
    expect(() => resolveAnnotatedPath(roots, '../out/a.png')).toThrow(PathOutsideRootError);
  });
});
