/**
 * Full-size viewer for a node's images: click an image on a node to open it; ←/→ (or the buttons) step through
 * the batch, Open and Save act on the image shown, Escape or a click on the backdrop closes (popups.ts).
 */
import { trackPopup } from './popups.js';

function fileName(src: string): string {
  return new URL(src, location.href).searchParams.get('filename') ?? 'image.png';
}

/** Opens the lightbox on `srcs[index]`; returns its element (`#lightbox`). */
export function openLightbox(srcs: string[], index: number): HTMLElement {
  document.getElementById('lightbox')?.dispatchEvent(new Event('pg-close'));
  const box = Object.assign(document.createElement('div'), { id: 'lightbox', className: 'pg-lightbox' });
  const img = Object.assign(document.createElement('img'), { className: 'pg-lightbox-image' });
  const counter = Object.assign(document.createElement('span'), { className: 'pg-lightbox-counter' });
  const bar = Object.assign(document.createElement('div'), { className: 'pg-lightbox-bar' });
  const mk = (label: string, id: string, act: () => void) => {
    const b = Object.assign(document.createElement('button'), { textContent: label, id });
    b.onclick = (e) => {
      e.stopPropagation();
      act();
    };
    return b;
  };
  let at = index;
  const show = () => {
    img.src = srcs[at]!;
    counter.textContent = `${at + 1} / ${srcs.length} · ${fileName(srcs[at]!)}`;
  };
  const step = (d: number) => {
    at = (at + d + srcs.length) % srcs.length;
    show();
  };
  const save = () => {
    const a = Object.assign(document.createElement('a'), { href: srcs[at]!, download: fileName(srcs[at]!) });
    a.click();
  };
  bar.append(mk('◀', 'lightbox-prev', () => step(-1)), counter, mk('▶', 'lightbox-next', () => step(1)),
    mk('Open', 'lightbox-open', () => void window.open(srcs[at], '_blank')), mk('Save', 'lightbox-save', save));
  box.append(img, bar);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      step(e.key === 'ArrowLeft' ? -1 : 1);
      e.preventDefault();
      e.stopPropagation();
    }
  };
  const close = trackPopup(box, () => {
    document.removeEventListener('keydown', onKey, true);
    box.remove();
  });
  box.addEventListener('pg-close', close);
  box.addEventListener('click', (e) => {
    if (e.target === box) close();
  });
  img.addEventListener('click', (e) => e.stopPropagation());
  document.addEventListener('keydown', onKey, true);
  document.body.append(box);
  show();
  return box;
}
