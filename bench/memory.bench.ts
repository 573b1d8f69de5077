/**
 * Question: how many bytes of memory does tiersim need per simulated frame (and per simulated
 * page), and how much shared memory would the full-size Example A machine need?
 *
 * Three answers, in three tables (a plain script: nothing here is timed):
 *
 *  1. Declared: the layout's bytesPerFrame() and bytesPerPage() (src/memory/layout.ts), checked
 *     against the byte sizes allocateBuffers() actually gives each buffer (which buffers grow
 *     with frames, which with pages; "other" ones grow with CPUs or nodes, or are sized from the
 *     costs, like the rings: fault_batch_max, epoch / reclaim_scan_per_page).
 *  2. Measured: RSS growth of this process when a 16 M-frame (64 GiB) DRAM node is fully faulted
 *     in: one CPU, fixed watermarks min 16 / low 32 / high 64 (so kswapd never wakes), one anon
 *     region of 16 M - 64 pages faulted in through the simulator's own epochs (sequential pattern).
 *     Shared buffers are mmap'd zero pages until touched, so RSS grows only as frames are used;
 *     "RSS / frame" = (RSS after - RSS before) / frames faulted. It includes the page table
 *     (4 B per page) and any JS heap growth, which is shown separately.
 *  3. The full-size machine (configs/topologies/two-socket-optane-full.yaml: 2 x 192 GiB DRAM +
 *     2 x 768 GiB PMEM, 48 CPUs) with a workload whose address space equals all of its memory
 *     (one anon region of 1920 GiB): the byte size of every buffer planSimulation allocates.
 *     The SharedArrayBuffers are created at full size (lazy: nothing is touched), so the sizes
 *     are the real ones, not a formula.
 *
 * Reading the result: compare "RSS / frame" with the declared 16 + 4 B; the full-size total is
 * what one simulation of that machine would hold in RAM once every frame and page is in use
 * (this machine has 24 GiB, no swap).
 *
 * Run: npx tsx bench/memory.bench.ts [--frames N]   (default 16777216)
 */
import path from 'node:path';
import { parseConfigText } from '../src/config/load.js';
import { planSimulation } from '../src/engine/simulation.js';
import { bytesPerFrame, bytesPerPage, type StateBuffers, type StateLayout } from '../src/memory/layout.js';
import { REPO_ROOT, argValue, printHeader } from './lib/env.js';
import { counter, prefaultRegion, simulationFromYaml } from './lib/sim.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** What each buffer's size is proportional to, for the per-frame / per-page split. */
function scaleOf(name: keyof StateBuffers): 'frames' | 'pages' | 'other' {
  if (
    [
      'framePage',
      'frameFlags',
      'frameYoung',
      'frameDirty',
      'frameAccessed',
      'frameScanMs',
      'lruPrev',
      'lruNext',
    ].includes(name)
  )
    return 'frames';
  if (name === 'pte') return 'pages';
  return 'other';
}

function bufferTable(layout: StateLayout, buffers: StateBuffers) {
  const rows = (Object.entries(buffers) as [keyof StateBuffers, SharedArrayBuffer][]).map(([name, sab]) => {
    const scale = scaleOf(name);
    const per =
      scale === 'frames'
        ? sab.byteLength / layout.totalFrames
        : scale === 'pages'
          ? sab.byteLength / Math.max(1, layout.pages)
          : undefined;
    return {
      buffer: name,
      'grows with': scale,
      bytes: sab.byteLength,
      'bytes per unit': per?.toFixed(2) ?? '',
    };
  });
  const sum = (scale: string) =>
    rows.filter((r) => r['grows with'] === scale).reduce((s, r) => s + r.bytes, 0);
  return { rows, frames: sum('frames'), pages: sum('pages'), other: sum('other') };
}

function fmtBytes(b: number): string {
  return b >= GiB ? `${(b / GiB).toFixed(2)} GiB` : `${(b / MiB).toFixed(1)} MiB`;
}

printHeader('memory: bytes per simulated frame and page');
const frames = Number(argValue('--frames') ?? 1 << 24);

// 1 + 2: a node of `frames` frames, fully faulted in.
const regionPages = frames - 64;
const rss0 = process.memoryUsage();
const sim = simulationFromYaml(`
topology:
  nodes:
    - { id: 0, cpus: 1, memory: ${frames * 4096}, device: dram, watermarks: { min: 16, low: 32, high: 64 } }
costs: { minor_fault: 100ns, fault_batch_max: 1048576 }
run: { epoch: 100ms, duration: 1000s }
workload:
  tasks:
    - { name: fill, cpus: [0], regions: [{ kind: anon, size: ${regionPages * 4096}, pattern: { type: sequential } }] }
`);
const small = bufferTable(sim.spec.layout, sim.spec.buffers);
const before = process.memoryUsage();
const t0 = process.hrtime.bigint();
prefaultRegion(sim, 0);
const fillS = Number(process.hrtime.bigint() - t0) / 1e9;
const after = process.memoryUsage();
const faulted = counter(sim, 'pgfault');
if (faulted !== regionPages) throw new Error(`expected ${regionPages} faults, got ${faulted}`);

console.log('\n## declared by the layout vs allocated (this node)');
console.table(small.rows);
console.table([
  {
    'bytesPerFrame()': bytesPerFrame(),
    'bytesPerPage()': bytesPerPage(),
    'allocated frame columns / frame': (small.frames / sim.spec.layout.totalFrames).toFixed(2),
    'allocated page table / page': (small.pages / sim.spec.layout.pages).toFixed(2),
    'other buffers': fmtBytes(small.other),
  },
]);

console.log(
  `\n## measured: ${faulted} frames faulted in (${(faulted / MiB).toFixed(2)} Mi) in ${fillS.toFixed(1)} s`,
);
const rssDelta = after.rss - before.rss;
console.table([
  {
    'RSS before (MiB)': (before.rss / MiB).toFixed(0),
    'RSS after (MiB)': (after.rss / MiB).toFixed(0),
    'RSS growth (MiB)': (rssDelta / MiB).toFixed(0),
    'RSS / frame (B)': (rssDelta / faulted).toFixed(2),
    'declared / frame (frame + page, B)': bytesPerFrame() + bytesPerPage(),
    'JS heap growth (MiB)': ((after.heapUsed - before.heapUsed) / MiB).toFixed(1),
    'RSS at start (MiB)': (rss0.rss / MiB).toFixed(0),
  },
]);

// 3: the full-size machine, buffers allocated at their real size and not touched.
const fullFile = path.join(REPO_ROOT, 'configs', 'experiments', 'bench-memory-full.yaml');
const fullYaml = `
include: ../topologies/two-socket-optane-full.yaml
workload:
  tasks:
    - { name: all, cpus: [0], regions: [{ kind: anon, size: 1920GiB, pattern: { type: uniform } }] }
`;
const full = planSimulation(parseConfigText(fullYaml, fullFile).config);
const fullTable = bufferTable(full.layout, full.buffers);
console.log(
  `\n## full-size machine (two-socket-optane-full.yaml): ${full.layout.nodes} nodes, ${full.layout.cpus} CPUs, ` +
    `${full.layout.totalFrames} frames (${fmtBytes(full.layout.totalFrames * 4096)}), ${full.layout.pages} pages`,
);
console.table(fullTable.rows.map((r) => ({ ...r, size: fmtBytes(r.bytes) })));
const fullTotal = fullTable.frames + fullTable.pages + fullTable.other;
console.table([
  {
    'frame columns': fmtBytes(fullTable.frames),
    'page table': fmtBytes(fullTable.pages),
    'other buffers': fmtBytes(fullTable.other),
    total: fmtBytes(fullTotal),
    'bytes / frame (all buffers)': (fullTotal / full.layout.totalFrames).toFixed(2),
    'RSS now (MiB, buffers untouched)': (process.memoryUsage().rss / MiB).toFixed(0),
  },
]);
