/**
 * Located trees and the source map. A YAML file is read into a tree whose every node keeps the
 * file, line and column it was written at (`LNode`). Includes are merged and `--set` overrides
 * applied on these trees rather than on plain objects, so that after the merge each value still
 * knows which file it came from; only then is the tree turned into plain data for zod, and into
 * a path → location index that every later error (schema, semantics, machine building) uses.
 */
import type { SourceLocation } from '../util/errors.js';

/** A value with the place it was written. Map entries also keep where their key was written. */
export type LNode =
  | { kind: 'map'; loc: SourceLocation; entries: Map<string, LEntry> }
  | { kind: 'seq'; loc: SourceLocation; items: LNode[] }
  | { kind: 'scalar'; loc: SourceLocation; value: unknown };

export interface LEntry {
  keyLoc: SourceLocation;
  value: LNode;
}

/** One step of a path: a map key or a list index. */
export type PathSegment = string | number;

/** `['topology', 'nodes', 2, 'memory']` → `topology.nodes[2].memory`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? String(s) : `.${String(s)}`;
  }
  return out;
}

/**
 * Splits a dotted path; list indices may be written `nodes[0]` or `nodes.0` (the form a shell
 * user types for `--set`). Returns undefined for an empty path or an empty segment.
 */
export function parsePath(text: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  if (text === '') return segments;
  for (const part of text.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (m === null) return undefined;
    const [, key = '', indices = ''] = m;
    if (key === '' && indices === '') return undefined;
    if (key !== '') segments.push(/^\d+$/.test(key) ? Number(key) : key);
    for (const idx of indices.matchAll(/\[(\d+)\]/g)) segments.push(Number(idx[1]));
  }
  return segments;
}

/** The plain value of a located tree, as zod sees it. */
export function toPlain(node: LNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      // defineProperty, not assignment: a YAML key `__proto__` must become an ordinary (and
      // then unknown) key, not replace the object's prototype.
      for (const [k, e] of node.entries) {
        Object.defineProperty(out, k, {
          value: toPlain(e.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
  }
}

/**
 * Deep merge for includes: `over` wins. Mappings are merged key by key; lists and scalars are
 * replaced whole (merging lists by index would silently mix two files' nodes or tasks).
 */
export function mergeNodes(base: LNode, over: LNode): LNode {
  if (base.kind !== 'map' || over.kind !== 'map') return over;
  const entries = new Map(base.entries);
  for (const [k, e] of over.entries) {
    const prev = entries.get(k);
    entries.set(k, prev === undefined ? e : { keyLoc: e.keyLoc, value: mergeNodes(prev.value, e.value) });
  }
  return { kind: 'map', loc: over.loc, entries };
}

interface Written {
  /** Where the value was written; for a block mapping or list under a key, the key (its line). */
  loc: SourceLocation;
  /** Where the key was written, for map entries. */
  keyLoc?: SourceLocation | undefined;
}

/** What later stages need to locate their errors; `SourceMap` implements it. */
export interface ConfigLocator {
  locate(path: string): SourceLocation | undefined;
  locateKey(path: string): SourceLocation | undefined;
  has(path: string): boolean;
  locateNearest(path: string | readonly PropertyKey[]): SourceLocation;
}

/** Locations of everything written in the resolved config, by path. */
export class SourceMap implements ConfigLocator {
  private readonly byPath = new Map<string, Written>();

  constructor(root: LNode) {
    this.index(root, [], { loc: root.loc });
  }

  /** Where the value at `path` was written, or undefined when it was not (absent or a default). */
  locate(path: string): SourceLocation | undefined {
    return this.byPath.get(normalize(path))?.loc;
  }

  /** Where the key of a map entry was written (the place to point at for an unknown key). */
  locateKey(path: string): SourceLocation | undefined {
    const w = this.byPath.get(normalize(path));
    return w?.keyLoc ?? w?.loc;
  }

  /** Whether `path` was written in a file or an override (as opposed to taken from a default). */
  has(path: string): boolean {
    return this.byPath.has(normalize(path));
  }

  /**
   * The location of `path`, or of its deepest written ancestor: a missing key is reported at the
   * object that lacks it, and a default that turns out wrong at the object holding it.
   */
  locateNearest(path: string | readonly PropertyKey[]): SourceLocation {
    const segments = typeof path === 'string' ? (parsePath(path) ?? []) : [...path];
    for (let n = segments.length; n > 0; n--) {
      const w = this.byPath.get(formatPath(segments.slice(0, n)));
      if (w !== undefined) return w.loc;
    }
    const root = this.byPath.get('');
    // The root is always indexed by the constructor.
    return root === undefined ? { file: '<config>', line: 1, col: 1 } : root.loc;
  }

  private index(node: LNode, at: PathSegment[], written: Written): void {
    this.byPath.set(formatPath(at), written);
    if (node.kind === 'map') {
      for (const [k, e] of node.entries) {
        // A block collection starts on the line after its key, so the key is the line to point
        // at; a scalar or a flow collection (`[1, 2]`) on the key's own line is pointed at itself.
        const sameLine = e.value.loc.file === e.keyLoc.file && e.value.loc.line === e.keyLoc.line;
        const loc = e.value.kind === 'scalar' || sameLine ? e.value.loc : e.keyLoc;
        this.index(e.value, [...at, k], { loc, keyLoc: e.keyLoc });
      }
    } else if (node.kind === 'seq') {
      node.items.forEach((item, i) => this.index(item, [...at, i], { loc: item.loc }));
    }
  }
}

function normalize(path: string): string {
  const segments = parsePath(path);
  return segments === undefined ? path : formatPath(segments);
}
