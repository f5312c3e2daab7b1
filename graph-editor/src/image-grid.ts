/**
 * Layout of a node's output images as a grid (a batch of N shows as ⌈√N⌉ columns, as ComfyUI's image grid), and
 * the hit test that turns a click into the index of the image under it (for the lightbox).
 */

/** A rectangle in node coordinates. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Columns and rows for `n` images: the squarest grid that holds them. */
export function gridShape(n: number): { cols: number; rows: number } {
  const cols = Math.max(1, Math.ceil(Math.sqrt(n)));
  return { cols, rows: Math.max(1, Math.ceil(n / cols)) };
}

/** The drawn rectangle of each image (aspect kept, centred in its cell) inside `area`. */
export function gridCells(area: Rect, sizes: Array<{ w: number; h: number }>): Rect[] {
  const { cols, rows } = gridShape(sizes.length);
  const cw = area.w / cols;
  const ch = area.h / rows;
  return sizes.map((s, i) => {
    const scale = Math.min((cw - 2) / s.w, (ch - 2) / s.h);
    const w = s.w * scale;
    const h = s.h * scale;
    const col = i % cols;
    const row = Math.floor(i / cols);
    return { x: area.x + col * cw + (cw - w) / 2, y: area.y + row * ch + (ch - h) / 2, w, h };
  });
}

/** Index of the cell containing the node-relative point, or -1. */
export function cellAt(cells: Rect[], x: number, y: number): number {
  return cells.findIndex((c) => x >= c.x && x <= c.x + c.w && y >= c.y && y <= c.y + c.h);
}
