/**
 * YAML text → located tree. Parsing is strict: duplicate keys, unresolved tags, several
 * documents in one file and every other `yaml` warning are errors, because a config that means
 * something other than what its author sees is worse than one that does not load.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { ConfigProblem, SourceLocation } from '../util/errors.js';
import { formatPath } from './source-map.js';
import type { LEntry, LNode, PathSegment } from './source-map.js';

export interface ParsedYaml {
  /** Undefined when the text has syntax errors (then `problems` says where). */
  root: LNode | undefined;
  problems: ConfigProblem[];
}

/** Parses one YAML document; an empty document is an empty mapping's worth of nothing (null). */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  const at = (offset: number): SourceLocation => ({ file, ...lineCounter.linePos(offset) });

  const problems: ConfigProblem[] = [...doc.errors, ...doc.warnings].map((e) => {
    const path = pathAtOffset(doc, e.pos[0]);
    return {
      code: 'YAML_SYNTAX',
      path: formatPath(path),
      message: yamlMessage(e.message, e.code, path[path.length - 1]),
      location: e.linePos ? { file, line: e.linePos[0].line, col: e.linePos[0].col } : at(e.pos[0]),
    };
  });
  if (problems.length > 0) return { root: undefined, problems };

  const convert = (node: unknown, path: PathSegment[]): LNode => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (target !== undefined) return convert(target, path);
      problems.push({
        code: 'YAML_SYNTAX',
        path: formatPath(path),
        message: `unknown alias *${node.source}`,
        location: at(node.range?.[0] ?? 0),
      });
      return { kind: 'scalar', loc: at(node.range?.[0] ?? 0), value: null };
    }
    if (isMap(node)) {
      const entries = new Map<string, LEntry>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : JSON.stringify(pair.key);
        const keyLoc = at(isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : (node.range?.[0] ?? 0));
        // `key:` with nothing after it has no value node; it means null, written at the key.
        const value: LNode =
          pair.value === null || pair.value === undefined
            ? { kind: 'scalar', loc: keyLoc, value: null }
            : convert(pair.value, [...path, key]);
        entries.set(key, { keyLoc, value });
      }
      return { kind: 'map', loc: at(node.range?.[0] ?? 0), entries };
    }
    if (isSeq(node)) {
      const items = node.items.map((item, i) => convert(item, [...path, i]));
      return { kind: 'seq', loc: at(node.range?.[0] ?? 0), items };
    }
    if (isScalar(node)) return { kind: 'scalar', loc: at(node.range?.[0] ?? 0), value: node.value };
    // An empty document has no contents at all.
    return { kind: 'scalar', loc: { file, line: 1, col: 1 }, value: null };
  };

  const root = convert(doc.contents, []);
  return problems.length > 0 ? { root: undefined, problems } : { root, problems };
}

/**
 * `yaml` pretty errors end with " at line L, column C:" and a code excerpt; the location is
 * reported separately, so keep only the sentence (and the yaml code, which is searchable).
 */
function yamlMessage(message: string, code: string, key: PathSegment | undefined): string {
  const sentence = message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
  // yaml does not say which key is duplicated; the path does.
  if (code === 'DUPLICATE_KEY' && key !== undefined)
    return `duplicate key "${key}" (YAML ${code}: ${sentence})`;
  return `${sentence} (YAML ${code})`;
}

/**
 * The path of the node a YAML error is in, so syntax errors are located by path too: at each
 * level, the last entry that starts at or before the error, if the error is not past its end
 * (an unterminated quote runs to the end of the file, so it is inside the value it opened).
 */
function pathAtOffset(doc: Document.Parsed, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  const range = (n: unknown): readonly number[] | undefined => (n as YamlNode | null)?.range ?? undefined;
  const startOf = (n: unknown): number => range(n)?.[0] ?? Infinity;
  const endOf = (n: unknown): number => range(n)?.[2] ?? -Infinity;
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.findLast((p) => Math.min(startOf(p.key), startOf(p.value)) <= offset);
      if (pair === undefined) return path;
      const key = isScalar(pair.key) ? String(pair.key.value) : JSON.stringify(pair.key);
      if (offset < startOf(pair.value) && offset <= endOf(pair.key)) return [...path, key]; // in the key
      if (offset > endOf(pair.value)) return path; // after the entry: in this map
      path.push(key);
      node = pair.value;
    } else if (isSeq(node)) {
      const i = node.items.findLastIndex((item) => startOf(item) <= offset);
      if (i < 0 || offset > endOf(node.items[i])) return path;
      path.push(i);
      node = node.items[i];
    } else {
      return path;
    }
  }
}
