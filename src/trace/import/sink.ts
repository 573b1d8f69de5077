/**
 * What an importer writes: records (kind, address, size) of tiersim's trace model, into a
 * binary trace encoder, with the counts of what it kept and skipped for the summary.
 */
import { ADDRESS_LIMIT } from '../../workload/trace/format.js';
import type { BinaryTraceEncoder } from '../../workload/trace/writer.js';

export interface ImportStats {
  /** Input items read: samples (perf), accesses (pin), region-snapshots (damon). */
  items: number;
  /** Records written. */
  records: number;
  /** Items without a usable user-space address (0, or a kernel address at or above 2^52). */
  skipped: number;
  /** A line about the input for the summary, e.g. the weighting used. */
  note: string;
}

export class RecordSink {
  readonly stats: ImportStats = { items: 0, records: 0, skipped: 0, note: '' };
  private readonly encoder: BinaryTraceEncoder;

  constructor(encoder: BinaryTraceEncoder) {
    this.encoder = encoder;
  }

  /** Writes `count` copies of a record; false (and counted as skipped) if the address is unusable. */
  add(kind: number, address: number, size: number, count = 1): boolean {
    if (!(address > 0 && address < ADDRESS_LIMIT)) {
      this.stats.skipped++;
      return false;
    }
    for (let i = 0; i < count; i++) this.encoder.add(kind, address, size);
    this.stats.records += count;
    return true;
  }
}

/** A hex number as perf and Pin print it (with or without 0x); NaN if it is not one. */
export function parseHex(text: string): number {
  const t = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (!/^[0-9a-fA-F]{1,16}$/.test(t)) return NaN;
  return t.length > 13 ? Number(BigInt(`0x${t}`)) : parseInt(t, 16);
}
