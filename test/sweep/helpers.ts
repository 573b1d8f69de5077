/**
 * Shared by the sweep and report tests: the CLI run in process with its output captured, a
 * temporary folder, and a small sweep over SMALL_515 (three nodes, 80 epochs of 500 us that go
 * through demotion, swap and refaults) that runs in well under a second per point.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMALL_515 } from '../helpers/configs.js';

export { tiersim, type Captured } from '../helpers/cli.js';

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `tiersim-${prefix}-`));
}

/** Writes `text` as `name` in `dir`; returns the path. */
export function writeConfig(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** SMALL_515 with a section appended (`sweep:` or `variants:`), as YAML text. */
export function smallWith(section: string): string {
  return `${SMALL_515.trimEnd()}\n${section.trim()}\n`;
}

/** demotion on/off x 3 seeds (9, 10, 11): 6 points. */
export const SMALL_SWEEP = smallWith(`
sweep:
  grid:
    kernel.demotion_enabled: [true, false]
  seeds: [9, 10, 11]
`);
