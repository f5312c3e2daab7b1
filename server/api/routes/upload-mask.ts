/** `POST /upload/mask` (multipart `image` + `original_ref`): see `server/files/mask-upload.ts`. */
import type { Router } from 'express';
import { applyMaskToOriginal } from '../../files/mask-upload.js';
import { receiveUpload } from '../../files/upload.js';
import { HttpError } from '../http-error.js';
import { isMultipart, sendJson } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';

export function register(router: Router, deps: RouteDeps): void {
  router.post('/upload/mask', async (req, res) => {
    if (!isMultipart(req)) throw new HttpError(400, 'bad_request', 'expected a multipart/form-data body with an "image" file part and "original_ref"');
    const prepare = applyMaskToOriginal(deps.dirs, deps.maxImagePixels);
    sendJson(res, await receiveUpload(req, { dirs: deps.dirs, maxBytes: deps.maxUploadBytes, maxPixels: deps.maxImagePixels, prepare }));
  });
}
