/**
 * The fault catalogue's helpers: a scratch directory per file, the tiny experiment (a run takes
 * a fraction of a second) as text to edit, and the check every case makes: the exit code, where
 * the message points, and that nothing was left half-written.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { Captured } from '../helpers/cli.js';

export const TINY = 'test/catalogue/fixtures/tiny.yaml';
export const TINY_TEXT = readFileSync(TINY, 'utf8');

export function scratch(tag: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tiersim-cat-${tag}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`catalogue case: ${JSON.stringify(needle)} is not in the config`);
  return i + 1;
}

/** Every file under `dir`, relative, sorted (empty when dir does not exist). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** No temporary file left behind (writeFileAtomic's `<file>.tmp-<pid>-<n>`, the out-dir probe). */
export function expectNoTempFiles(dir: string): void {
  expect(filesUnder(dir).filter((f) => /\.tmp-\d|\.tiersim-probe-/.test(f))).toEqual([]);
}

/** One line per message, no stack trace, no "internal error". */
export function expectCleanMessage(r: Captured): void {
  expect(r.stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+\)?\n/);
  expect(r.stderr).not.toMatch(/AssertionError|TypeError|RangeError/);
}

export function writeText(file: string, text: string): string {
  writeFileSync(file, text);
  return file;
}
