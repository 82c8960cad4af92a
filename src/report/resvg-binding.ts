import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as ResvgModule from '@resvg/resvg-js';

const require = createRequire(import.meta.url);

/** glibc, not musl: what /usr/bin/ldd says (the check napi-rs's later loaders make). */
function glibcLinux(): boolean {
  try {
    return !readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    return false;
  }
}

/** The native class, whose constructor takes the options as JSON text (resvg-js's index.js passes them so). */
type NativeResvg = new (svg: string | Uint8Array, optionsJson?: string) => InstanceType<typeof ResvgModule.Resvg>;

/**
 * resvg-js (the SVG renderer). Its loader tells glibc from musl on Linux by asking Node for a whole
 * diagnostic report (process.report), about 20 ms of every process that draws an overlay. On glibc
 * x64 and arm64 Linux its native package is required directly, resolved from resvg-js's own folder
 * (the version it installed), and wrapped as resvg-js wraps it; anywhere else, or if that fails,
 * resvg-js itself. test/resvg-binding.test.ts renders with options through both.
 */
function loadResvg(): typeof ResvgModule.Resvg {
  if (process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64') && glibcLinux()) {
    try {
      const besideResvg = createRequire(require.resolve('@resvg/resvg-js/package.json'));
      const native = (besideResvg(`@resvg/resvg-js-linux-${process.arch}-gnu`) as { Resvg: NativeResvg }).Resvg;
      return class Resvg extends native {
        constructor(svg: string | Uint8Array, options?: ResvgModule.ResvgRenderOptions) {
          super(svg, JSON.stringify(options));
        }
      } as unknown as typeof ResvgModule.Resvg;
    } catch {
      // resvg-js itself, below.
    }
  }
  return (require('@resvg/resvg-js') as typeof ResvgModule).Resvg;
}

export const Resvg = loadResvg();
