/**
 * `tiersim trace convert --from damon|perf|pin|lackey`: other tools' memory access data into
 * tiersim's binary trace (writer.ts's atomic writer), each from its documented format (see
 * perf.ts, pin.ts, damon.ts; lackey is the trace reader's own format).
 */
import { HEADER_SIZE } from '../../workload/trace/format.js';
import { writeBinaryTrace } from '../../workload/trace/writer.js';
import { importDamon } from './damon.js';
import { importPerf } from './perf.js';
import { importPin } from './pin.js';
import { RecordSink, type ImportStats } from './sink.js';

export { IMPORT_FORMATS, type ImportFormat } from './formats.js';
import type { ImportFormat } from './formats.js';

export interface ImportOptions {
  pageSizeHint: number;
  /** perf: the period one record stands for (default: the smallest in the file). */
  periodUnit?: number | undefined;
}

export function importTrace(
  from: Exclude<ImportFormat, 'lackey'>,
  input: string,
  output: string,
  options: ImportOptions,
): ImportStats & { bytesOut: number } {
  let stats: ImportStats | undefined;
  const enc = writeBinaryTrace(output, options.pageSizeHint, (encoder) => {
    const sink = new RecordSink(encoder);
    if (from === 'perf') importPerf(input, sink, { periodUnit: options.periodUnit });
    else if (from === 'pin') importPin(input, sink);
    else importDamon(input, sink, { pageSize: options.pageSizeHint });
    stats = sink.stats;
  });
  return { ...stats!, bytesOut: HEADER_SIZE + enc.bytes };
}
