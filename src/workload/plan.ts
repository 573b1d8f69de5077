/**
 * The workload plan: the config's tasks, files and regions turned into page-id ranges and a flat
 * numeric region table that the access-stream generator reads (plain data, cloneable to workers).
 *
 * Page ids: every simulated page has one id and one page-table entry. Files come first (ids
 * [0, filePages): page cache, shared by every task that maps or reads the file), then each task's
 * anonymous regions in task order. So "is this page file-backed" is one comparison.
 */
import type { Config, PatternConfig, RegionConfig, TaskConfig } from '../config/schema.js';
import type { Machine } from '../topology/machine.js';
import { assert } from '../util/assert.js';
import { TWO_32, probabilityThreshold } from './prng.js';
import { formatFromExtension } from './trace/format.js';
import { ZP_SHIFT, ZP_TABLE_AT, aliasSampler, zipfSampler } from './zipf.js';
import { normalTable } from './normal.js';
import { TXN_ACCESSES, pgbenchPlan, type PgbenchPlan } from './pgbench.js';
import { phaseTable } from './phases.js';
import { splitmixZipfSequence } from './splitmix-zipf.js';

export const PATTERN_UNIFORM = 0;
export const PATTERN_ZIPFIAN = 1;
export const PATTERN_HOTSET = 2;
export const PATTERN_SEQUENTIAL = 3;
/** Replay of a memory trace (trace/replay.ts); R_P0 is the index of its TracePlan in `traces`. */
export const PATTERN_TRACE = 4;
/** A `phases` program (phases.ts): R_P0 its first word in `phaseTables`, R_P1 its steps, R_P2 loop_from or -1. */
export const PATTERN_PHASES = 5;
/** A precomputed page sequence (sequence.ts): R_P0 its first entry in `sequenceTables`, R_P1 its length. */
export const PATTERN_SEQUENCE = 6;
/** pmbench's normal distribution (normal.ts): R_P0 the offset of its inverse-CDF table in `zipfTables`. */
export const PATTERN_NORMAL = 7;
/** Largest trace region (pages): a replayed access is returned as offset * 2 + store in an int32. */
export const TRACE_MAX_PAGES = 2 ** 30;

/** Words of one region in the region table (Float64). */
export const R_FIRST_PAGE = 0;
export const R_PAGES = 1;
export const R_PATTERN = 2;
/** Cumulative weight threshold (u32 scale): the region is chosen when draw < threshold. */
export const R_WEIGHT_CUT = 3;
/** Store threshold (u32 scale). */
export const R_WRITE_CUT = 4;
/** Pattern parameters: zipf (zipf.ts ZP_*: offset of its alias table in zipfTables, column shift); hotset (hot pages, hot cut); sequential (stride); trace (index in `traces`). */
export const R_P0 = 5;
export const R_P1 = 6;
export const R_P2 = 7;
/** 1 when the region is a file accessed with read()/write() (page cache, no mapping). */
export const R_SYSCALL = 8;
export const REGION_WORDS = 9;

export interface FilePlan {
  name: string;
  firstPage: number;
  pages: number;
  /**
   * fdatasync() after every write() to the file (a region with sync: fdatasync maps it; the
   * kernel sees the page's file, not the region, so every write() to the file then syncs).
   */
  sync: boolean;
}

export interface RegionPlan {
  /** shmem: shared anonymous memory, swap-backed like anon (its pages are in the anon id range). */
  kind: 'anon' | 'file' | 'shmem';
  /** File name for file regions. */
  file: string | undefined;
  firstPage: number;
  pages: number;
  access: 'mmap' | 'read';
  /** madvise/fadvise advice of a file region (anon regions: normal). */
  advice: 'normal' | 'random' | 'sequential';
  /** shmem with prefault: written: a tmpfs file's pages, never mapped. */
  written: boolean;
}

/** A trace region's file (absolute once the loader has resolved it) and replay options. */
export interface TracePlan {
  file: string;
  format: 'lackey' | 'tiersim';
  loop: boolean;
  /** Address subtracted before mapping to pages. */
  base: number;
}

export interface TaskPlan {
  name: string;
  cpus: number[];
  regions: RegionPlan[];
  /** Index of the task's first region in the region table. */
  firstRegion: number;
  /**
   * The leading regions the task's accesses go to; the rest (weight 0) are only prefaulted.
   * 0: the task's CPUs idle.
   */
  accessedRegions: number;
  /**
   * A task whose accessed regions (two or more) are all uniform or Zipfian: the offset of their
   * mix's alias table in zipfTables (zipf.ts aliasSampler, entries drawn directly), else -1; and
   * its column shift.
   */
  mixTable: number;
  mixShift: number;
  cpuPerAccessNs: number;
  /** Misses in flight (config `mlp`): a present access costs latency / mlp of the CPU's time. */
  mlp: number;
  /** Cache lines one read() access copies from the page cache (config `read_copy` / 64). */
  readCopyLines: number;
  accessesPerOp: number;
  /** numaBalancing: MPOL_F_NUMA_BALANCING. */
  policy: { mode: 'default' | 'bind' | 'preferred' | 'interleave'; nodes: number[]; numaBalancing: boolean };
  cpusetMems: number[] | undefined;
  /** Set for a pgbench task: its regions are shared buffers, database and WAL, in that order. */
  pgbench: PgbenchPlan | undefined;
}

export interface WorkloadPlan {
  pageSize: number;
  files: FilePlan[];
  tasks: TaskPlan[];
  /** Pages with ids below this are file-backed (page cache). */
  filePages: number;
  totalPages: number;
  /** Task index per CPU id, -1 for an idle CPU. */
  cpuTask: number[];
  /** REGION_WORDS per region, all tasks' regions in task order. */
  regionTable: Float64Array;
  /** Largest number of regions of one task (sizes per-CPU generator state). */
  maxRegionsPerTask: number;
  /** Alias tables of the Zipfian regions and inverse-CDF tables of the normal ones, concatenated (zipf.ts, normal.ts). */
  zipfTables: Float64Array;
  /** The trace regions' files, indexed by their rows' R_P0. */
  traces: TracePlan[];
  /** The `phases` regions' steps, PHASE_WORDS per step (phases.ts), concatenated. */
  phaseTables: Float64Array;
  /** The `splitmix_zipfian` regions' page offsets, concatenated. */
  sequenceTables: Int32Array;
  /** (first page, end page) of each shmem region, flat; empty when there are none. */
  shmemRanges: Int32Array;
  /**
   * (first page, end page) of the pages no process ever maps, flat: each file no region maps
   * (read()/write() only) and each shmem region written through write() (prefault: written).
   */
  unmappedRanges: Int32Array;
}

/** Whether `page` is in a shmem region (a short scan: configs have few, usually none). */
export function isShmemPage(plan: WorkloadPlan, page: number): boolean {
  return inRanges(plan.shmemRanges, page);
}

/** Whether no process ever maps `page` (a read() file's page cache, a written tmpfs file). */
export function isUnmappedPage(plan: WorkloadPlan, page: number): boolean {
  return inRanges(plan.unmappedRanges, page);
}

function inRanges(r: Int32Array, page: number): boolean {
  for (let i = 0; i < r.length; i += 2) if (page >= r[i] && page < r[i + 1]) return true;
  return false;
}

/** read_copy in cache lines: whole lines of one page (a read() never copies past its folio). */
function readCopyLines(bytes: number, pageSize: number): number {
  assert(
    bytes % 64 === 0 && bytes >= 64 && bytes <= pageSize,
    'read_copy (validation should have caught it)',
  );
  return bytes / 64;
}

function pagesOf(bytes: number, pageSize: number): number {
  return Math.max(1, Math.floor(bytes / pageSize));
}

export function buildWorkloadPlan(config: Config, machine: Machine): WorkloadPlan {
  const pageSize = machine.pageSize;
  const workload = config.workload;
  const cpuTask = new Array<number>(machine.cpuNode.length).fill(-1);
  if (workload === undefined) {
    return {
      pageSize,
      files: [],
      tasks: [],
      filePages: 0,
      totalPages: 0,
      cpuTask,
      regionTable: new Float64Array(0),
      maxRegionsPerTask: 0,
      zipfTables: new Float64Array(0),
      traces: [],
      phaseTables: new Float64Array(0),
      sequenceTables: new Int32Array(0),
      shmemRanges: new Int32Array(0),
      unmappedRanges: new Int32Array(0),
    };
  }
  const files: FilePlan[] = [];
  let nextPage = 0;
  const addFile = (name: string, pages: number) => {
    files.push({ name, firstPage: nextPage, pages, sync: false });
    nextPage += pages;
  };
  for (const f of workload.files) addFile(f.name, pagesOf(f.size, pageSize));
  // pgbench tasks bring their own database and WAL files, and generated regions.
  const pgbench = workload.tasks.map((t) =>
    t.pgbench === undefined ? undefined : pgbenchPlan(t.pgbench, pageSize),
  );
  workload.tasks.forEach((t, i) => {
    const p = pgbench[i];
    if (p === undefined) return;
    addFile(`${t.name}.db`, p.dbPages);
    addFile(`${t.name}.wal`, p.walPages);
  });
  const filePages = nextPage;
  const fileByName = new Map(files.map((f) => [f.name, f]));

  const tasks: TaskPlan[] = [];
  const regionRows: number[][] = [];
  const zipfTables: Float64Array[] = [];
  let zipfOffset = 0;
  let maxRegionsPerTask = 0;
  const traces: TracePlan[] = [];
  const phaseWords: number[] = [];
  const sequences: Int32Array[] = [];
  let sequenceOffset = 0;
  workload.tasks.forEach((configTask, taskIndex) => {
    const pg = pgbench[taskIndex];
    const task = pg === undefined ? configTask : withPgbenchRegions(configTask, pg, pageSize);
    const regions: RegionPlan[] = [];
    for (const region of task.regions) {
      if (region.kind !== 'file') {
        assert(region.size !== undefined, 'anon region without size (validation should have caught it)');
        const pages = pagesOf(region.size, pageSize);
        regions.push({
          kind: region.kind,
          file: undefined,
          firstPage: nextPage,
          pages,
          access: 'mmap',
          advice: 'normal',
          written: region.prefault === 'written',
        });
        nextPage += pages;
      } else {
        const file = fileByName.get(region.file ?? '');
        assert(file !== undefined, 'file region naming an unknown file (validation should have caught it)');
        const offsetPages = Math.floor(region.offset / pageSize);
        const pages =
          region.size === undefined
            ? file.pages - offsetPages
            : Math.min(pagesOf(region.size, pageSize), file.pages - offsetPages);
        assert(pages > 0, 'file region outside its file (validation should have caught it)');
        regions.push({
          kind: 'file',
          file: file.name,
          firstPage: file.firstPage + offsetPages,
          pages,
          access: region.access,
          advice: region.advice,
          written: false,
        });
        if (region.sync === 'fdatasync') file.sync = true;
      }
    }
    const totalWeight = task.regions.reduce((sum, r) => sum + r.weight, 0);
    // Regions of weight 0 follow the accessed ones (validation): the last accessed region takes
    // every draw above the others' cuts, the unaccessed ones none.
    const accessedRegions = task.regions.filter((r) => r.weight > 0).length;
    let cumulative = 0;
    task.regions.forEach((region, i) => {
      cumulative += region.weight;
      const cut =
        i >= accessedRegions
          ? 0
          : i === accessedRegions - 1
            ? TWO_32
            : probabilityThreshold(cumulative / totalWeight);
      const row = regionRow(regions[i], region, cut);
      if (region.pattern.type === 'zipfian') {
        const { table, shift } = zipfSampler(regions[i].pages, region.pattern.theta);
        row[R_P0 + ZP_TABLE_AT] = zipfOffset;
        row[R_P0 + ZP_SHIFT] = shift;
        zipfOffset += table.length;
        zipfTables.push(table);
      }
      if (region.pattern.type === 'normal') {
        const table = normalTable(regions[i].pages, region.pattern.stdev * regions[i].pages);
        row[R_P0] = zipfOffset;
        zipfOffset += table.length;
        zipfTables.push(table);
      }
      if (region.pattern.type === 'trace') {
        assert(regions[i].pages <= TRACE_MAX_PAGES, 'trace region larger than 2^30 pages');
        const { file, format, loop, base } = region.pattern;
        row[R_P0] = traces.length;
        traces.push({ file, format: format ?? formatFromExtension(file), loop, base });
      }
      if (region.pattern.type === 'phases') {
        row[R_P0] = phaseWords.length;
        row[R_P1] = region.pattern.steps.length;
        row[R_P2] = region.pattern.loop_from ?? -1;
        phaseWords.push(...phaseTable(region.pattern.steps, regions[i].pages));
      }
      if (region.pattern.type === 'splitmix_zipfian') {
        const { theta, seed, count, scatter } = region.pattern;
        const sequence = splitmixZipfSequence(regions[i].pages, theta, seed, count, scatter);
        row[R_P0] = sequenceOffset;
        row[R_P1] = count;
        sequenceOffset += count;
        sequences.push(sequence);
      }
      regionRows.push(row);
    });
    // A mix of uniform and Zipfian regions draws region and block at once from one table.
    const accessed = task.regions.slice(0, accessedRegions);
    let mixTable = -1;
    let mixShift = 0;
    if (
      pg === undefined &&
      accessed.length >= 2 &&
      accessed.every((r) => r.pattern.type === 'uniform' || r.pattern.type === 'zipfian')
    ) {
      const rows = regionRows.slice(regionRows.length - regions.length);
      const sampler = aliasSampler(
        accessed.map((r, i) => ({
          head: rows[i][R_FIRST_PAGE] * 4 + rows[i][R_SYSCALL] * 2,
          pages: rows[i][R_PAGES],
          theta: r.pattern.type === 'zipfian' ? r.pattern.theta : undefined,
          weight: r.weight,
          writeCut: rows[i][R_WRITE_CUT],
        })),
        4,
      );
      mixTable = zipfOffset;
      mixShift = sampler.shift;
      zipfOffset += sampler.table.length;
      zipfTables.push(sampler.table);
    }
    tasks.push({
      name: task.name,
      cpus: [...task.cpus],
      regions,
      firstRegion: regionRows.length - regions.length,
      accessedRegions,
      mixTable,
      mixShift,
      cpuPerAccessNs: task.cpu_per_access,
      mlp: task.mlp,
      readCopyLines: readCopyLines(task.read_copy, pageSize),
      accessesPerOp: pg === undefined ? task.accesses_per_op : TXN_ACCESSES,
      pgbench: pg,
      policy: {
        mode: task.policy.mode,
        nodes: [...task.policy.nodes],
        numaBalancing: task.policy.flags.includes('numa_balancing'),
      },
      cpusetMems: task.cpuset_mems === undefined ? undefined : [...task.cpuset_mems],
    });
    maxRegionsPerTask = Math.max(maxRegionsPerTask, regions.length);
    for (const cpu of task.cpus) cpuTask[cpu] = taskIndex;
  });

  const regionTable = new Float64Array(regionRows.length * REGION_WORDS);
  regionRows.forEach((row, i) => regionTable.set(row, i * REGION_WORDS));
  const allZipf = new Float64Array(zipfOffset);
  let at = 0;
  for (const t of zipfTables) {
    allZipf.set(t, at);
    at += t.length;
  }
  return {
    pageSize,
    files,
    tasks,
    filePages,
    totalPages: nextPage,
    cpuTask,
    regionTable,
    maxRegionsPerTask,
    zipfTables: allZipf,
    traces,
    phaseTables: Float64Array.from(phaseWords),
    sequenceTables: concatInt32(sequences, sequenceOffset),
    shmemRanges: Int32Array.from(
      tasks.flatMap((t) =>
        t.regions.filter((r) => r.kind === 'shmem').flatMap((r) => [r.firstPage, r.firstPage + r.pages]),
      ),
    ),
    unmappedRanges: unmappedRanges(files, tasks),
  };
}

/** Files no mmap region covers (a region maps only its window, but the file counts as mapped), then written shmem. */
function unmappedRanges(files: readonly FilePlan[], tasks: readonly TaskPlan[]): Int32Array {
  const regions = tasks.flatMap((t) => t.regions);
  const mapped = new Set(regions.filter((r) => r.kind === 'file' && r.access === 'mmap').map((r) => r.file));
  return Int32Array.from([
    ...files.filter((f) => !mapped.has(f.name)).flatMap((f) => [f.firstPage, f.firstPage + f.pages]),
    ...regions.filter((r) => r.written).flatMap((r) => [r.firstPage, r.firstPage + r.pages]),
  ]);
}

function concatInt32(parts: Int32Array[], length: number): Int32Array {
  const out = new Int32Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function regionRow(plan: RegionPlan, region: RegionConfig, weightCut: number): number[] {
  const row = new Array<number>(REGION_WORDS).fill(0);
  row[R_FIRST_PAGE] = plan.firstPage;
  row[R_PAGES] = plan.pages;
  row[R_WEIGHT_CUT] = weightCut;
  row[R_WRITE_CUT] = probabilityThreshold(region.write_fraction);
  row[R_SYSCALL] = plan.kind === 'file' && plan.access === 'read' ? 1 : 0;
  setPattern(row, region.pattern, plan.pages);
  return row;
}

function setPattern(row: number[], pattern: PatternConfig, pages: number): void {
  switch (pattern.type) {
    case 'uniform':
      row[R_PATTERN] = PATTERN_UNIFORM;
      return;
    case 'zipfian':
      // Its draw parameters (zipf.ts ZP_* from R_P0) are written once its table is placed.
      row[R_PATTERN] = PATTERN_ZIPFIAN;
      return;
    case 'hotset':
      row[R_PATTERN] = PATTERN_HOTSET;
      row[R_P0] = Math.max(1, Math.min(pages, Math.round(pages * pattern.fraction)));
      row[R_P1] = probabilityThreshold(pattern.probability);
      row[R_P2] = Math.floor(pattern.offset * pages);
      return;
    case 'normal':
      // R_P0, its table's offset, is written once the table is placed.
      row[R_PATTERN] = PATTERN_NORMAL;
      return;
    case 'sequential':
      row[R_PATTERN] = PATTERN_SEQUENTIAL;
      row[R_P0] = pattern.stride;
      return;
    case 'trace':
      // The trace's S and M records are its stores; R_P0 is set by the caller.
      row[R_PATTERN] = PATTERN_TRACE;
      row[R_WRITE_CUT] = 0;
      return;
    case 'phases':
      // Each step says whether it stores; R_P0..R_P2 are set by the caller.
      row[R_PATTERN] = PATTERN_PHASES;
      row[R_WRITE_CUT] = 0;
      return;
    case 'splitmix_zipfian':
      row[R_PATTERN] = PATTERN_SEQUENCE;
      return;
  }
}

/** A pgbench task's generated regions: shared buffers, the database (read()), the WAL (write()). */
function withPgbenchRegions(task: TaskConfig, p: PgbenchPlan, pageSize: number): TaskConfig {
  const region = (r: Partial<RegionConfig>): RegionConfig => ({
    kind: 'file',
    offset: 0,
    access: 'read',
    advice: 'normal',
    weight: 1,
    pattern: { type: 'uniform' },
    write_fraction: 0,
    sync: 'none',
    prefault: false,
    ...r,
  });
  return {
    ...task,
    regions: [
      // PostgreSQL's shared buffers are shared memory (mmap MAP_SHARED|MAP_ANONYMOUS).
      region({ kind: 'shmem', access: 'mmap', size: p.bufferPages * pageSize }),
      region({ file: `${task.name}.db` }),
      // COMMIT: the WAL record's write(), then (synchronous_commit) XLogFlush's fdatasync.
      region({
        file: `${task.name}.wal`,
        write_fraction: 1,
        sync: task.pgbench?.synchronous_commit === 'on' ? 'fdatasync' : 'none',
      }),
    ],
  };
}
