/**
 * A fast-check arbitrary of small, valid tiersim experiments: 1–4 nodes of 64–2048 pages (some
 * CPU-less PMEM/CXL), 5.15, 5.18, 6.0 or 6.1, demotion on or off, sometimes NUMA balancing
 * (any mode, scanning from the first epoch, any promotion patches and a small rate limit), swap or none, 1–3 pinned tasks with anon
 * and file regions (files sometimes shared), every access pattern (normal included), sometimes a
 * tmpfs file written before the run (prefault: written), a workload from well below to
 * well above total memory, 20–60 epochs of 100 µs–1 ms, sometimes a MADV_PAGEOUT action.
 *
 * The arbitrary draws raw choices with fixed ranges and `build` maps them to a valid config
 * deterministically (CPU ids by index into a permutation, sizes as shares of a total), so every
 * shrunk value is still a valid config. `toYaml` renders it as the text a user would write.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

const PAGE_KIB = 4;

export interface NodeChoice {
  cpus: number;
  device: 'pmem' | 'cxl';
  socket: number;
  pages: number;
  /** Fixed watermarks in percent of a sixteenth of the node each, or null for the kernel formula. */
  watermarks: { min: number; lowGap: number; highGap: number } | null;
}

export type PatternChoice =
  | { type: 'uniform' }
  | { type: 'zipfian'; theta: number }
  | { type: 'hotset'; fraction: number; probability: number }
  | { type: 'normal'; stdev: number }
  | { type: 'sequential'; stride: number };

export interface RegionChoice {
  kind: 'anon' | 'file';
  /** Relative size of an anon region. */
  share: number;
  /** Which file (mod the file count) and which window of it: [start, end) fractions. */
  file: number;
  window: [number, number] | null;
  access: 'mmap' | 'read';
  weight: number;
  pattern: PatternChoice;
  writeFraction: number;
}

export interface TaskChoice {
  cpus: number;
  cpuPerAccessNs: number;
  regions: RegionChoice[];
}

export interface NumaChoice {
  /** kernel.numa_balancing 1..3 (mode 2 and 3 fall back to 1 on 5.15). */
  mode: number;
  scanPeriodMinMs: number;
  /** scan_period_max = min + this (also the threshold adjustment period). */
  periodMaxExtraMs: number;
  scanSizeMb: number;
  hotThresholdMs: number;
  rateLimitMBps: number;
  /** promotion_patches on 6.1+ (null: the version's default). */
  patches: number | null;
}

export interface Choices {
  nodes: NodeChoice[];
  version: '5.15' | '5.18' | '6.0' | '6.1' | '6.12';
  numa: NumaChoice | null;
  demotion: boolean;
  swappiness: number;
  watermarkScaleFactor: number;
  /** Swap as a fraction of total memory (0 = no swap). */
  swapFraction: number;
  diskReadUs: number;
  swapReadUs: number;
  minorFaultNs: number;
  reclaimScanNs: number;
  faultBatchMax: number;
  /** Permutation keys for the CPU ids handed to tasks. */
  cpuKeys: number[];
  files: number[];
  tasks: TaskChoice[];
  /** Workload pages as a multiple of total memory. */
  sizeRatio: number;
  action: { atFraction: number; task: number; region: number; start: number; end: number } | null;
  epochUs: number;
  epochs: number;
  seed: number;
  /** kernel.lru_gen on 6.1 draws (null: absent, the classic LRU), with its min_ttl_ms. */
  lruGen: { enabled: boolean; minTtlMs: number } | null;
  /**
   * A tmpfs file the first task's regions end with (weight 0, prefault: written), in pages as a
   * share of the workload, or null.
   */
  tmpfsShare: number | null;
}

const fraction = fc.double({ min: 0, max: 1, noNaN: true });

/** `arb` in about a third of the draws, null otherwise. */
function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: arb, weight: 1 });
}

const nodeArb: fc.Arbitrary<NodeChoice> = fc.record({
  cpus: fc.constantFrom(0, 0, 1, 2),
  device: fc.constantFrom('pmem' as const, 'cxl' as const),
  socket: fc.integer({ min: 0, max: 1 }),
  pages: fc.integer({ min: 64, max: 2048 }),
  watermarks: sometimes(
    fc.record({
      min: fc.integer({ min: 0, max: 100 }),
      lowGap: fc.integer({ min: 0, max: 100 }),
      highGap: fc.integer({ min: 0, max: 100 }),
    }),
  ),
});

const patternArb: fc.Arbitrary<PatternChoice> = fc.oneof(
  fc.constant({ type: 'uniform' as const }),
  fc.record({
    type: fc.constant('zipfian' as const),
    theta: fc.double({ min: 0.05, max: 0.99, noNaN: true }),
  }),
  fc.record({
    type: fc.constant('hotset' as const),
    fraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
    probability: fraction,
  }),
  fc.record({ type: fc.constant('normal' as const), stdev: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
  fc.record({ type: fc.constant('sequential' as const), stride: fc.integer({ min: 1, max: 5 }) }),
);

const regionArb: fc.Arbitrary<RegionChoice> = fc.record({
  kind: fc.constantFrom('anon' as const, 'file' as const),
  share: fc.integer({ min: 1, max: 8 }),
  file: fc.nat(3),
  window: fc.option(fc.tuple(fraction, fraction), { freq: 2 }).map((w): [number, number] | null => {
    if (w === null) return null;
    const [a, b] = w[0] <= w[1] ? w : [w[1], w[0]];
    return [a, b];
  }),
  access: fc.constantFrom('mmap' as const, 'read' as const),
  weight: fc.integer({ min: 1, max: 5 }),
  pattern: patternArb,
  writeFraction: fc.oneof(fc.constant(0), fc.constant(1), fraction),
});

const taskArb: fc.Arbitrary<TaskChoice> = fc.record({
  cpus: fc.integer({ min: 1, max: 2 }),
  cpuPerAccessNs: fc.integer({ min: 5, max: 500 }),
  regions: fc.array(regionArb, { minLength: 1, maxLength: 3 }),
});

export const choicesArb: fc.Arbitrary<Choices> = fc.record({
  nodes: fc.array(nodeArb, { minLength: 1, maxLength: 4 }),
  version: fc.constantFrom('5.15' as const, '5.18' as const, '6.0' as const, '6.1' as const, '6.12' as const),
  numa: sometimes(
    fc.record({
      mode: fc.integer({ min: 1, max: 3 }),
      scanPeriodMinMs: fc.integer({ min: 0, max: 20 }),
      periodMaxExtraMs: fc.integer({ min: 0, max: 20 }),
      scanSizeMb: fc.integer({ min: 1, max: 8 }),
      hotThresholdMs: fc.integer({ min: 1, max: 1000 }),
      rateLimitMBps: fc.integer({ min: 1, max: 64 }),
      patches: fc.option(fc.integer({ min: 0, max: 3 })),
    }),
  ),
  demotion: fc.oneof(
    { arbitrary: fc.constant(true), weight: 2 },
    { arbitrary: fc.constant(false), weight: 1 },
  ),
  swappiness: fc.integer({ min: 0, max: 200 }),
  watermarkScaleFactor: fc.oneof(fc.constant(10), fc.integer({ min: 1, max: 1000 })),
  swapFraction: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 2, noNaN: true })),
  diskReadUs: fc.integer({ min: 1, max: 80 }),
  swapReadUs: fc.integer({ min: 1, max: 80 }),
  minorFaultNs: fc.integer({ min: 100, max: 2000 }),
  reclaimScanNs: fc.integer({ min: 20, max: 1000 }),
  faultBatchMax: fc.oneof(fc.constant(65536), fc.integer({ min: 16, max: 512 })),
  cpuKeys: fc.array(fc.nat(1000), { minLength: 8, maxLength: 8 }),
  files: fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 2 }),
  tasks: fc.array(taskArb, { minLength: 1, maxLength: 3 }),
  // Mostly more than memory, so that reclaim runs in many of the short runs.
  sizeRatio: fc.oneof(
    { arbitrary: fc.double({ min: 0.2, max: 1, noNaN: true }), weight: 1 },
    { arbitrary: fc.double({ min: 1, max: 3, noNaN: true }), weight: 2 },
  ),
  action: sometimes(
    fc.record({ atFraction: fraction, task: fc.nat(2), region: fc.nat(2), start: fraction, end: fraction }),
  ),
  epochUs: fc.integer({ min: 100, max: 1000 }),
  epochs: fc.integer({ min: 20, max: 60 }),
  seed: fc.nat(0xffffffff),
  lruGen: fc.oneof(
    { arbitrary: fc.constant(null), weight: 1 },
    {
      weight: 3,
      arbitrary: fc.record({
        enabled: fc.oneof(
          { arbitrary: fc.constant(true), weight: 3 },
          { arbitrary: fc.constant(false), weight: 1 },
        ),
        minTtlMs: fc.oneof(
          { arbitrary: fc.constant(0), weight: 3 },
          { arbitrary: fc.integer({ min: 1, max: 20 }), weight: 1 },
        ),
      }),
    },
  ),
  tmpfsShare: sometimes(fc.double({ min: 0.01, max: 0.3, noNaN: true })),
});

/** A config object in the shape of the YAML schema (sizes as strings with units). */
export type ConfigObject = Record<string, unknown>;

const kib = (pages: number) => `${pages * PAGE_KIB}KiB`;

/** The valid config the choices describe. */
export function build(c: Choices): ConfigObject {
  const nodes = c.nodes.map((n, i) => ({
    ...n,
    cpus: i === 0 && c.nodes.every((x) => x.cpus === 0) ? 1 : n.cpus,
  }));
  const totalPages = nodes.reduce((sum, n) => sum + n.pages, 0);
  const totalCpus = nodes.reduce((sum, n) => sum + n.cpus, 0);

  // CPU ids handed out in the order of a permutation drawn from the keys.
  const order = Array.from({ length: totalCpus }, (_, i) => i).sort(
    (a, b) => (c.cpuKeys[a % c.cpuKeys.length] ?? 0) - (c.cpuKeys[b % c.cpuKeys.length] ?? 0) || a - b,
  );
  const taskChoices = c.tasks.slice(0, totalCpus);
  let nextCpu = 0;
  const cpusOf = taskChoices.map((t, k) => {
    // Leave at least one CPU for each later task.
    const room = totalCpus - nextCpu - (taskChoices.length - k - 1);
    const n = Math.max(1, Math.min(t.cpus, room));
    const ids = order.slice(nextCpu, nextCpu + n);
    nextCpu += n;
    return ids;
  });

  // Sizes: the workload is sizeRatio x total memory, split by share among anon regions and files.
  const fileShares = c.files;
  const anonShares = taskChoices.flatMap((t) =>
    t.regions.filter((r) => r.kind === 'anon' || fileShares.length === 0).map((r) => r.share),
  );
  const shareSum = fileShares.reduce((a, b) => a + b, 0) + anonShares.reduce((a, b) => a + b, 0);
  const pagesPerShare = (c.sizeRatio * totalPages) / shareSum;
  const filePages = fileShares.map((sh) => Math.max(1, Math.round(sh * pagesPerShare)));
  const files = filePages.map((pages, i) => ({ name: `f${i}`, size: kib(pages) }));

  const tasks = taskChoices.map((t, k) => ({
    name: `t${k}`,
    cpus: cpusOf[k],
    cpu_per_access: `${t.cpuPerAccessNs}ns`,
    regions: t.regions.map((r) => {
      const common = {
        weight: r.weight,
        pattern: r.pattern,
        write_fraction: r.writeFraction,
      };
      if (r.kind === 'anon' || files.length === 0) {
        return { kind: 'anon', size: kib(Math.max(1, Math.round(r.share * pagesPerShare))), ...common };
      }
      const f = r.file % files.length;
      const region: Record<string, unknown> = { kind: 'file', file: `f${f}`, access: r.access, ...common };
      if (r.window !== null) {
        const pages = filePages[f];
        const first = Math.min(pages - 1, Math.floor(r.window[0] * pages));
        const size = Math.max(1, Math.min(pages - first, Math.round((r.window[1] - r.window[0]) * pages)));
        region['offset'] = kib(first);
        region['size'] = kib(size);
      }
      return region;
    }),
  }));

  const durationUs = c.epochUs * c.epochs;
  const actions: unknown[] = [];
  if (c.action !== null) {
    const task = c.action.task % tasks.length;
    const region = c.action.region % tasks[task].regions.length;
    const [start, end] =
      c.action.start <= c.action.end ? [c.action.start, c.action.end] : [c.action.end, c.action.start];
    if (end > start) {
      actions.push({
        at: `${Math.min(durationUs - 1, Math.floor(c.action.atFraction * durationUs))}us`,
        task: `t${task}`,
        do: 'madvise_pageout',
        region,
        start,
        end,
      });
    }
  }

  // After the action (MADV_PAGEOUT acts on mapped pages only, never on this file).
  if (c.tmpfsShare !== null) {
    const pages = Math.max(1, Math.round(c.tmpfsShare * c.sizeRatio * totalPages));
    (tasks[0].regions as unknown[]).push({ kind: 'shmem', size: kib(pages), weight: 0, prefault: 'written' });
  }

  return {
    topology: {
      page_size: '4KiB',
      nodes: nodes.map((n, i) => {
        const node: Record<string, unknown> = {
          id: i,
          socket: n.socket,
          cpus: n.cpus,
          memory: kib(n.pages),
          device: n.cpus > 0 ? 'dram' : n.device,
        };
        if (n.watermarks !== null) {
          const sixteenth = n.pages / 16;
          const min = Math.floor((n.watermarks.min * sixteenth) / 100);
          const low = min + Math.floor((n.watermarks.lowGap * sixteenth) / 100);
          const high = low + Math.floor((n.watermarks.highGap * sixteenth) / 100);
          node['watermarks'] = { min, low, high };
        }
        return node;
      }),
    },
    kernel: {
      version: c.version,
      demotion_enabled: c.demotion,
      swappiness: c.swappiness,
      watermark_scale_factor: c.watermarkScaleFactor,
      ...numaKnobs(c),
      ...(c.version === '6.1' && c.lruGen !== null
        ? { lru_gen: { enabled: c.lruGen.enabled, min_ttl_ms: c.lruGen.minTtlMs } }
        : {}),
    },
    storage: {
      disk: { read_latency: `${c.diskReadUs}us`, write_latency: `${c.diskReadUs}us` },
      swap: {
        size: kib(Math.floor(c.swapFraction * totalPages)),
        read_latency: `${c.swapReadUs}us`,
        write_latency: `${c.swapReadUs}us`,
      },
    },
    costs: {
      minor_fault: `${c.minorFaultNs}ns`,
      reclaim_scan_per_page: `${c.reclaimScanNs}ns`,
      fault_batch_max: c.faultBatchMax,
    },
    run: { duration: `${durationUs}us`, epoch: `${c.epochUs}us`, seed: c.seed },
    workload: { files, tasks, actions },
  };
}

function numaKnobs(c: Choices): Record<string, number> {
  if (c.numa === null) return {};
  const n = c.numa;
  const knobs: Record<string, number> = {
    numa_balancing: c.version === '5.15' ? 1 : n.mode,
    numa_balancing_scan_delay_ms: 0,
    numa_balancing_scan_period_min_ms: n.scanPeriodMinMs,
    numa_balancing_scan_period_max_ms: n.scanPeriodMinMs + n.periodMaxExtraMs,
    numa_balancing_scan_size_mb: n.scanSizeMb,
    numa_balancing_hot_threshold_ms: n.hotThresholdMs,
    numa_balancing_promote_rate_limit_MBps: n.rateLimitMBps,
  };
  if (n.patches !== null && (c.version === '6.1' || c.version === '6.12'))
    knobs['promotion_patches'] = n.patches;
  return knobs;
}

export function toYaml(config: ConfigObject): string {
  return stringify(config);
}
