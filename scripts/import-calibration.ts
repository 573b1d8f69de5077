/**
 * `npm run import-calibration [DIR]`: reads the real-kernel calibration runs in DIR (default
 * ../shared/calibration relative to the repo) and writes validation/linux-6.12/figures.json,
 * the figures the validation command compares tiersim with. The only code that reads DIR.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFigures } from '../src/validation/import.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.resolve(process.argv[2] ?? path.join(repoRoot, '..', 'shared', 'calibration'));
const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

try {
  const summary = readJson(path.join(dir, 'summary.json'));
  const figures = buildFigures(summary, (run) => readJson(path.join(dir, 'results', `${run}.json`)));
  const target = path.join(repoRoot, 'validation', 'linux-6.12', 'figures.json');
  writeFileSync(target, `${JSON.stringify(figures, null, 1)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), target)}: ${Object.keys(figures.cases).length} cases`);
} catch (error) {
  console.error(`import-calibration: ${dir}: ${(error as Error).message}`);
  process.exitCode = 1;
}
