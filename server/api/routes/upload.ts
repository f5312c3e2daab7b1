/** `POST /upload/image` (multipart): see `server/files/upload.ts` for naming, limits and checks. */
import type { Router } from 'express';
import { receiveUpload } from '../../files/upload.js';
import { HttpError } from '../http-error.js';
import { isMultipart, sendJson } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';

export function register(router: Router, deps: RouteDeps): void {
  router.post('/upload/image', async (req, res) => {
    if (!isMultipart(req)) throw new HttpError(400, 'bad_request', 'expected a multipart/form-data body with an "image" file part');
    const result = await receiveUpload(req, { dirs: deps.dirs, maxBytes: deps.maxUploadBytes, maxPixels: deps.maxImagePixels });
    sendJson(res, result);
  });
}
