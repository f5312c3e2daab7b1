/**
 * `GET /workflows` (names of the example workflows, without `.json`) and `GET /workflows/{name}` (one UI-format
 * workflow), read from `workflowsDir`. Not a ComfyUI route: the editor's examples menu uses it.
 */
import type { Router } from 'express';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkFileName } from '../../files/safe-path.js';
import { HttpError } from '../http-error.js';
import { parseJson } from '../../protocol/json-codec.js';
import { sendJson } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';

/** Names (without `.json`) of the example workflows in `dir`, sorted; none when it is unset or missing. */
export function workflowNames(dir: string | undefined): string[] {
  if (!dir) return [];
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  } catch {
    return [];
  }
}

export function register(router: Router, deps: RouteDeps): void {
  router.get('/workflows', (_req, res) => sendJson(res, workflowNames(deps.workflowsDir)));

  router.get('/workflows/:name', async (req, res) => {
    const name = checkFileName(req.params.name).replace(/\.json$/, '');
    if (!deps.workflowsDir || !workflowNames(deps.workflowsDir).includes(name)) {
      throw new HttpError(404, 'not_found', `no example workflow named "${name}"`);
    }
    // Parsed losslessly: widget values may hold 64-bit seeds.
    sendJson(res, parseJson(await readFile(path.join(deps.workflowsDir, `${name}.json`), 'utf8')));
  });
}
