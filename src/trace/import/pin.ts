/**
 * Intel Pin's pinatrace tool (source/tools/ManualExamples/pinatrace.cpp): one line per memory
 * access, `IP: R ADDR` or `IP: W ADDR` (printed with "%p: R %p"), and `#eof` at the end. A
 * size after the address, as some variants print (`IP: W ADDR 8`), is used; without one a
 * record is 1 byte (pinatrace records none). R is a load, W a store. Lines starting with `#`
 * are comments.
 */
import { KIND_LOAD, KIND_STORE, SIZE_LIMIT } from '../../workload/trace/format.js';
import { TraceError } from '../../workload/trace/errors.js';
import { forEachLine } from './lines.js';
import { parseHex, type RecordSink } from './sink.js';

const ACCESS = /^(?:0x)?[0-9a-fA-F]+:\s+([RW])\s+((?:0x)?[0-9a-fA-F]+)(?:\s+(\d+))?(?:\s+\S+)*\s*$/;

export function importPin(file: string, sink: RecordSink): void {
  let sawEof = false;
  forEachLine(file, (line, n) => {
    const t = line.trim();
    if (t === '') return;
    if (t.startsWith('#')) {
      if (t === '#eof') sawEof = true;
      return;
    }
    const m = ACCESS.exec(t);
    if (m === null) {
      throw new TraceError(
        file,
        `expected a pinatrace line "IP: R ADDR" or "IP: W ADDR", found ${JSON.stringify(t.slice(0, 60))}`,
        { line: n, col: 1 },
      );
    }
    const size = m[3] === undefined ? 1 : Number(m[3]);
    if (size < 1 || size > SIZE_LIMIT) {
      throw new TraceError(file, `expected an access size from 1 to ${SIZE_LIMIT}, found ${m[3]}`, {
        line: n,
      });
    }
    sink.stats.items++;
    sink.add(m[1] === 'W' ? KIND_STORE : KIND_LOAD, parseHex(m[2]), size);
  });
  sink.stats.note = sawEof ? 'complete (#eof seen)' : 'no #eof line: the trace may be cut short';
}
