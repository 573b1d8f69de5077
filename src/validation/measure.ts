/**
 * Runs one validation case and measures what the kernel's runs recorded: the vmstat deltas,
 * the workload's pages per node at the end (from the page table, as the program's move_pages
 * query), the page cache per node, data-disk sectors read. The run stops at the end of the epoch
 * in which every program has ended, as the kernel's `end` snapshot was taken right after the
 * workload's last phase.
 */
import { readFileSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import { parseConfigText, type LoadedConfig } from '../config/load.js';
import { runInline } from '../engine/inline.js';
import { collectResult } from '../engine/results.js';
import { createSimulation } from '../engine/simulation.js';
import { frameNode } from '../memory/frames.js';
import { CPU_WORDS, C_CURSOR, C_FILL } from '../memory/layout.js';
import type { SimState } from '../memory/state.js';
import { PATTERN_PHASES, PATTERN_SEQUENCE, REGION_WORDS, R_P1, R_PATTERN } from '../workload/plan.js';
import { STEP_STRIDE } from '../workload/phases.js';
import { ConfigError } from '../util/errors.js';

/**
 * Keys a case may write for a kernel mechanism tiersim lacks. `required`: without it the case
 * means nothing (MGLRU), so an unknown key makes the case "not modelled yet". `optional`: the
 * kernel detail it names does not change what tiersim does today (tiersim reads one page per
 * random miss; it scans every task), so the key is dropped and the case runs, with a note.
 */
export const REQUIRED_KEYS = [/^kernel\.lru_gen/];
export const OPTIONAL_KEYS = [/\.advice$/, /\.policy\.flags$/];

export type Loaded =
  { status: 'ok'; loaded: LoadedConfig; notes: string[] } | { status: 'not-modelled'; reason: string };

function parsePath(path: string): (string | number)[] {
  return path
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * A case's top-level `set:` (path: value), applied after its includes as `--set` would: what
 * one boot measured differently from the shared machine file (whose node list a case could
 * otherwise only replace whole).
 */
function caseOverrides(text: string): { text: string; set: string[] } {
  const doc = parseDocument(text);
  const set = doc.get('set', true);
  if (set === undefined) return { text, set: [] };
  if (!isMap(set)) throw new Error("a case's `set:` is a mapping of config paths to values");
  const out = Object.entries(set.toJSON() as Record<string, unknown>).map(
    ([k, v]) => `${k}=${JSON.stringify(v)}`,
  );
  doc.delete('set');
  return { text: doc.toString(), set: out };
}

/** Loads a case config, dropping optional unknown keys and detecting unmodelled mechanisms. */
export function loadCase(file: string): Loaded {
  const overrides = caseOverrides(readFileSync(file, 'utf8'));
  let text = overrides.text;
  const notes: string[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return { status: 'ok', loaded: parseConfigText(text, file, { set: overrides.set }), notes };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const unknown = error.problems.filter((p) => p.code === 'UNKNOWN_KEY');
      if (unknown.length !== error.problems.length) throw error;
      const required = unknown.find((p) => REQUIRED_KEYS.some((r) => r.test(p.path)));
      if (required !== undefined)
        return { status: 'not-modelled', reason: `${required.path} unknown to tiersim` };
      const optional = unknown.filter((p) => OPTIONAL_KEYS.some((r) => r.test(p.path)));
      if (optional.length !== unknown.length) throw error;
      const doc = parseDocument(text);
      for (const p of optional) {
        doc.deleteIn(parsePath(p.path));
        notes.push(`${p.path} not modelled (ignored)`);
      }
      text = doc.toString();
    }
  }
  throw new Error(`${file}: could not drop the optional keys`);
}

/** True once every CPU's phases program or sequence has ended and its last batch is consumed. */
export function programsEnded(s: SimState): boolean {
  const table = s.plan.regionTable;
  for (const task of s.plan.tasks) {
    // Regions of weight 0 are prefaulted only; a task with no accessed region idles from the start.
    if (task.accessedRegions === 0) continue;
    if (task.accessedRegions !== 1) return false;
    const rb = task.firstRegion * REGION_WORDS;
    const pattern = table[rb + R_PATTERN];
    for (const cpu of task.cpus) {
      const pos = s.seqPos[cpu * s.layout.maxRegionsPerTask];
      const cw = cpu * CPU_WORDS;
      if (s.cpuWords[cw + C_CURSOR] < s.cpuWords[cw + C_FILL]) return false;
      if (pattern === PATTERN_PHASES) {
        if (Math.floor(pos / STEP_STRIDE) < table[rb + R_P1]) return false;
      } else if (pattern === PATTERN_SEQUENCE) {
        if (pos < table[rb + R_P1]) return false;
      } else {
        return false;
      }
    }
  }
  return true;
}

export interface Measured {
  metrics: Record<string, number>;
  /** Simulated seconds until the programs ended. */
  finished: boolean;
  wallMs: number;
}

/** The first task's first region's pages per node (0..3) and swapped out, as move_pages would see them. */
function placement(s: SimState, first: number, count: number): { nodes: number[]; swapped: number } {
  const nodes = new Array<number>(s.layout.nodes).fill(0);
  let swapped = 0;
  for (let p = first; p < first + count; p++) {
    const e = s.pte[p];
    if (e > 0) nodes[frameNode(s, e - 1)]++;
    else if (e < 0) swapped++;
  }
  return { nodes, swapped };
}

export async function measureCase(loaded: LoadedConfig, hotPages = 0): Promise<Measured> {
  const start = process.hrtime.bigint();
  const sim = createSimulation(loaded.config);
  let finished = false;
  await runInline(sim, {
    afterEpoch: () => {
      finished = programsEnded(sim.s);
      return !finished;
    },
  });
  const result = collectResult(sim, { loaded, wall: undefined, stoppedBy: null, fromSnapshot: false });
  const v = result.vmstat;
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(v)) metrics[name] = value;
  metrics.pgdemote = (v.pgdemote_kswapd ?? 0) + (v.pgdemote_direct ?? 0);
  metrics.allocstall = Object.entries(v)
    .filter(([k]) => k.startsWith('allocstall_'))
    .reduce((a, [, x]) => a + x, 0);
  metrics.workload_s = (result.epochs_run * result.epoch_ns) / 1e9;
  const disk = result.block[sim.s.params.disk.name];
  metrics.data_read_sectors = disk?.read_sectors ?? 0;
  // The workload's page tables (kernel/pgtable.ts), as the importer's end - before.
  metrics.pagetables_kB = 0;
  for (const node of result.nodes) {
    metrics[`pagetables_node${node.id}_kB`] = node.meminfo.PageTables ?? 0;
    metrics.pagetables_kB += node.meminfo.PageTables ?? 0;
    metrics[`end_node${node.id}_file_MiB`] = (node.meminfo.FilePages ?? 0) / 1024;
    metrics[`end_node${node.id}_anon_MiB`] = (node.meminfo.AnonPages ?? 0) / 1024;
  }
  const region = sim.s.plan.tasks[0]?.regions[0];
  if (region !== undefined && region.kind === 'anon') {
    const all = placement(sim.s, region.firstPage, region.pages);
    all.nodes.forEach((n, i) => (metrics[`region_pages_node${i}_end`] = n));
    metrics.region_pages_swapped_end = all.swapped;
    if (hotPages > 0) metrics.hot_pages_node0_end = placement(sim.s, region.firstPage, hotPages).nodes[0]!;
  }
  return { metrics, finished, wallMs: Number(process.hrtime.bigint() - start) / 1e6 };
}
