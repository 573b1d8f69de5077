/**
 * Helpers for config tests: an in-memory file system (so includes can be tested without temp
 * files), and a way to get the problems a config fails with.
 */
import { expect } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import type { LoadOptions, LoadedConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/util/errors.js';
import type { ConfigProblem } from '../../src/util/errors.js';

/** Joins lines with newlines (and a final one), so a test can count line numbers by eye. */
export function lines(...ls: string[]): string {
  return `${ls.join('\n')}\n`;
}

/** Virtual files, absolute path → text. The config under test is always /v/exp.yaml. */
export type Vfs = Record<string, string>;

export const MAIN = '/v/exp.yaml';

export function load(main: string, vfs: Vfs = {}, set?: string[]): LoadedConfig {
  const opts: LoadOptions = { set, readFile: (p) => vfs[p] };
  return parseConfigText(main, MAIN, opts);
}

/** The ConfigError a config fails with; fails the test if it loads. */
export function failure(main: string, vfs: Vfs = {}, set?: string[]): ConfigError {
  try {
    load(main, vfs, set);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  expect.fail('expected the config to be rejected');
}

export interface Expected {
  code: ConfigProblem['code'];
  path: string;
  file: string;
  line: number;
  col?: number;
  /** A phrase the message must contain. */
  phrase: string | RegExp;
}

/** Asserts the config fails with exactly one problem, and that it is `e`. */
export function expectOnly(err: ConfigError, e: Expected): ConfigProblem {
  expect(err.problems.map((p) => `${p.code} ${p.path}: ${p.message}`)).toHaveLength(1);
  return expectProblem(err, e);
}

/** Asserts the config fails with (at least) problem `e`. */
export function expectProblem(err: ConfigError, e: Expected): ConfigProblem {
  const p = err.problems.find((q) => q.code === e.code && q.path === e.path);
  expect(p, `no ${e.code} at ${e.path} in:\n${err.message}`).toBeDefined();
  const problem = p as ConfigProblem;
  expect(problem.location?.file).toBe(e.file);
  expect(problem.location?.line).toBe(e.line);
  if (e.col !== undefined) expect(problem.location?.col).toBe(e.col);
  if (typeof e.phrase === 'string') expect(problem.message).toContain(e.phrase);
  else expect(problem.message).toMatch(e.phrase);
  return problem;
}

/** A two-node machine (CPUs 0..1 on node 0, 2..3 on node 1), lines 1..8, for workload tests. */
export const TWO_NODES = [
  'topology:',
  '  nodes:',
  '    - id: 0',
  '      cpus: 2',
  '      memory: 1GiB',
  '    - id: 1',
  '      cpus: 2',
  '      memory: 1GiB',
];
