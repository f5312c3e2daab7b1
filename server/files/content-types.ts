/** Content types for `/view`, and the ones a browser could execute (served as downloads instead). */
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.avif': 'image/avif',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.json': 'application/json',
  '.txt': 'text/plain',
};

/**
 * Extensions whose content a browser would run in our origin (ComfyUI forces html/xhtml/js/css; svg and xml
 * carry scripts too). These are always served as `application/octet-stream` attachments.
 */
const ACTIVE = new Set(['.html', '.htm', '.xhtml', '.js', '.mjs', '.css', '.svg', '.svgz', '.xml', '.xht']);

/** `{type, active}` for a file name; unknown extensions are `application/octet-stream`. */
export function contentTypeFor(name: string): { type: string; active: boolean } {
  const ext = path.extname(name).toLowerCase();
  if (ACTIVE.has(ext)) return { type: 'application/octet-stream', active: true };
  return { type: TYPES[ext] ?? 'application/octet-stream', active: false };
}
