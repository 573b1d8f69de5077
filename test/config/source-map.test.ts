/** Paths, merging and canonical JSON: the small pieces the loader is built from. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/config/load.js';
import { formatPath, mergeNodes, parsePath, toPlain } from '../../src/config/source-map.js';
import type { LNode } from '../../src/config/source-map.js';
import { parseYaml } from '../../src/config/yaml-source.js';

function tree(text: string, file: string): LNode {
  const { root, problems } = parseYaml(text, file);
  expect(problems).toEqual([]);
  return root as LNode;
}

describe('paths', () => {
  it('formats and parses both index syntaxes', () => {
    expect(formatPath(['topology', 'nodes', 2, 'memory'])).toBe('topology.nodes[2].memory');
    expect(formatPath(['topology', 'distances', 0, 1])).toBe('topology.distances[0][1]');
    expect(parsePath('topology.nodes.2.memory')).toEqual(['topology', 'nodes', 2, 'memory']);
    expect(parsePath('topology.distances[0][1]')).toEqual(['topology', 'distances', 0, 1]);
    expect(parsePath('')).toEqual([]);
    expect(parsePath('a..b')).toBeUndefined();
    expect(parsePath('a[x]')).toBeUndefined();
  });

  it('round-trips any path', () => {
    const key = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
    const segments = fc.tuple(key, fc.array(fc.oneof(key, fc.nat(99)), { maxLength: 6 }));
    fc.assert(
      fc.property(segments, ([first, rest]) => {
        const path = [first, ...rest];
        expect(parsePath(formatPath(path))).toEqual(path);
      }),
    );
  });
});

describe('mergeNodes', () => {
  it('merges mappings, replaces lists and scalars, and keeps each value located in its file', () => {
    const base = tree('a: {x: 1, y: [1, 2]}\nb: 1\n', 'base.yaml');
    const over = tree('a: {y: [3]}\nc: 2\n', 'over.yaml');
    const merged = mergeNodes(base, over);
    expect(toPlain(merged)).toEqual({ a: { x: 1, y: [3] }, b: 1, c: 2 });
    const a = merged.kind === 'map' ? merged.entries.get('a')?.value : undefined;
    const x = a?.kind === 'map' ? a.entries.get('x')?.value : undefined;
    expect(x?.loc).toEqual({ file: 'base.yaml', line: 1, col: 8 });
  });

  it('keeps a __proto__ key as a plain key', () => {
    const plain = toPlain(tree('__proto__: {polluted: true}\n', 'p.yaml')) as Record<string, unknown>;
    expect(Object.keys(plain)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('canonicalJson', () => {
  it('does not depend on key order', () => {
    const json = fc.dictionary(
      fc.string({ maxLength: 4 }),
      fc.oneof(fc.integer(), fc.string(), fc.boolean()),
    );
    fc.assert(
      fc.property(json, (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
        expect(JSON.parse(canonicalJson(obj))).toEqual(obj);
      }),
    );
  });
});
