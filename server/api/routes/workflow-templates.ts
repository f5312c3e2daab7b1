/**
 * `GET /workflow_templates` (`{pack: [template names]}`) and `GET /workflow_templates/{pack}/{name}.json`: our
 * bundled example workflows offered as the templates of a `perceptgraph` pack, the way ComfyUI serves a custom
 * node pack's `example_workflows/`, so the ComfyUI frontend's template browser lists and opens them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Router } from 'express';
import { checkFileName } from '../../files/safe-path.js';
import { parseJson } from '../../protocol/json-codec.js';
import { HttpError } from '../http-error.js';
import { sendJson } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';
import { workflowNames } from './workflows.js';

/** The pack name our examples appear under. */
export const TEMPLATE_PACK = 'perceptgraph';

export function register(router: Router, deps: RouteDeps): void {
  router.get('/workflow_templates', (_req, res) => {
    const names = workflowNames(deps.workflowsDir);
    sendJson(res, names.length > 0 ? { [TEMPLATE_PACK]: names } : {});
  });

  router.get('/workflow_templates/:pack/:file', async (req, res) => {
    const name = checkFileName(req.params.file).replace(/\.json$/, '');
    if (req.params.pack !== TEMPLATE_PACK || !deps.workflowsDir || !workflowNames(deps.workflowsDir).includes(name)) {
      throw new HttpError(404, 'not_found', `no workflow template ${req.params.pack}/${name}`);
    }
    sendJson(res, parseJson(await readFile(path.join(deps.workflowsDir, `${name}.json`), 'utf8')));
  });
}
