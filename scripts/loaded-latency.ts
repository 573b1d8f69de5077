/**
 * The loaded-latency curve of each memory tier, measured the way Intel's Memory Latency Checker
 * does (`mlc --loaded_latency`): many threads issue accesses to one node with a decreasing
 * injection delay between them, and each point reports the bandwidth they reach and the latency
 * they see. tiersim's curve (src/kernel/bandwidth.ts, topology.contention) is printed beside the
 * published figures of the same device.
 *
 *   npm run loaded-latency            # every tier, read-only and 2:1 read:write
 *   npm run loaded-latency -- --quick # fewer points
 *
 * Each point is a 2 ms simulation of 512 CPUs bound to the node under test.
 */
import { parseConfigText } from '../src/config/load.js';
import { runInline } from '../src/engine/inline.js';
import { collectResult } from '../src/engine/results.js';
import { createSimulation } from '../src/engine/simulation.js';

const CPUS = 512;

interface Published {
  idleReadNs: number;
  peakReadGBs: number;
  peakWriteGBs: number;
  source: string;
}

/** What the literature measured for the device each preset models (presets.ts cites them). */
const PUBLISHED: Record<'dram' | 'pmem', Published> = {
  dram: {
    idleReadNs: 81,
    peakReadGBs: 100,
    peakWriteGBs: 80,
    source: 'six DDR4-2666 channels (Izraelevitz et al. 2019: random load 81 ns)',
  },
  pmem: {
    idleReadNs: 305,
    peakReadGBs: 39.4,
    peakWriteGBs: 13.9,
    source: 'six interleaved Optane DC PMMs (Izraelevitz et al. 2019: 305 ns, 39.4 / 13.9 GB/s)',
  },
};

function config(device: 'dram' | 'pmem', delayNs: number, writeFraction: number): string {
  const cpus = Array.from({ length: CPUS }, (_, i) => i).join(', ');
  return `
topology:
  nodes:
    - { id: 0, cpus: ${CPUS}, memory: 64MiB, device: dram }
    - { id: 1, cpus: 0, memory: 64MiB, device: ${device} }
  contention: { enabled: true }
kernel: { version: '6.1', demotion_enabled: false }
run: { duration: 2ms, epoch: 50us, seed: 1 }
workload:
  tasks:
    - name: mlc
      cpus: [${cpus}]
      cpu_per_access: ${delayNs}ns
      policy: { mode: bind, nodes: [1] }
      regions:
        - { kind: anon, size: 32MiB, prefault: true, write_fraction: ${writeFraction} }
`;
}

interface Point {
  delayNs: number;
  gbs: number;
  latencyNs: number;
}

async function measure(device: 'dram' | 'pmem', delayNs: number, writeFraction: number): Promise<Point> {
  const loaded = parseConfigText(config(device, delayNs, writeFraction), `/virtual/${device}.yaml`);
  const sim = createSimulation(loaded.config);
  // The last half of the run: the curve's steady state, not the first epochs at idle latency.
  let bytesAtHalf = 0;
  let nsAtHalf = 0;
  let accessesAtHalf = 0;
  const half = Math.floor(sim.spec.epochs / 2);
  await runInline(sim, {
    afterEpoch: (done: number) => {
      if (done === half) {
        const r = collectResult(sim, { loaded, wall: undefined, stoppedBy: null, fromSnapshot: false });
        bytesAtHalf = r.nodes[1].vmstat.tiersim_mem_read_bytes + r.nodes[1].vmstat.tiersim_mem_write_bytes;
        nsAtHalf = r.nodes[0].vmstat.tiersim_memory_ns;
        accessesAtHalf = r.nodes[0].vmstat.tiersim_accesses;
      }
      return true;
    },
  });
  const r = collectResult(sim, { loaded, wall: undefined, stoppedBy: null, fromSnapshot: false });
  const seconds = ((sim.spec.epochs - half) * sim.spec.params.epochNs) / 1e9;
  const bytes =
    r.nodes[1].vmstat.tiersim_mem_read_bytes + r.nodes[1].vmstat.tiersim_mem_write_bytes - bytesAtHalf;
  const accesses = r.nodes[0].vmstat.tiersim_accesses - accessesAtHalf;
  const latency = (r.nodes[0].vmstat.tiersim_memory_ns - nsAtHalf) / accesses;
  return { delayNs, gbs: bytes / seconds / 1e9, latencyNs: latency };
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const delays = quick ? [20_000, 2_000, 500, 0] : [20_000, 8_000, 4_000, 2_000, 1_000, 500, 200, 0];
  for (const device of ['dram', 'pmem'] as const) {
    const pub = PUBLISHED[device];
    for (const [label, writeFraction, peak] of [
      ['reads', 0, pub.peakReadGBs],
      ['2:1 reads:writes', 1 / 3, 1 / (2 / 3 / pub.peakReadGBs + 1 / 3 / pub.peakWriteGBs)],
    ] as const) {
      process.stdout.write(
        `\n${device}, ${label} — published: idle ${pub.idleReadNs} ns, peak ${peak.toFixed(1)} GB/s (${pub.source})\n`,
      );
      process.stdout.write('  injection delay   bandwidth    latency   of peak   x idle\n');
      for (const d of delays) {
        const p = await measure(device, d, writeFraction);
        process.stdout.write(
          `  ${String(d).padStart(10)} ns  ${p.gbs.toFixed(1).padStart(6)} GB/s  ${p.latencyNs.toFixed(0).padStart(6)} ns  ${((100 * p.gbs) / peak).toFixed(0).padStart(5)} %  ${(p.latencyNs / pub.idleReadNs).toFixed(2).padStart(6)}\n`,
        );
      }
    }
  }
}

await main();
