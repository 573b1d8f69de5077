/**
 * Semantic checks: rules the schema cannot express because they relate several values (node ids
 * against the node count, CPU ids against the machine, regions against files, actions against
 * tasks). They run on the parsed config, so units are already numbers and defaults filled in;
 * the locator places each problem at the value written in a file, or at the nearest object that
 * holds a defaulted one.
 */
import type { ConfigErrorCode, ConfigProblem, SourceLocation } from '../util/errors.js';
import {
  versionAtLeast,
  type Config,
  type NodeConfig,
  type RegionConfig,
  type TaskConfig,
  type WorkloadConfig,
} from './schema.js';
import { checkLimits } from './limits.js';
import type { ConfigLocator } from './source-map.js';
import { formatBytes, formatDuration } from './units.js';
import { pageblockPages } from '../util/pageblock.js';
import { MAX_STEP_ACCESSES } from '../workload/phases.js';

/** Every semantic problem of `config`, in check order (topology, run, workload). */
export function validateSemantics(config: Config, locator: ConfigLocator): ConfigProblem[] {
  const out = new Problems(locator);
  checkNodes(config, out);
  checkDistances(config, out);
  checkRun(config, out);
  checkKernel(config, out);
  if (config.workload !== undefined) checkWorkload(config, config.workload, out);
  checkLimits(config, (code, path, message) => out.add(code, path, message));
  return out.list;
}

/** Collects problems, locating each by path. */
class Problems {
  readonly list: ConfigProblem[] = [];
  readonly locator: ConfigLocator;

  constructor(locator: ConfigLocator) {
    this.locator = locator;
  }

  add(code: ConfigErrorCode, path: string, message: string): void {
    this.list.push({ code, path, message, location: this.locator.locateNearest(path) });
  }

  /** "file:line:col (path)" of another value, for errors that involve two places. */
  where(path: string): string {
    return `${showLoc(this.locator.locateNearest(path))} (${path})`;
  }
}

function showLoc(l: SourceLocation): string {
  return `${l.file}:${l.line}:${l.col}`;
}

// ---------------------------------------------------------------------------------------------
// Topology
// ---------------------------------------------------------------------------------------------

function checkNodes(config: Config, out: Problems): void {
  const { nodes, page_size: pageSize } = config.topology;
  const n = nodes.length;
  const firstUse = new Map<number, number>();
  nodes.forEach((node, i) => {
    const at = `topology.nodes[${i}]`;
    const prev = firstUse.get(node.id);
    if (prev !== undefined) {
      out.add(
        'INCONSISTENT',
        `${at}.id`,
        `node id ${node.id} is used twice (also at ${out.where(`topology.nodes[${prev}].id`)}); ids must be 0..${n - 1}, each once`,
      );
    } else {
      firstUse.set(node.id, i);
    }
    if (node.id >= n) {
      const missing = range(n).filter((id) => !nodes.some((x) => x.id === id));
      out.add(
        'OUT_OF_RANGE',
        `${at}.id`,
        `node id ${node.id} leaves a gap: with ${n} node(s) the ids must be 0..${n - 1}, each once (missing: ${missing.join(', ')})`,
      );
    }
    if (node.memory < pageSize) {
      out.add(
        'OUT_OF_RANGE',
        `${at}.memory`,
        `expected at least one page (${formatBytes(pageSize)}), received ${formatBytes(node.memory)}`,
      );
    }
    checkUnmovablePool(node, at, pageSize, out);
    const w = node.watermarks;
    if (w !== undefined) {
      const order: [string, number | undefined][] = [
        ['min', w.min],
        ['low', w.low],
        ['high', w.high],
        ['promo', w.promo],
      ];
      for (let k = 1; k < order.length; k++) {
        const [lo, loV] = order[k - 1] ?? ['', 0];
        const [hi, hiV] = order[k] ?? ['', 0];
        if (loV !== undefined && hiV !== undefined && loV > hiV) {
          out.add(
            'INCONSISTENT',
            `${at}.watermarks.${hi}`,
            `watermarks must satisfy min <= low <= high <= promo, received ${lo} ${loV} > ${hi} ${hiV}`,
          );
        }
      }
    }
  });
  if (!(Number.isInteger(Math.log2(pageSize)) && pageSize >= 4096)) {
    out.add(
      'INVALID_VALUE',
      'topology.page_size',
      `expected a power of two >= 4KiB, received ${pageSize} bytes`,
    );
  }
}

/** unmovable_pageblocks must hold unmovable_free_pages: at most a pageblock each, at least one. */
function checkUnmovablePool(node: NodeConfig, at: string, pageSize: number, out: Problems): void {
  const blocks = node.unmovable_pageblocks;
  if (blocks === undefined) return;
  const free = node.unmovable_free_pages;
  if (typeof free !== 'number') {
    out.add(
      'INCONSISTENT',
      `${at}.unmovable_pageblocks`,
      'needs a number of unmovable_free_pages to spread over the pageblocks (auto lays out its own two)',
    );
    return;
  }
  const perBlock = pageblockPages(pageSize);
  if (blocks * perBlock < free || blocks > free) {
    out.add(
      'OUT_OF_RANGE',
      `${at}.unmovable_pageblocks`,
      `expected ${Math.ceil(free / perBlock)}..${free} pageblocks for ${free} free pages (${perBlock} pages per pageblock, at least one free page each), received ${blocks}`,
    );
  }
}

function checkDistances(config: Config, out: Problems): void {
  const d = config.topology.distances;
  if (d === undefined) return;
  const n = config.topology.nodes.length;
  if (d.length !== n) {
    out.add(
      'INCONSISTENT',
      'topology.distances',
      `expected a ${n}x${n} matrix (one row per node), received ${d.length} row(s)`,
    );
  }
  d.forEach((row, i) => {
    if (row.length !== n) {
      out.add(
        'INCONSISTENT',
        `topology.distances[${i}]`,
        `expected ${n} column(s) (one per node; the matrix must be ${n}x${n}), received ${row.length}`,
      );
    }
    row.forEach((v, j) => {
      const at = `topology.distances[${i}][${j}]`;
      if (i === j) {
        if (v !== 10)
          out.add('INVALID_VALUE', at, `the local distance (diagonal) must be exactly 10, received ${v}`);
      } else if (v < 10) {
        out.add('OUT_OF_RANGE', at, `distance below 10: remote distances must be 11..254, received ${v}`);
      } else if (v === 10 || v > 254) {
        out.add(
          'OUT_OF_RANGE',
          at,
          `remote distances must be 11..254 (10 is local, 255 unreachable), received ${v}`,
        );
      }
    });
  });
}

/** CPU ids of each node, numbered node by node in id order (node 0's CPUs first). */
export function cpuIdsByNode(config: Config): Map<number, number[]> {
  const byNode = new Map<number, number[]>();
  let next = 0;
  for (const node of [...config.topology.nodes].sort((a, b) => a.id - b.id)) {
    byNode.set(
      node.id,
      range(node.cpus).map((k) => next + k),
    );
    next += node.cpus;
  }
  return byNode;
}

/** "0..7 (node 0: 0..3, node 1: 4..7, node 2: none)", for errors that must say which CPUs exist. */
function describeCpus(byNode: Map<number, number[]>, total: number): string {
  if (total === 0) return 'this machine has no CPUs (every node has cpus: 0)';
  const span = (ids: number[]): string =>
    ids.length === 0 ? 'none' : ids.length === 1 ? `${ids[0]}` : `${ids[0]}..${ids[ids.length - 1]}`;
  const parts = [...byNode].map(([nid, ids]) => `node ${nid}: ${span(ids)}`);
  return `CPU ids on this machine are 0..${total - 1} (${parts.join(', ')})`;
}

// ---------------------------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------------------------

function checkKernel(config: Config, out: Problems): void {
  const k = config.kernel;
  if ((k.numa_balancing & 2) !== 0 && !versionAtLeast(k.version, '5.18')) {
    out.add(
      'INCONSISTENT',
      'kernel.numa_balancing',
      `NUMA_BALANCING_MEMORY_TIERING (2) needs kernel 5.18 or later; kernel.version is ${k.version}`,
    );
  }
  if (k.lru_gen !== undefined && !versionAtLeast(k.version, '6.1')) {
    out.add(
      'INCONSISTENT',
      'kernel.lru_gen',
      `the multi-gen LRU (lru_gen) exists from kernel 6.1; kernel.version is ${k.version}`,
    );
  }
  if (k.promotion_patches !== undefined && k.promotion_patches > 0 && !versionAtLeast(k.version, '6.1')) {
    out.add(
      'INCONSISTENT',
      'kernel.promotion_patches',
      `the hot-page selection series is 6.1 code (6.0 has none of it); kernel.version is ${k.version}`,
    );
  }
}

function checkRun(config: Config, out: Problems): void {
  const { epoch, duration, sample_interval: sample } = config.run;
  if (duration <= 0) {
    out.add('OUT_OF_RANGE', 'run.duration', `expected a duration > 0, received ${formatDuration(duration)}`);
  } else if (epoch <= 0) {
    out.add('OUT_OF_RANGE', 'run.epoch', `expected a duration > 0, received ${formatDuration(epoch)}`);
  } else if (epoch > duration) {
    out.add(
      'INCONSISTENT',
      'run.epoch',
      `the epoch (${formatDuration(epoch)}) is longer than the run duration (${formatDuration(duration)})`,
    );
  }
  if (sample !== undefined && sample < epoch) {
    out.add(
      'INCONSISTENT',
      'run.sample_interval',
      `expected at least one epoch (${formatDuration(epoch)}), received ${formatDuration(sample)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Workload
// ---------------------------------------------------------------------------------------------

function checkWorkload(config: Config, workload: WorkloadConfig, out: Problems): void {
  const byNode = cpuIdsByNode(config);
  const total = config.topology.nodes.reduce((s, n) => s + n.cpus, 0);
  if (total === 0) {
    out.add(
      'INCONSISTENT',
      'topology.nodes',
      'a workload needs at least one node with CPUs; every node has cpus: 0',
    );
  }
  checkUnique(
    workload.files.map((f) => f.name),
    (i) => `workload.files[${i}].name`,
    'file',
    out,
  );
  checkUnique(
    workload.tasks.map((t) => t.name),
    (i) => `workload.tasks[${i}].name`,
    'task',
    out,
  );

  const cpuUser = new Map<number, string>();
  workload.tasks.forEach((task, t) => {
    const at = `workload.tasks[${t}]`;
    if (task.cpus.length === 0) {
      out.add(
        'BAD_REFERENCE',
        `${at}.cpus`,
        `task "${task.name}" has no CPUs; ${describeCpus(byNode, total)}`,
      );
    }
    task.cpus.forEach((cpu, k) => {
      const cpuPath = `${at}.cpus[${k}]`;
      if (cpu >= total) {
        out.add('BAD_REFERENCE', cpuPath, `CPU ${cpu} does not exist; ${describeCpus(byNode, total)}`);
        return;
      }
      const prev = cpuUser.get(cpu);
      if (prev !== undefined) {
        out.add(
          'INCONSISTENT',
          cpuPath,
          `CPU ${cpu} is already used at ${out.where(prev)}; one thread per CPU`,
        );
      } else {
        cpuUser.set(cpu, cpuPath);
      }
    });
    task.regions.forEach((region, r) => {
      checkRegion(region, `${at}.regions[${r}]`, workload, out);
      checkProgram(config, task, r, `${at}.regions[${r}]`, out);
      checkUnaccessed(task, r, `${at}.regions[${r}]`, out);
      checkWritten(task, r, `${at}.regions[${r}]`, out);
    });
    checkTaskMemory(config, task, at, out);
    const page = config.topology.page_size;
    if (task.read_copy % 64 !== 0 || task.read_copy < 64 || task.read_copy > page) {
      out.add(
        'INCONSISTENT',
        `${at}.read_copy`,
        `expected whole cache lines (a multiple of 64 B, at least 64 B) up to the page size (${page} B), received ${task.read_copy} B`,
      );
    }
  });

  workload.actions.forEach((action, a) => {
    const at = `workload.actions[${a}]`;
    const task = workload.tasks.find((t) => t.name === action.task);
    if (task === undefined) {
      out.add(
        'BAD_REFERENCE',
        `${at}.task`,
        `no task named "${action.task}" (tasks: ${names(workload.tasks)})`,
      );
    } else if (action.region >= task.regions.length) {
      out.add(
        'BAD_REFERENCE',
        `${at}.region`,
        `task "${task.name}" has ${task.regions.length} region(s) (indices 0..${task.regions.length - 1}), received ${action.region}`,
      );
    }
    if (action.start >= action.end) {
      out.add('INCONSISTENT', `${at}.end`, `expected end > start (${action.start}), received ${action.end}`);
    }
    if (action.at >= config.run.duration) {
      out.add(
        'INCONSISTENT',
        `${at}.at`,
        `the action at ${formatDuration(action.at)} would never run: the run lasts ${formatDuration(config.run.duration)}`,
      );
    }
  });
}

/** Regions vs pgbench, and the memory policy's and cpuset's node lists. */
function checkTaskMemory(config: Config, task: TaskConfig, at: string, out: Problems): void {
  if (task.pgbench === undefined && task.regions.length === 0) {
    out.add(
      'MISSING_KEY',
      `${at}.regions`,
      `task "${task.name}" needs at least one region (or a pgbench block)`,
    );
  }
  if (task.pgbench !== undefined && task.regions.length > 0) {
    out.add(
      'INCONSISTENT',
      `${at}.regions`,
      `task "${task.name}" is a pgbench run: its regions are generated, remove these`,
    );
  }
  const n = config.topology.nodes.length;
  const checkNodeList = (list: readonly number[], path: string) =>
    list.forEach((nid, i) => {
      if (nid >= n)
        out.add('BAD_REFERENCE', `${path}[${i}]`, `node ${nid} does not exist (nodes 0..${n - 1})`);
    });
  const { mode, nodes } = task.policy;
  checkNodeList(nodes, `${at}.policy.nodes`);
  if (mode === 'default' && nodes.length > 0) {
    out.add(
      'INCONSISTENT',
      `${at}.policy.nodes`,
      'the default policy takes no nodes (use bind, preferred or interleave)',
    );
  }
  if (mode !== 'default' && nodes.length === 0) {
    out.add('MISSING_KEY', `${at}.policy.nodes`, `policy ${mode} needs a list of nodes`);
  }
  if (mode === 'preferred' && nodes.length > 1) {
    out.add(
      'INCONSISTENT',
      `${at}.policy.nodes`,
      `policy preferred takes one node, received ${nodes.length}`,
    );
  }
  if (task.policy.flags.includes('numa_balancing') && mode !== 'bind') {
    // sanitize_mpol_flags(): MPOL_F_NUMA_BALANCING with any other mode is -EINVAL.
    out.add(
      'INCONSISTENT',
      `${at}.policy.flags`,
      `numa_balancing (MPOL_F_NUMA_BALANCING) is accepted with mode bind only; set_mempolicy fails with EINVAL for ${mode}`,
    );
  }
  if (task.cpuset_mems !== undefined) {
    checkNodeList(task.cpuset_mems, `${at}.cpuset_mems`);
    if (task.cpuset_mems.length === 0)
      out.add('INCONSISTENT', `${at}.cpuset_mems`, 'a cpuset needs at least one memory node');
    const allowed = new Set(task.cpuset_mems);
    if (mode !== 'default' && nodes.length > 0 && !nodes.some((nid) => allowed.has(nid))) {
      out.add(
        'INCONSISTENT',
        `${at}.policy.nodes`,
        `no node of the policy is in cpuset_mems [${task.cpuset_mems.join(', ')}]`,
      );
    }
  }
}

function checkRegion(region: RegionConfig, at: string, workload: WorkloadConfig, out: Problems): void {
  if (region.size !== undefined && region.size <= 0) {
    out.add('OUT_OF_RANGE', `${at}.size`, `expected a size > 0, received ${region.size}`);
  }
  if (region.kind !== 'file') {
    if (region.size === undefined)
      out.add('MISSING_KEY', at, `missing required key "size"; an ${region.kind} region needs a size`);
    // offset and access have defaults, so only the source says whether they were written.
    for (const key of ['file', 'offset', 'access', 'sync'] as const) {
      if (out.locator.has(`${at}.${key}`)) {
        out.add(
          'INVALID_VALUE',
          `${at}.${key}`,
          `"${key}" is only for file regions (kind: file); this region is ${region.kind}`,
        );
      }
    }
    return;
  }
  // fdatasync follows a write() system call: a store through a mapping would be msync's.
  if (region.sync !== 'none' && region.access !== 'read') {
    out.add(
      'INVALID_VALUE',
      `${at}.sync`,
      `sync: ${region.sync} follows write() calls: it needs access: read (this region is mapped, access: ${region.access})`,
    );
  }
  if (region.file === undefined) {
    out.add('MISSING_KEY', at, 'missing required key "file"; a file region names a file from workload.files');
    return;
  }
  const file = workload.files.find((f) => f.name === region.file);
  if (file === undefined) {
    const known = workload.files.length === 0 ? 'workload.files is empty' : `files: ${names(workload.files)}`;
    out.add('BAD_REFERENCE', `${at}.file`, `no file named "${region.file}" (${known})`);
    return;
  }
  if (region.size === undefined) {
    if (region.offset >= file.size) {
      out.add(
        'OUT_OF_RANGE',
        `${at}.offset`,
        `offset ${formatBytes(region.offset)} is at or past the end of file "${file.name}" (${formatBytes(file.size)})`,
      );
    }
  } else if (region.offset + region.size > file.size) {
    out.add(
      'OUT_OF_RANGE',
      `${at}.size`,
      `the region exceeds its file: offset ${formatBytes(region.offset)} + size ${formatBytes(region.size)} > size of file "${file.name}" (${formatBytes(file.size)})`,
    );
  }
}

/**
 * A region of weight 0 is only touched by its prefault, so it needs one; it comes after every
 * accessed region (the generator draws among a task's leading accessed regions only).
 */
function checkUnaccessed(task: TaskConfig, r: number, at: string, out: Problems): void {
  const region = task.regions[r];
  if (region.weight > 0) {
    if (task.regions.slice(0, r).some((earlier) => earlier.weight === 0)) {
      out.add(
        'INCONSISTENT',
        `${at}.weight`,
        `task "${task.name}": regions of weight 0 (touched by prefault only) come after the accessed ones`,
      );
    }
    return;
  }
  if (!region.prefault) {
    out.add(
      'INCONSISTENT',
      `${at}.weight`,
      `a region of weight 0 is never accessed: set prefault: true (it is then touched once, before the run), or give it a weight`,
    );
  }
}

/** prefault: 'written' is a tmpfs file's write(): shmem only, and never mapped, so never accessed. */
function checkWritten(task: TaskConfig, r: number, at: string, out: Problems): void {
  const region = task.regions[r];
  if (region.prefault !== 'written') return;
  if (region.kind !== 'shmem') {
    out.add(
      'INCONSISTENT',
      `${at}.prefault`,
      `prefault: written writes the pages into a tmpfs file: only a shmem region can be written that way (this one is ${region.kind}); use prefault: true`,
    );
  } else if (region.weight > 0) {
    out.add(
      'INCONSISTENT',
      `${at}.prefault`,
      `prefault: written leaves the pages unmapped, so the task cannot access them: give the region weight: 0, or use prefault: true`,
    );
  }
}

/** A `phases` program or a `splitmix_zipfian` sequence: alone in its task, ranges inside the region. */
function checkProgram(config: Config, task: TaskConfig, r: number, at: string, out: Problems): void {
  const region = task.regions[r];
  const pattern = region.pattern;
  if (pattern.type !== 'phases' && pattern.type !== 'splitmix_zipfian') return;
  // Regions of weight 0 are only prefaulted: they do not share the program's accesses.
  const accessed = task.regions.filter((other) => other.weight > 0).length;
  if (accessed > 1) {
    out.add(
      'INCONSISTENT',
      `${at}.pattern.type`,
      `a ${pattern.type} pattern is a whole program: it must be the only accessed region of task "${task.name}" (it has ${accessed}; regions of weight 0 may follow it)`,
    );
  }
  if (pattern.type !== 'phases') return;
  const pageSize = config.topology.page_size;
  const file = config.workload?.files.find((f) => f.name === region.file);
  const bytes = region.size ?? (file === undefined ? undefined : file.size - region.offset);
  if (bytes === undefined) return;
  const pages = Math.max(1, Math.floor(bytes / pageSize));
  pattern.steps.forEach((step, i) => {
    const sp = `${at}.pattern.steps[${i}]`;
    const end = step.end ?? pages;
    if (end > pages) {
      out.add('OUT_OF_RANGE', `${sp}.end`, `the region has ${pages} pages, received end ${end}`);
    } else if (step.start >= end) {
      out.add('INCONSISTENT', `${sp}.start`, `expected start < end (${end}), received ${step.start}`);
    } else if (step.duration === undefined && step.passes * (end - step.start) > MAX_STEP_ACCESSES) {
      out.add('OUT_OF_RANGE', `${sp}.passes`, `passes × pages must stay below 2^40, received ${step.passes}`);
    }
    if (step.duration !== undefined && out.locator.has(`${sp}.passes`)) {
      out.add('INCONSISTENT', `${sp}.passes`, 'a step takes passes or duration, not both');
    }
    if (step.duration !== undefined && step.duration <= 0) {
      out.add('OUT_OF_RANGE', `${sp}.duration`, 'expected a duration > 0');
    }
  });
  if (pattern.loop_from !== undefined && pattern.loop_from >= pattern.steps.length) {
    out.add(
      'BAD_REFERENCE',
      `${at}.pattern.loop_from`,
      `there are ${pattern.steps.length} steps (indices 0..${pattern.steps.length - 1}), received ${pattern.loop_from}`,
    );
  }
}

function checkUnique(values: string[], pathOf: (i: number) => string, what: string, out: Problems): void {
  const first = new Map<string, number>();
  values.forEach((v, i) => {
    const prev = first.get(v);
    if (prev === undefined) first.set(v, i);
    else
      out.add(
        'INCONSISTENT',
        pathOf(i),
        `${what} name "${v}" is used twice (also at ${out.where(pathOf(prev))})`,
      );
  });
}

function names(items: readonly (TaskConfig | { name: string })[]): string {
  return items.map((x) => `"${x.name}"`).join(', ');
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
