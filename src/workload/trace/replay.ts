/**
 * Replaying a trace region (pattern: trace) as one CPU's access stream.
 *
 * Mapping: a record at `address` of `size` bytes touches the pages
 * floor((address - base) / page_size) .. floor((address - base + size - 1) / page_size), each
 * taken modulo the region's pages (a negative offset wraps too); the access is a load for I and
 * L, a store for S, and a load then a store for M, for each page in order.
 *
 * CPU split: the task's CPUs share the trace round-robin. The trace, looped when `loop` is on, is
 * one sequence of records; record g goes to the CPU at index g mod n of the task's `cpus` list
 * (n CPUs). Each CPU reads the file itself (its own descriptor and chunk buffer) and skips the
 * other CPUs' records, so no state is shared between CPUs or threads and a CPU's stream depends
 * only on the trace and its index. With `loop: false` a CPU whose share has ended returns -1
 * from then on, and the generator leaves it idle to the end of the run.
 *
 * Per access `next()` allocates nothing and returns a small integer (page offset * 2 + store):
 * all doubles live in a Float64Array.
 */
import { R_P0, R_PAGES, TRACE_MAX_PAGES, type TracePlan, type WorkloadPlan } from '../plan.js';
import { assert } from '../../util/assert.js';
import { KIND_MODIFY, KIND_STORE } from './format.js';
import { REC_ADDR, REC_SIZE, TraceReader, type TraceReaderOptions } from './reader.js';

// Float64 state words.
const S_PAGE = 0;
const S_PAGE_END = 1;
const S_TAKEN = 2;
const S_WORDS = 3;

export interface ReplayOptions extends TraceReaderOptions {
  /** Pages of the region. */
  pages: number;
  pageSize: number;
  base: number;
  loop: boolean;
  /** This CPU's index in the task's CPU list, and the list's length. */
  index: number;
  stride: number;
}

export class TraceReplay {
  readonly reader: TraceReader;
  private readonly pages: number;
  private readonly pageSize: number;
  private readonly base: number;
  private readonly loop: boolean;
  private readonly stride: number;
  private readonly st = new Float64Array(S_WORDS);
  /** Records to skip (other CPUs') before the next one this CPU takes. */
  private skip: number;
  /** Kind of the record being expanded, -1 when none is pending. */
  private kind = -1;
  /** For M: 0 = the load of the current page is next, 1 = its store. */
  private half = 0;
  private ended = false;

  constructor(file: string, format: TracePlan['format'], options: ReplayOptions) {
    assert(options.pages >= 1 && options.pages <= TRACE_MAX_PAGES, 'trace region larger than 2^30 pages');
    assert(
      options.stride >= 1 && options.index >= 0 && options.index < options.stride,
      'bad trace CPU index',
    );
    this.reader = new TraceReader(
      file,
      format,
      options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize },
    );
    this.pages = options.pages;
    this.pageSize = options.pageSize;
    this.base = options.base;
    this.loop = options.loop;
    this.stride = options.stride;
    this.skip = options.index;
  }

  /** Records this CPU has taken from the trace. */
  get taken(): number {
    return this.st[S_TAKEN];
  }

  /** The next access: region page offset * 2 + (store ? 1 : 0); -1 once the trace has ended. */
  next(): number {
    const st = this.st;
    if (this.kind < 0 && !this.take()) return -1;
    const page = st[S_PAGE];
    let store: number;
    if (this.kind === KIND_MODIFY) {
      store = this.half;
      this.half ^= 1;
      if (store === 1) this.advance(page);
    } else {
      store = this.kind === KIND_STORE ? 1 : 0;
      this.advance(page);
    }
    const pages = this.pages;
    let offset: number;
    if (page >= 0 && page < pages) offset = page;
    else if (page >= 0 && page < 2147483648) offset = (page | 0) % (pages | 0);
    else {
      offset = page % pages;
      if (offset < 0) offset += pages;
    }
    return (offset << 1) | store;
  }

  private advance(page: number): void {
    if (page >= this.st[S_PAGE_END]) this.kind = -1;
    else this.st[S_PAGE] = page + 1;
  }

  /** Reads up to this CPU's next record; false when the trace has ended for it. */
  private take(): boolean {
    if (this.ended) return false;
    const reader = this.reader;
    const rec = reader.rec;
    for (;;) {
      const kind = reader.next();
      if (kind < 0) {
        // An empty trace never yields a record, looped or not.
        if (!this.loop || reader.records === 0) {
          this.ended = true;
          reader.close();
          return false;
        }
        reader.rewind();
        continue;
      }
      if (this.skip > 0) {
        this.skip--;
        continue;
      }
      this.skip = this.stride - 1;
      const st = this.st;
      const offset = rec[REC_ADDR] - this.base;
      st[S_PAGE] = Math.floor(offset / this.pageSize);
      st[S_PAGE_END] = Math.floor((offset + rec[REC_SIZE] - 1) / this.pageSize);
      st[S_TAKEN]++;
      this.kind = kind;
      this.half = 0;
      return true;
    }
  }

  close(): void {
    this.reader.close();
  }
}

/**
 * The trace streams of one thread's generator: one TraceReplay per (CPU, trace region), made on
 * the CPU's first access to the region, so a thread opens only the files of the CPUs it runs.
 */
export class TraceSources {
  private readonly plan: WorkloadPlan;
  private readonly streams: (TraceReplay | undefined)[];
  private readonly progress: Float64Array;
  /** 1 for a CPU whose trace has ended (loop: false): its generator makes empty batches. */
  readonly ended: Uint8Array;

  /**
   * `progress[cpu * maxRegions + i]` (the generator's per-CPU region words) receives the records
   * the CPU has taken from its i-th region's trace.
   */
  constructor(plan: WorkloadPlan, maxRegions: number, progress: Float64Array) {
    this.plan = plan;
    this.streams = new Array<TraceReplay | undefined>(plan.cpuTask.length * maxRegions).fill(undefined);
    this.progress = progress;
    this.ended = new Uint8Array(plan.cpuTask.length);
  }

  /** The next access of `cpu` in the trace region at `rb` of the region table, slot cpu * maxRegions + i. */
  next(cpu: number, slot: number, rb: number): number {
    let stream = this.streams[slot];
    if (stream === undefined) stream = this.open(cpu, slot, rb);
    const v = stream.next();
    this.progress[slot] = stream.taken;
    if (v < 0) this.ended[cpu] = 1;
    return v;
  }

  private open(cpu: number, slot: number, rb: number): TraceReplay {
    const plan = this.plan;
    const table = plan.regionTable;
    const trace = plan.traces[table[rb + R_P0]];
    const task = plan.tasks[plan.cpuTask[cpu]];
    assert(trace !== undefined && task !== undefined, 'trace region without a trace');
    // The word is 0 until this stream first takes a record: a stream is only ever made once per
    // CPU and region, by the thread that runs the CPU (its state is that thread's).
    assert(this.progress[slot] === 0, 'a trace stream was resumed on another thread');
    const stream = new TraceReplay(trace.file, trace.format, {
      pages: table[rb + R_PAGES],
      pageSize: plan.pageSize,
      base: trace.base,
      loop: trace.loop,
      index: task.cpus.indexOf(cpu),
      stride: task.cpus.length,
    });
    this.streams[slot] = stream;
    return stream;
  }
}
