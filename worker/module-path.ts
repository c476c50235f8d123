import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ownExtension = extname(fileURLToPath(import.meta.url));

/**
 * The absolute path of one of the package's modules, relative to the package root, with the extension
 * this module runs from: `.ts` from source, `.js` from the build. Temporal's worker bundles workflow
 * modules from a path, so they must be located on disk, not imported.
 */
export function packageModulePath(relative: string): string {
  return fileURLToPath(new URL(`../${relative}${ownExtension}`, import.meta.url));
}
