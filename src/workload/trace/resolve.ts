/**
 * The loader's trace step: every `pattern: { type: trace, file }` gets its file resolved relative
 * to the config file that wrote it (relative to the working directory for a `--set` override),
 * its format decided (by extension unless given) and its start read, so that a missing or
 * unreadable trace, or one in the other format, is a located config problem before anything
 * runs. The pattern is rewritten in place with the absolute path and the format.
 *
 * Only the first records are checked here: a trace is streamed, and a malformed line further on
 * is reported when the run reaches it (`tiersim trace convert` checks a whole trace).
 *
 * A stream (`-` for standard input, a named pipe, `<(zcat ...)`) is read once and never seeked:
 * nothing of it is read here (that would consume it), it plays once (`loop` defaults to false
 * for it, and `loop: true` is an error), and only a one-CPU task can replay it (the CPUs of a
 * task each read the trace themselves, docs/traces.md).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/schema.js';
import type { ConfigLocator } from '../../config/source-map.js';
import type { ConfigProblem } from '../../util/errors.js';
import { TraceError } from './errors.js';
import { formatFromExtension, hasMagic, readHead, type TraceFormat } from './format.js';
import { TraceReader } from './reader.js';
import { STDIN_NAME } from './source.js';

/** Records read from each trace at load time. */
const CHECK_RECORDS = 1000;

export function resolveTraceFiles(config: Config, locator: ConfigLocator): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  config.workload?.tasks.forEach((task, t) => {
    task.regions.forEach((region, r) => {
      const pattern = region.pattern;
      if (pattern.type !== 'trace') return;
      const at = `workload.tasks[${t}].regions[${r}]`;
      const key = `${at}.pattern.file`;
      const location = locator.locateKey(key) ?? locator.locateNearest(key);
      const written = locator.locate(key)?.file;
      const relativeTo =
        written === undefined || written === '--set' || isStream(written)
          ? process.cwd()
          : path.dirname(path.resolve(written));
      const abs = pattern.file === STDIN_NAME ? STDIN_NAME : path.resolve(relativeTo, pattern.file);
      const format: TraceFormat = pattern.format ?? formatFromExtension(abs);
      const stream = isStream(abs);
      if (stream) {
        const loopKey = `${at}.pattern.loop`;
        const loopWritten = locator.locateKey(loopKey) !== undefined || locator.locate(loopKey) !== undefined;
        if (pattern.loop && loopWritten) {
          problems.push({
            code: 'INCONSISTENT',
            path: loopKey,
            message: `${pattern.file} is a stream (a pipe or standard input), read once and never seeked: it cannot loop; set loop: false (or replay a file)`,
            location: locator.locateNearest(loopKey),
          });
        }
        pattern.loop = false;
        if (task.cpus.length > 1) {
          problems.push({
            code: 'INCONSISTENT',
            path: key,
            message: `${pattern.file} is a stream, read once: only a task with one CPU can replay it (each of a task's CPUs reads the trace itself), this task has ${task.cpus.length}; replay a file instead`,
            location,
          });
        }
      }
      const problem = stream ? undefined : checkTrace(abs, format, pattern.format !== undefined);
      if (problem !== undefined) {
        const shown = abs === pattern.file ? abs : `${pattern.file} (resolved to ${abs})`;
        problems.push({
          code: problem.code,
          path: key,
          message: problem.message.replace('{file}', shown),
          location,
        });
      }
      if (region.write_fraction > 0) {
        problems.push({
          code: 'INCONSISTENT',
          path: `${at}.write_fraction`,
          message: `write_fraction does not apply to a trace region (its S and M records are the stores); remove it, received ${region.write_fraction}`,
          location: locator.locateNearest(`${at}.write_fraction`),
        });
      }
      pattern.file = abs;
      pattern.format = format;
    });
  });
  return problems;
}

/** Standard input, a FIFO, a character device or a socket (`<(...)` is a pipe in /dev/fd). */
export function isStream(file: string): boolean {
  if (file === STDIN_NAME) return true;
  try {
    const st = statSync(file);
    return st.isFIFO() || st.isCharacterDevice() || st.isSocket();
  } catch {
    return false;
  }
}

function checkTrace(
  file: string,
  format: TraceFormat,
  formatGiven: boolean,
): { code: ConfigProblem['code']; message: string } | undefined {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    return { code: 'FILE_NOT_FOUND', message: 'trace file {file} does not exist' };
  }
  if (!isFile)
    return { code: 'INVALID_VALUE', message: 'expected a trace file, {file} is not a regular file' };
  if (format === 'lackey' && hasMagic(readHead(file, 8))) {
    return {
      code: 'INVALID_VALUE',
      message: formatGiven
        ? 'trace file {file} is a tiersim binary trace, not lackey text: set format: tiersim'
        : 'trace file {file} is a tiersim binary trace: name it *.tstrace or set format: tiersim',
    };
  }
  const reader = new TraceReader(file, format, { chunkSize: 64 * 1024 });
  try {
    let n = 0;
    while (n < CHECK_RECORDS && reader.next() >= 0) n++;
  } catch (err) {
    if (err instanceof TraceError) {
      return { code: 'INVALID_VALUE', message: `trace file {file} is malformed: ${err.message}` };
    }
    throw err;
  } finally {
    reader.close();
  }
  return undefined;
}
