/**
 * Per-node time series, sampled by the coordinator every `sampleEveryEpochs` epochs: gauges as
 * their value at the sample, events as the increase since the previous sample (so a series of
 * pgdemote_kswapd is a rate per interval), plus the score (operations completed per interval).
 */
import type { SimState } from '../memory/state.js';
import { CPU_WORDS, C_ACCESSES } from '../memory/layout.js';
import { COUNTERS, COUNTER_INDEX, NR_COUNTERS, type CounterName } from './vmstat.js';

/** Counters kept as series (every counter would make result.json large for little use). */
export const SERIES_COUNTERS = [
  'nr_free_pages',
  'nr_active_anon',
  'nr_inactive_anon',
  'nr_active_file',
  'nr_inactive_file',
  'nr_anon_pages',
  'nr_file_pages',
  'nr_dirty',
  'nr_writeback',
  'nr_written',
  'tiersim_dirty_throttle_ns',
  'pgdemote_kswapd',
  'pgdemote_direct',
  'pgscan_kswapd',
  'pgsteal_kswapd',
  'pgsteal_direct',
  'pgfault',
  'pgmajfault',
  'pswpout',
  'pswpin',
  'numa_miss',
  'workingset_refault_file',
  'workingset_refault_anon',
  'pgmigrate_fail',
  'pgpromote_success',
  'pgpromote_candidate',
  'numa_hint_faults',
  'tiersim_promote_threshold_ms',
  'tiersim_accesses',
  'tiersim_accesses_served',
  'tiersim_mem_read_bytes',
  'tiersim_mem_write_bytes',
  'tiersim_mem_utilisation_pct',
  'tiersim_access_latency_ns',
] as const satisfies readonly CounterName[];

export interface NodeSeries {
  id: number;
  counters: Record<string, number[]>;
}

export interface Series {
  interval_ns: number;
  /** Simulated time at the end of each sample interval. */
  time_ns: number[];
  /** Operations completed by all tasks in each interval, divided by the interval (ops/s). */
  score: number[];
  nodes: NodeSeries[];
}

/** Float64 words of one sample in the shared series buffer: time, score, then node × counter. */
export function seriesRowWords(nodes: number): number {
  return 2 + nodes * SERIES_COUNTERS.length;
}

/**
 * Takes samples into a shared Float64 buffer (so any thread, including one that outlives a
 * crashed worker, can read the series back), keeping the previous counters for the deltas.
 */
export class Sampler {
  private readonly s: SimState;
  private readonly buffer: Float64Array;
  private readonly rowWords: number;
  private readonly previous: Float64Array;
  private previousOps = 0;
  private lastTimeNs = 0;
  count = 0;

  constructor(s: SimState, buffer: Float64Array) {
    this.s = s;
    this.buffer = buffer;
    this.rowWords = seriesRowWords(s.layout.nodes);
    this.previous = new Float64Array(s.layout.nodes * NR_COUNTERS);
  }

  /** Record one sample ending at `timeNs` (gauges must be up to date). */
  sample(timeNs: number): void {
    const s = this.s;
    let w = this.count * this.rowWords;
    if (w + this.rowWords > this.buffer.length) return;
    const ops = totalOps(s);
    const seconds = (timeNs - this.lastTimeNs) / 1e9;
    this.buffer[w++] = timeNs;
    this.buffer[w++] = seconds > 0 ? (ops - this.previousOps) / seconds : 0;
    for (let nid = 0; nid < s.layout.nodes; nid++) {
      const row = nid * NR_COUNTERS;
      for (const name of SERIES_COUNTERS) {
        const i = COUNTER_INDEX[name];
        const value = s.counters[row + i];
        this.buffer[w++] = COUNTERS[i].kind === 'gauge' ? value : value - this.previous[row + i];
      }
    }
    this.previous.set(s.counters);
    this.previousOps = ops;
    this.lastTimeNs = timeNs;
    this.count++;
  }
}

/** The series object of result.json, read back from the shared buffer. */
export function seriesFromBuffer(
  buffer: Float64Array,
  count: number,
  nodes: number,
  intervalNs: number,
): Series {
  const rowWords = seriesRowWords(nodes);
  const series: Series = {
    interval_ns: intervalNs,
    time_ns: [],
    score: [],
    nodes: Array.from({ length: nodes }, (_, id) => ({
      id,
      counters: Object.fromEntries(SERIES_COUNTERS.map((name) => [name, [] as number[]])),
    })),
  };
  for (let k = 0; k < count; k++) {
    let w = k * rowWords;
    series.time_ns.push(buffer[w++]);
    series.score.push(buffer[w++]);
    for (const node of series.nodes) {
      for (const name of SERIES_COUNTERS) node.counters[name].push(buffer[w++]);
    }
  }
  return series;
}

/** Accesses done by each task so far (all its CPUs). */
export function taskAccesses(s: SimState): number[] {
  return s.plan.tasks.map((task) => {
    let accesses = 0;
    for (const cpu of task.cpus) accesses += s.cpuWords[cpu * CPU_WORDS + C_ACCESSES];
    return accesses;
  });
}

/** Operations completed by each task so far: whole multiples of accesses_per_op. */
export function taskOps(s: SimState): number[] {
  const accesses = taskAccesses(s);
  return s.plan.tasks.map((task, i) => Math.floor(accesses[i] / task.accessesPerOp));
}

export function totalOps(s: SimState): number {
  return taskOps(s).reduce((a, b) => a + b, 0);
}
