import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PathOutsideRootError } from '../../../models/image/image-files.js';
import { expandPrefixVars, nextCounter, resolveSavePath } from '../../../models/image/save-path.js';
import { tempDir } from './fixtures.js';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ dir: root, cleanup } = tempDir()));
afterEach(() => cleanup());

const vars = { width: 640, height: 480, now: new Date(2024, 2, 5, 7, 8, 9) };

describe('expandPrefixVars', () => {
  it('expands the server-side variables and leaves others alone', () => {
    expect(expandPrefixVars('%year%-%month%-%day%/%hour%%minute%%second%_%width%x%height%_%batch_num%', vars)).toBe('2024-03-05/070809_640x480_%batch_num%');
  });
});

describe('nextCounter', () => {
  it("continues after the highest counter of that exact prefix, like ComfyUI's map_filename", () => {
    for (const f of ['ComfyUI_00001_.png', 'ComfyUI_00007_.png', 'ComfyUI_x_00099_.png', 'ComfyUIx_00050_.png', 'Other_00070_.png']) {
      fs.writeFileSync(path.join(root, f), '');
    }
    expect(nextCounter(root, 'ComfyUI')).toBe(8);
    expect(nextCounter(root, 'Fresh')).toBe(1);
  });
});

describe('resolveSavePath', () => {
  it('resolves a plain prefix into the root', () => {
    expect(resolveSavePath(root, 'ComfyUI', vars)).toEqual({ folder: root, filename: 'ComfyUI', counter: 1, subfolder: '' });
  });

  it('creates subfolders named in the prefix', () => {
    const p = resolveSavePath(root, 'a/b\\%year%/img', vars);
    expect(p).toEqual({ folder: path.join(root, 'a', 'b', '2024'), filename: 'img', counter: 1, subfolder: 'a/b/2024' });
    expect(fs.statSync(p.folder).isDirectory()).toBe(true);
    expect(resolveSavePath(root, 'a/../c/img', vars).subfolder).toBe('c');
  });

  it('refuses prefixes that leave the root', () => {
    for (const prefix of ['../escape', 'a/../../escape', '/etc/evil', '..\\..\\evil']) {
      expect(() => resolveSavePath(root, prefix, vars), prefix).toThrow(PathOutsideRootError);
    }
    expect(() => resolveSavePath(root, '../x', vars)).toThrow(/outside the output folder is not allowed/);
  });

  it('refuses a subfolder that is a symlink out of the root', () => {
    const { dir: outside, cleanup: clean2 } = tempDir();
    try {
      fs.symlinkSync(outside, path.join(root, 'link'));
      expect(() => resolveSavePath(root, 'link/img', vars)).toThrow(PathOutsideRootError);
    } finally {
      clean2();
    }
  });

  it('refuses a prefix without a file name', () => {
    expect(() => resolveSavePath(root, '', vars)).toThrow(/does not end in a file name/);
    expect(() => resolveSavePath(root, 'a/..', vars)).toThrow(/does not end in a file name/);
  });
});
