import { el } from './dom.js';

/** One picture the viewer can show: its pixels rendered through a window, and the window's range and unit. */
export interface ViewerLayer {
  label: string;
  width: number;
  height: number;
  unit: string;
  /** The values the window can span. */
  range: { min: number; max: number };
  /** The window to start from (center and width, in the layer's unit). */
  initial: { center: number; width: number };
  render: (center: number, width: number) => ImageData;
  caption: string;
}

/** A source layer whose values can be replaced (another slice of a CT series). */
export interface ValuesLayer extends ViewerLayer {
  setValues: (values: Float32Array, caption: string) => void;
}

/** The source image's values in their unit (HU for CT), shown in grey through the window. */
export function valuesLayer(o: {
  label: string;
  width: number;
  height: number;
  values: Float32Array;
  unit: string;
  window: { center: number; width: number };
  caption: string;
}): ValuesLayer {
  let min = Infinity;
  let max = -Infinity;
  for (const v of o.values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  let values = o.values;
  const layer: ValuesLayer = {
    label: o.label,
    width: o.width,
    height: o.height,
    unit: o.unit,
    range: { min, max: max > min ? max : min + 1 },
    initial: o.window,
    caption: o.caption,
    render(center, width) {
      const out = new ImageData(o.width, o.height);
      const low = center - width / 2;
      const gain = 255 / Math.max(1e-6, width);
      const d = out.data;
      for (let i = 0; i < values.length; i++) {
        const g = (values[i]! - low) * gain;
        const v = g < 0 ? 0 : g > 255 ? 255 : g;
        d[4 * i] = v;
        d[4 * i + 1] = v;
        d[4 * i + 2] = v;
        d[4 * i + 3] = 255;
      }
      return out;
    },
    setValues(next, caption) {
      values = next;
      layer.caption = caption;
    },
  };
  return layer;
}

/** The pipeline's overlay (an 8-bit colour rendering): the window acts on its display values. */
export function overlayLayer(o: { label: string; pixels: ImageData; caption: string }): ViewerLayer {
  const s = o.pixels.data;
  return {
    label: o.label,
    width: o.pixels.width,
    height: o.pixels.height,
    unit: 'display value',
    range: { min: 0, max: 255 },
    initial: { center: 127.5, width: 255 },
    caption: o.caption,
    render(center, width) {
      const out = new ImageData(o.pixels.width, o.pixels.height);
      const low = center - width / 2;
      const gain = 255 / Math.max(1, width);
      const lut = new Uint8ClampedArray(256);
      for (let v = 0; v < 256; v++) lut[v] = (v - low) * gain;
      const d = out.data;
      for (let i = 0; i < s.length; i += 4) {
        d[i] = lut[s[i]!]!;
        d[i + 1] = lut[s[i + 1]!]!;
        d[i + 2] = lut[s[i + 2]!]!;
        d[i + 3] = s[i + 3]!;
      }
      return out;
    },
  };
}

/** An image URL's pixels (the overlay PNG). */
export function imagePixels(url: string): Promise<ImageData> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      const c = document.createElement('canvas');
      c.width = image.naturalWidth;
      c.height = image.naturalHeight;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(image, 0, 0);
      resolve(ctx.getImageData(0, 0, c.width, c.height));
    };
    image.onerror = () => reject(new Error('the image could not be decoded'));
    image.src = url;
  });
}

/**
 * The viewer: the study's source image (window/level in its own unit, HU for CT) and the
 * pipeline's overlay, one at a time; window/level by sliders or by dragging with the right button
 * or Shift (horizontal: width, vertical: level, as on a PACS), zoom by wheel or buttons, pan by dragging.
 */
export function imageViewer(layers: ViewerLayer[], extraControls: HTMLElement[] = []): { element: HTMLElement; redraw: () => void } {
  const canvas = el('canvas', { class: 'viewer-canvas', width: '640', height: '560', 'data-testid': 'viewer' });
  const windowInput = el('input', { type: 'range', 'aria-label': 'window', step: 'any' });
  const levelInput = el('input', { type: 'range', 'aria-label': 'level', step: 'any' });
  const readout = el('span', { class: 'note' });
  const caption = el('figcaption', {});
  const buffer = document.createElement('canvas');
  let layer = layers[0]!;
  const view = { center: 0, width: 1, zoom: 1, panX: 0, panY: 0 };

  const draw = (): void => {
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    buffer.getContext('2d')!.putImageData(layer.render(view.center, view.width), 0, 0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingEnabled = view.zoom < 2;
    ctx.setTransform(view.zoom, 0, 0, view.zoom, view.panX, view.panY);
    ctx.drawImage(buffer, 0, 0);
    windowInput.value = String(view.width);
    levelInput.value = String(view.center);
    readout.textContent = `W ${view.width.toFixed(0)} / L ${view.center.toFixed(0)} ${layer.unit} · zoom ${view.zoom.toFixed(2)}×`;
  };
  const fit = (): void => {
    view.zoom = Math.min(canvas.width / layer.width, canvas.height / layer.height);
    view.panX = (canvas.width - layer.width * view.zoom) / 2;
    view.panY = (canvas.height - layer.height * view.zoom) / 2;
  };
  const resetWindow = (): void => {
    view.center = layer.initial.center;
    view.width = layer.initial.width;
  };
  const show = (next: ViewerLayer): void => {
    layer = next;
    buffer.width = layer.width;
    buffer.height = layer.height;
    const span = layer.range.max - layer.range.min;
    windowInput.min = String(Math.max(1e-3, span / 1000));
    windowInput.max = String(2 * span);
    levelInput.min = String(layer.range.min - span / 2);
    levelInput.max = String(layer.range.max + span / 2);
    caption.textContent = layer.caption;
    for (const b of tabs) b.classList.toggle('active', b.dataset['layer'] === layer.label);
    resetWindow();
    fit();
    draw();
    canvas.dataset['layer'] = layer.label;
    canvas.dataset['loaded'] = 'true';
  };
  const zoomAt = (factor: number, x: number, y: number): void => {
    const zoom = Math.min(16, Math.max(0.05, view.zoom * factor));
    view.panX = x - ((x - view.panX) * zoom) / view.zoom;
    view.panY = y - ((y - view.panY) * zoom) / view.zoom;
    view.zoom = zoom;
    draw();
  };

  windowInput.addEventListener('input', () => {
    view.width = Number(windowInput.value);
    draw();
  });
  levelInput.addEventListener('input', () => {
    view.center = Number(levelInput.value);
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
      const step = (layer.range.max - layer.range.min) / 500;
      view.width = Math.max(Number(windowInput.min), view.width + dx * step);
      view.center -= dy * step;
    } else {
      view.panX += dx;
      view.panY += dy;
    }
    draw();
  });
  canvas.addEventListener('pointerup', () => (drag = undefined));

  const button = (label: string, action: () => void): HTMLButtonElement => {
    const b = el('button', { type: 'button' }, label);
    b.addEventListener('click', action);
    return b;
  };
  const tabs = layers.map((l) => {
    const b = button(l.label, () => show(l));
    b.dataset['layer'] = l.label;
    b.classList.add('tab');
    return b;
  });
  const figure = el(
    'figure',
    { class: 'viewer' },
    el('div', { class: 'viewer-tabs' }, ...tabs),
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
        resetWindow();
        draw();
      }),
      readout,
    ),
    ...extraControls,
    caption,
  );
  show(layer);
  return {
    element: figure,
    redraw: () => {
      caption.textContent = layer.caption;
      draw();
    },
  };
}
