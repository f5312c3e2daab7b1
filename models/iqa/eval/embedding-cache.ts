/**
 * The harness's resumable cache of image embeddings: raw CLIP f_I per (CLIP model key, image file SHA-256), one
 * append-only JSON-lines file per model key. A run interrupted part-way leaves every finished batch on disk, and the
 * next run encodes only what is missing. A torn last line (crash mid-write) is skipped on load.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Raw embeddings of one CLIP model, by image content hash. */
export class EmbeddingCache {
  private readonly entries = new Map<string, Float32Array>();
  private readonly file: string | null;

  /**
   * @param dir cache folder, or null for an in-memory cache that is never written
   * @param modelKey identity of the CLIP files (DeclipModel.clipKey)
   */
  constructor(dir: string | null, modelKey: string) {
    this.file = dir ? path.join(dir, `${createHash('sha256').update(modelKey).digest('hex').slice(0, 24)}.jsonl`) : null;
    if (this.file && existsSync(this.file)) this.load(this.file);
  }

  /** Number of cached images. */
  get size(): number {
    return this.entries.size;
  }

  get(hash: string): Float32Array | undefined {
    return this.entries.get(hash);
  }

  /** Adds embeddings and appends them to the file in one write. */
  addAll(items: readonly { hash: string; embedding: Float32Array }[]): void {
    if (items.length === 0) return;
    const lines: string[] = [];
    for (const { hash, embedding } of items) {
      this.entries.set(hash, embedding);
      lines.push(JSON.stringify({ h: hash, e: Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength).toString('base64') }));
    }
    if (this.file) {
      mkdirSync(path.dirname(this.file), { recursive: true });
      appendFileSync(this.file, `${lines.join('\n')}\n`);
    }
  }

  private load(file: string): void {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const { h, e } = JSON.parse(line) as { h: string; e: string };
        const bytes = Buffer.from(e, 'base64');
        if (typeof h !== 'string' || bytes.byteLength % 4 !== 0) continue;
        this.entries.set(h, new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
      } catch {
        // A torn line from an interrupted run: that image is simply encoded again.
      }
    }
  }
}

/** SHA-256 of file bytes, hex. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
