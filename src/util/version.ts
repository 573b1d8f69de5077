/**
 * tiersim's own version, read from the package.json next to the sources (src/ when run from
 * source, dist/src/ when built), found by walking up from this module.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'tiersim') return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export const TIERSIM_VERSION: string = (() => {
  const file = findPackageJson();
  if (file === undefined) return '0.0.0-unknown';
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
})();
