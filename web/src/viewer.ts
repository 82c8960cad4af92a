import { el } from './dom.js';

/** Window and level of the displayed image's 8-bit values, and the view's zoom and pan. */
interface ViewState {
  window: number;
  level: number;
  zoom: number;
  panX: number;
  panY: number;
}

const FULL_RANGE: Pick<ViewState, 'window' | 'level'> = { window: 255, level: 127.5 };

/** Maps each channel through the window: values below level - window/2 go black, above level + window/2 white. */
function windowed(source: ImageData, state: Pick<ViewState, 'window' | 'level'>): ImageData {
  const out = new ImageData(source.width, source.height);
  const low = state.level - state.window / 2;
  const gain = 255 / Math.max(1, state.window);
  const lut = new Uint8ClampedArray(256);
  for (let v = 0; v < 256; v++) lut[v] = (v - low) * gain;
  const s = source.data;
  const d = out.data;
  for (let i = 0; i < s.length; i += 4) {
    d[i] = lut[s[i]!]!;
    d[i + 1] = lut[s[i + 1]!]!;
    d[i + 2] = lut[s[i + 2]!]!;
    d[i + 3] = s[i + 3]!;
  }
  return out;
}

/**
 * The image viewer: the pipeline's overlay with window/level (sliders, or dragging with the right
 * button or Shift), zoom (wheel, buttons) and pan (dragging). Window/level act on the displayed
 * 8-bit rendering, as its caption says.
 */
export function imageViewer(o: { imageUrl: string; caption: string }): HTMLElement {
  const canvas = el('canvas', { class: 'viewer-canvas', width: '640', height: '560', 'data-testid': 'viewer' });
  const windowInput = el('input', { type: 'range', min: '1', max: '255', value: String(FULL_RANGE.window), 'aria-label': 'window' });
  const levelInput = el('input', { type: 'range', min: '0', max: '255', value: String(FULL_RANGE.level), 'aria-label': 'level' });
  const readout = el('span', { class: 'note' });
  const state: ViewState = { ...FULL_RANGE, zoom: 1, panX: 0, panY: 0 };
  const buffer = document.createElement('canvas');
  let source: ImageData | undefined;

  const draw = (): void => {
    const ctx = canvas.getContext('2d');
    if (ctx === null || source === undefined) return;
    buffer.getContext('2d')!.putImageData(windowed(source, state), 0, 0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingEnabled = state.zoom < 2;
    ctx.setTransform(state.zoom, 0, 0, state.zoom, state.panX, state.panY);
    ctx.drawImage(buffer, 0, 0);
    windowInput.value = String(Math.round(state.window));
    levelInput.value = String(Math.round(state.level));
    readout.textContent = `W ${Math.round(state.window)} / L ${Math.round(state.level)} · zoom ${state.zoom.toFixed(2)}×`;
  };
  const fit = (): void => {
    if (source === undefined) return;
    state.zoom = Math.min(canvas.width / source.width, canvas.height / source.height);
    state.panX = (canvas.width - source.width * state.zoom) / 2;
    state.panY = (canvas.height - source.height * state.zoom) / 2;
  };
  const zoomAt = (factor: number, x: number, y: number): void => {
    const zoom = Math.min(16, Math.max(0.05, state.zoom * factor));
    state.panX = x - ((x - state.panX) * zoom) / state.zoom;
    state.panY = y - ((y - state.panY) * zoom) / state.zoom;
    state.zoom = zoom;
    draw();
  };

  const image = new Image();
  image.onload = () => {
    buffer.width = image.naturalWidth;
    buffer.height = image.naturalHeight;
    const ctx = buffer.getContext('2d')!;
    ctx.drawImage(image, 0, 0);
    source = ctx.getImageData(0, 0, buffer.width, buffer.height);
    fit();
    draw();
    canvas.dataset['loaded'] = 'true';
  };
  image.src = o.imageUrl;

  windowInput.addEventListener('input', () => {
    state.window = Number(windowInput.value);
    draw();
  });
  levelInput.addEventListener('input', () => {
    state.level = Number(levelInput.value);
    draw();
  });
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    zoomAt(e.deltaY < 0 ? 1.2 : 1 / 1.2, e.offsetX, e.offsetY);
  });
  canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  let drag: { x: number; y: number; windowing: boolean } | undefined;
  canvas.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, y: e.clientY, windowing: e.button === 2 || e.shiftKey };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (drag === undefined) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    drag.x = e.clientX;
    drag.y = e.clientY;
    if (drag.windowing) {
      // As on a PACS: horizontal drag widens the window, vertical moves the level.
      state.window = Math.min(255, Math.max(1, state.window + dx));
      state.level = Math.min(255, Math.max(0, state.level - dy));
    } else {
      state.panX += dx;
      state.panY += dy;
    }
    draw();
  });
  canvas.addEventListener('pointerup', () => (drag = undefined));

  const button = (label: string, action: () => void): HTMLButtonElement => {
    const b = el('button', { type: 'button' }, label);
    b.addEventListener('click', action);
    return b;
  };
  return el(
    'figure',
    { class: 'viewer' },
    canvas,
    el(
      'div',
      { class: 'viewer-controls' },
      el('label', {}, 'Window ', windowInput),
      el('label', {}, 'Level ', levelInput),
      button('−', () => zoomAt(1 / 1.25, canvas.width / 2, canvas.height / 2)),
      button('+', () => zoomAt(1.25, canvas.width / 2, canvas.height / 2)),
      button('Fit', () => {
        fit();
        draw();
      }),
      button('Reset W/L', () => {
        Object.assign(state, FULL_RANGE);
        draw();
      }),
      readout,
    ),
    el('figcaption', {}, o.caption),
  );
}
