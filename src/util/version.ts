/** tiersim's own version, from the package.json of the running installation (package-root.ts). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root.js';

export const TIERSIM_VERSION: string = (() => {
  const root = packageRoot();
  if (root === undefined) return '0.0.0-unknown';
  return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
})();
