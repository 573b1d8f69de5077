/**
 * Whether a `--set`-style path names something the config schema has, checked before any point
 * is built: a misspelt swept key is one located error at the key, not one per point. The walk
 * follows the zod schema (objects by key, lists by index, unions by any branch that has the
 * key), so it needs no list of keys of its own.
 */
import { z } from 'zod';
import { peelWrappers } from '../config/issues.js';
import { ConfigSchema } from '../config/schema.js';
import { formatPath, type PathSegment } from '../config/source-map.js';

type Schema = z.core.$ZodType;

/** Undefined when `path` can name a config value; otherwise why it cannot. */
export function configPathProblem(path: readonly PathSegment[]): string | undefined {
  let candidates: Schema[] = [ConfigSchema];
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const here = formatPath(path.slice(0, i)) || 'the top level';
    const next: Schema[] = [];
    const keys = new Set<string>();
    let isList = false;
    for (const s of candidates.flatMap(branches)) {
      if (s instanceof z.core.$ZodObject) {
        const shape = s._zod.def.shape;
        for (const k of Object.keys(shape)) keys.add(k);
        if (typeof seg === 'string' && seg in shape) next.push(shape[seg]);
      } else if (s instanceof z.core.$ZodArray) {
        isList = true;
        if (typeof seg === 'number') next.push(s._zod.def.element);
      } else if (s instanceof z.core.$ZodRecord) {
        if (typeof seg === 'string') next.push(s._zod.def.valueType);
      }
    }
    if (next.length === 0) {
      if (typeof seg === 'number' && keys.size > 0) return `${here} is a mapping, not a list`;
      if (isList) return `${here} is a list; index it with a number, e.g. ${here}[0]`;
      if (keys.size === 0) return `${here} is a single value; it has no key "${String(seg)}"`;
      return `unknown key "${String(seg)}" in ${here} (allowed keys there: ${[...keys].join(', ')})`;
    }
    candidates = next;
  }
  return undefined;
}

/** The schemas a value at this node may match: wrappers peeled, every union branch. */
function branches(schema: Schema): Schema[] {
  const s = peelWrappers(schema);
  return s instanceof z.core.$ZodUnion ? s._zod.def.options.flatMap(branches) : [s];
}
