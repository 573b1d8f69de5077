/**
 * `tiersim report DIR`: one self-contained HTML file (charts as inline SVG) for an output
 * directory: a sweep's (charts against each swept key), a comparison of variants, or one run.
 */
import path from 'node:path';
import { prepareOutDir } from '../util/out-dir.js';
import { writeReport } from '../sweep/report-files.js';
import { SweepDirError } from '../sweep/sweep-dir.js';
import { EXIT_CONFIG, EXIT_OK } from './exit-codes.js';

export async function reportCommand(dir: string, options: { output?: string | undefined }): Promise<number> {
  try {
    if (options.output !== undefined) prepareOutDir(path.dirname(path.resolve(options.output)));
    const file = await writeReport(dir, options.output);
    process.stdout.write(`wrote ${file}\n`);
    return EXIT_OK;
  } catch (err) {
    if (!(err instanceof SweepDirError)) throw err;
    process.stderr.write(`tiersim: ${err.message}\n`);
    return EXIT_CONFIG;
  }
}
