/**
 * `--set path=value` overrides, applied to the merged located tree before validation, so an
 * override is checked exactly like a value written in a file (an unknown key, a bad unit and a
 * value out of range all fail the same way) and its errors point at `--set`.
 */
import type { ConfigProblem, SourceLocation } from '../util/errors.js';
import { formatPath, parsePath } from './source-map.js';
import type { LNode, PathSegment } from './source-map.js';
import { parseYaml } from './yaml-source.js';

/** Where every value that came from a `--set` is located. */
export const OVERRIDE_LOCATION: Readonly<SourceLocation> = { file: '--set', line: 1, col: 1 };

export interface Override {
  path: PathSegment[];
  value: LNode;
}

/** Parses one `path=value` text; the value is a YAML scalar or flow collection (`16GiB`, `[0,1]`). */
export function parseOverride(text: string): Override | ConfigProblem {
  const eq = text.indexOf('=');
  const pathText = eq < 0 ? text.trim() : text.slice(0, eq).trim();
  const path = parsePath(pathText);
  const bad = (why: string): ConfigProblem => ({
    code: 'BAD_OVERRIDE',
    path: path === undefined ? pathText : formatPath(path),
    message: `bad override ${JSON.stringify(text)}: ${why}`,
    location: { ...OVERRIDE_LOCATION },
  });
  if (eq < 0) return bad('expected path=value, e.g. topology.page_size=4KiB');
  if (path === undefined || path.length === 0) return bad('the path before "=" is empty or malformed');
  if (path[0] === 'include') return bad('includes are resolved before overrides; edit the file instead');
  const parsed = parseYaml(text.slice(eq + 1), OVERRIDE_LOCATION.file);
  if (parsed.root === undefined) {
    return bad(`the value is not valid YAML (${parsed.problems.map((p) => p.message).join('; ')})`);
  }
  return { path, value: relocate(parsed.root) };
}

/** Sets `override.value` at its path, copying the nodes along the path (the input is not changed). */
export function applyOverride(root: LNode, override: Override, text: string): LNode | ConfigProblem {
  const result = setAt(root, override.path, 0, override.value);
  if (typeof result === 'string') {
    return {
      code: 'BAD_OVERRIDE',
      path: formatPath(override.path),
      message: `bad override ${JSON.stringify(text)}: ${result}`,
      location: { ...OVERRIDE_LOCATION },
    };
  }
  return result;
}

/** Returns the new node, or a reason the path cannot be followed. */
function setAt(node: LNode | undefined, path: PathSegment[], depth: number, value: LNode): LNode | string {
  if (depth === path.length) return value;
  const seg = path[depth] ?? '';
  const here = formatPath(path.slice(0, depth)) || 'the top level';
  // A missing or empty (`key:`) parent becomes a mapping, so `--set workload.x=…` can add keys.
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) {
    if (typeof seg === 'number') return `${here} is not a list, so it has no item ${seg}`;
    node = { kind: 'map', loc: { ...OVERRIDE_LOCATION }, entries: new Map() };
  }
  if (node.kind === 'seq') {
    if (typeof seg !== 'number') return `${here} is a list; index it with a number, e.g. ${here}.0`;
    if (seg >= node.items.length)
      return `${here} has ${node.items.length} item(s), so there is no item ${seg}`;
    const child = setAt(node.items[seg], path, depth + 1, value);
    if (typeof child === 'string') return child;
    const items = [...node.items];
    items[seg] = child;
    return { ...node, items };
  }
  if (node.kind === 'map') {
    const key = String(seg);
    const prev = node.entries.get(key);
    const child = setAt(prev?.value, path, depth + 1, value);
    if (typeof child === 'string') return child;
    const entries = new Map(node.entries);
    entries.set(key, { keyLoc: prev?.keyLoc ?? { ...OVERRIDE_LOCATION }, value: child });
    return { ...node, entries };
  }
  return `${here} is a single value (${JSON.stringify(node.value)}), not a mapping or list`;
}

/** Every node of an override value is located at `--set`, not inside the value text. */
function relocate(node: LNode): LNode {
  const loc = { ...OVERRIDE_LOCATION };
  switch (node.kind) {
    case 'scalar':
      return { ...node, loc };
    case 'seq':
      return { ...node, loc, items: node.items.map(relocate) };
    case 'map':
      return {
        ...node,
        loc,
        entries: new Map([...node.entries].map(([k, e]) => [k, { keyLoc: loc, value: relocate(e.value) }])),
      };
  }
}
