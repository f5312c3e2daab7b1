/**
 * Errors raised by image I/O. They are classes (not codes) so a transport can map them once: the server answers
 * `ImageTooLargeError` and `ImageDecodeError` from uploads with 400, and nodes let them surface as node errors.
 */

/** The image declares more pixels than allowed (a decompression bomb or simply too large); nothing was decoded. */
export class ImageTooLargeError extends Error {
  override readonly name = 'ImageTooLargeError';
  constructor(
    /** A file path or a buffer description, for the message. */
    readonly source: string,
    readonly width: number,
    readonly height: number,
    readonly frames: number,
    readonly maxPixels: number,
  ) {
    const size = frames > 1 ? `${frames} frames of ${width}x${height}` : `${width}x${height}`;
    super(`image ${source} is too large: ${size} = ${width * height * frames} pixels exceeds the limit of ${maxPixels} pixels`);
  }
}

/** The bytes are not an image sharp can decode (unknown format, truncated or corrupt data). */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  constructor(
    readonly source: string,
    override readonly cause: unknown,
  ) {
    super(`cannot decode image ${source}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}
