/**
 * The access loop (workload/access-loop.ts) inlines two steps whose one definition lives
 * elsewhere: the node of a frame (memory/frames.ts frameNode: chunkNode[frame >>> frameShift],
 * itself a table of the layout's rule "node n owns [frameStart[n], frameStart[n] + managed[n])")
 * and the frame of a present entry (memory/pte.ts frameOfPte: e - 1). Each is checked against
 * its definition here:
 *
 * - frameNode against the ranges, for every frame of machines whose nodes are not powers of two
 *   (chunks padded) and differ in size (the smallest sets the chunk);
 * - the loop's copies by their effect: with every page of the task placed on node 1, every access
 *   the loop serves lands in column 1 of the access matrix (the loop's node lookup), and the
 *   PTE young bit it sets lands on exactly the frames frameOfPte names (the loop's e - 1).
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { accessPhase } from '../../src/engine/phases.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { frameNode } from '../../src/memory/frames.js';
import { frameOfPte } from '../../src/memory/pte.js';
import { place, range, scenario } from '../kernel/scenario.js';

const machine = (nodes: string) =>
  createSimulation(
    parseConfigText(
      `
topology:
  struct_page_size: 0
  memory_below_4g: 0
  nodes:
${nodes}
run: { duration: 1ms, epoch: 1ms }
workload: { tasks: [{ name: t, cpus: [0], regions: [{ kind: anon, size: 64KiB }] }] }
`,
      '/virtual/copies.yaml',
    ).config,
  );

describe('frameNode = the layout ranges', () => {
  for (const nodes of [
    `    - { id: 0, cpus: 1, memory: 3100KiB, device: dram }
    - { id: 1, cpus: 0, memory: 5MiB, device: pmem }
    - { id: 2, cpus: 0, memory: 1200KiB, device: cxl }`,
    `    - { id: 0, cpus: 1, memory: 300KiB, device: dram }
    - { id: 1, cpus: 1, memory: 7MiB, device: dram, socket: 1 }`,
  ]) {
    it(`every frame of ${nodes.split('\n').length} nodes`, () => {
      const s = machine(nodes).s;
      const l = s.layout;
      let owned = 0;
      for (let f = 0; f < l.totalFrames; f++) {
        let owner = -1;
        for (let n = 0; n < l.nodes; n++) {
          const end = n + 1 < l.nodes ? l.frameStart[n + 1] : l.totalFrames;
          if (f >= l.frameStart[n] && f < end) owner = n;
        }
        if (f < l.frameStart[owner] + l.managedPages[owner]) owned++;
        if (frameNode(s, f) !== owner)
          throw new Error(`frame ${f}: frameNode ${frameNode(s, f)}, range ${owner}`);
      }
      expect(owned).toBe(l.managedPages.reduce((a, b) => a + b, 0));
      // The chunks are padded: node 1 does not start right after node 0's managed pages.
      expect(l.frameStart[1]).toBeGreaterThan(l.managedPages[0]);
    });
  }
});

describe("the access loop's inlined steps", () => {
  it('serves every access of pages on node 1 from node 1 and marks young exactly their frames', () => {
    const sim = scenario({
      nodes: `    - { id: 0, cpus: 1, memory: 256KiB, device: dram, watermarks: { min: 4, low: 8, high: 12 } }
    - { id: 1, cpus: 0, memory: 1MiB, device: pmem, watermarks: { min: 4, low: 8, high: 12 } }`,
    });
    const s = sim.s;
    place(sim, range(0, 128), 1);
    accessPhase(sim, 0, 0);
    const nodes = s.layout.nodes;
    const served = s.accessMatrix[0 * nodes + 1];
    expect(served).toBeGreaterThan(1000);
    expect(s.accessMatrix[0 * nodes + 0]).toBe(0);
    const youngFrames = new Set<number>();
    for (let f = 0; f < s.layout.totalFrames; f++) if ((s.frameYoung[f] & 1) !== 0) youngFrames.add(f);
    const mapped = new Set(range(0, 128).map((p) => frameOfPte(s.pte[p])));
    expect(youngFrames.size).toBeGreaterThan(0);
    for (const f of youngFrames) expect(mapped.has(f), `frame ${f} marked young holds no page`).toBe(true);
    for (const f of youngFrames) expect(frameNode(s, f)).toBe(1);
  });

  it("node 0 full to its last frame (63, the one before node 1's first): all served from node 0", () => {
    const sim = scenario();
    place(sim, range(0, 64), 0);
    expect(frameOfPte(sim.s.pte[63])).toBe(63);
    expect(frameNode(sim.s, 64)).toBe(1);
    accessPhase(sim, 0, 0);
    const nodes = sim.s.layout.nodes;
    expect(sim.s.accessMatrix[0 * nodes + 0]).toBeGreaterThan(100);
    expect(sim.s.accessMatrix[0 * nodes + 1]).toBe(0);
    expect(sim.s.frameYoung[63] & 1).toBe(1);
  });
});
