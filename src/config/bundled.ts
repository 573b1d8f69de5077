/**
 * The configs shipped with tiersim (configs/{experiments,sweeps,topologies}/*.yaml in the
 * installation, found from package-root.ts), reachable by a short name from any directory:
 * `tiersim run quickstart`, `tiersim sweep seed-pgbench`, `tiersim topology two-socket-optane`.
 * A path that exists always wins over a bundled name; `tiersim configs` lists the names.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../util/package-root.js';

export const BUNDLED_KINDS = ['experiments', 'sweeps', 'topologies'] as const;
export type BundledKind = (typeof BUNDLED_KINDS)[number];

export interface BundledConfig {
  kind: BundledKind;
  /** File name without .yaml: what `tiersim run NAME` takes. */
  name: string;
  /** Absolute path in the installation. */
  file: string;
  /** The first sentence of the file's leading comment. */
  summary: string;
}

function bundledDir(kind: BundledKind): string | undefined {
  const root = packageRoot();
  return root === undefined ? undefined : path.join(root, 'configs', kind);
}

/** Every bundled config, by kind then name. */
export function listBundled(): BundledConfig[] {
  const out: BundledConfig[] = [];
  for (const kind of BUNDLED_KINDS) {
    const dir = bundledDir(kind);
    if (dir === undefined || !existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.yaml')) continue;
      const file = path.join(dir, f);
      out.push({ kind, name: f.slice(0, -'.yaml'.length), file, summary: summaryOf(file) });
    }
  }
  return out;
}

/** The leading comment's first sentence, skipping the editor's schema line. */
function summaryOf(file: string): string {
  const words: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('#')) break;
    const text = line.replace(/^#\s?/, '').trim();
    if (text.startsWith('yaml-language-server')) continue;
    if (text === '') {
      if (words.length > 0) break;
      continue;
    }
    words.push(text);
    const joined = words.join(' ');
    const end = joined.search(/\.(\s|$)/);
    if (end >= 0) return clip(joined.slice(0, end));
  }
  return clip(words.join(' '));
}

const SUMMARY_MAX = 100;

function clip(s: string): string {
  return s.length <= SUMMARY_MAX ? s : `${s.slice(0, SUMMARY_MAX - 3).trimEnd()}...`;
}

/**
 * What a command's config argument names: the path itself when it exists (or looks like a
 * path), else the bundled config of that name, searched in `prefer`'s kind first (`run` prefers
 * experiments, `sweep` sweeps, `topology` topologies); `kind/name` picks the kind. An unknown
 * name is returned as given, so the loader reports the missing file.
 */
export function resolveConfigArg(arg: string, prefer: BundledKind): string {
  if (existsSync(arg)) return arg;
  const m = /^(?:(experiments|sweeps|topologies)\/)?([A-Za-z0-9][A-Za-z0-9._-]*?)(?:\.yaml)?$/.exec(arg);
  if (m === null) return arg;
  const kinds: BundledKind[] =
    m[1] !== undefined ? [m[1] as BundledKind] : [prefer, ...BUNDLED_KINDS.filter((k) => k !== prefer)];
  for (const kind of kinds) {
    const dir = bundledDir(kind);
    if (dir === undefined) continue;
    const file = path.join(dir, `${m[2]}.yaml`);
    if (existsSync(file)) return file;
  }
  return arg;
}
