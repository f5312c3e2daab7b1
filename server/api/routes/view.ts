/** `GET /view`: a file from input/output/temp, optionally re-encoded (`preview`) or reduced to a `channel`. */
import type { Router } from 'express';
import { renderView, resolveViewFile, type ViewQuery } from '../../files/view-file.js';
import type { RouteDeps } from '../route-deps.js';

function query(q: Record<string, unknown>): ViewQuery {
  const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0]) : undefined);
  return { filename: s(q.filename), type: s(q.type), subfolder: s(q.subfolder), preview: s(q.preview), channel: s(q.channel) };
}

export function register(router: Router, deps: RouteDeps): void {
  router.get('/view', async (req, res) => {
    const q = query(req.query as Record<string, unknown>);
    const file = await resolveViewFile(deps.dirs, q);
    const out = await renderView(file, q, deps.maxImagePixels);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.set(out.headers);
    if (out.kind === 'bytes') return void res.send(out.body);
    await new Promise<void>((resolve, reject) => res.sendFile(out.path, { dotfiles: 'allow' }, (err) => (err ? reject(err) : resolve())));
  });
}
