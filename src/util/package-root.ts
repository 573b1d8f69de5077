/**
 * The directory of the tiersim installation that is running: the nearest ancestor of this
 * module with a package.json named "tiersim" (the checkout when run from src/, the package when
 * run from dist/src/ in an installed copy). Bundled configs, bin/ and the version are found
 * from it, so an installed package never depends on the working directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null | undefined;

/** The installation's root, or undefined when no tiersim package.json is above this module. */
export function packageRoot(): string | undefined {
  if (cached !== undefined) return cached ?? undefined;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'tiersim') {
        cached = dir;
        return dir;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      cached = null;
      return undefined;
    }
    dir = parent;
  }
}
