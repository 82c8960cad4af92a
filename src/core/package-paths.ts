import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/**
 * The package root, found from this module's own location (dist/src/core/ after the build), so
 * data/ and models/ resolve the same whether openbmd runs from a checkout or an npm install.
 */
export function packageRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

export function packageDataPath(...segments: string[]): string {
  return join(packageRoot(), 'data', ...segments);
}
