/**
 * Goal: the state digest names the whole final state but reads only the frames the run used
 * (src/metrics/digest.ts): frames above a node's bump pointer are never handed out, so they are
 * all zeros and the digest skips them; any change to a used frame, a page-table entry or a
 * node word changes it.
 *
 * Method: one small run; then (1) every frame above each node's bump pointer is zero in every
 * frame column (the premise of skipping them); (2) flipping one byte or word of a used frame
 * changes the digest, and the same flip undone restores it; (3) a write above the bump pointer
 * (which the simulator never makes) leaves the digest as it was, which shows the digest does
 * not read there; (4) a 64 GiB machine whose run uses 8 MiB digests in well under the time
 * one pass over its 16 M frames would take.
 */
import { describe, expect, it } from 'vitest';
import { NODE_WORDS, W_BUMP, W_FRAME_START } from '../../src/memory/layout.js';
import { stateDigest } from '../../src/metrics/digest.js';
import { runText } from '../helpers/run.js';

const SMALL = `
topology:
  nodes:
    - { id: 0, cpus: 1, memory: 4MiB, device: dram }
    - { id: 1, cpus: 0, memory: 8MiB, device: pmem }
kernel: { demotion_enabled: true }
run: { duration: 20ms, epoch: 1ms }
workload:
  tasks:
    - name: t
      cpus: [0]
      regions: [{ kind: anon, size: 6MiB, pattern: { type: zipfian, theta: 0.9 }, write_fraction: 0.5 }]
`;

describe('state digest over the frames ever used', () => {
  it('never-used frames are zero; used frames count; frames above the bump pointer are not read', async () => {
    const { sim, result } = await runText(SMALL);
    const s = sim.s;
    expect(stateDigest(s)).toBe(result.digest);
    const columns = [
      s.framePage,
      s.frameFlags,
      s.frameYoung,
      s.frameDirty,
      s.frameAccessed,
      s.frameScanMs,
      s.lruPrev,
      s.lruNext,
    ];
    let used = 0;
    for (let nid = 0; nid < s.layout.nodes; nid++) {
      const w = nid * NODE_WORDS;
      const start = s.nodeWords[w + W_FRAME_START];
      const bump = s.nodeWords[w + W_BUMP];
      const end = start + s.layout.managedPages[nid];
      used += bump - start;
      for (const col of columns) expect(col.subarray(bump, end).some((x) => x !== 0)).toBe(false);
    }
    // Demotion used PMEM frames too, and neither node is full: both kinds of range exist.
    expect(s.nodeWords[NODE_WORDS + W_BUMP]).toBeGreaterThan(s.nodeWords[NODE_WORDS + W_FRAME_START]);
    expect(used).toBeLessThan(s.layout.managedPages[0] + s.layout.managedPages[1]);

    const digest = result.digest!;
    const bump0 = s.nodeWords[W_BUMP];
    const lastUsed = bump0 - 1;
    for (const col of columns) {
      const old = col[lastUsed];
      col[lastUsed] = old ^ 1;
      expect(stateDigest(s)).not.toBe(digest);
      col[lastUsed] = old;
      expect(stateDigest(s)).toBe(digest);
      // Above the bump pointer: not part of the state the digest names.
      col[bump0] = 7;
      expect(stateDigest(s)).toBe(digest);
      col[bump0] = 0;
    }
    const pte = s.pte[0];
    s.pte[0] = pte ^ 1;
    expect(stateDigest(s)).not.toBe(digest);
    s.pte[0] = pte;
  });

  it('costs time in proportion to the frames used, not the machine size', async () => {
    const big = await runText(`
topology:
  nodes: [{ id: 0, cpus: 1, memory: 64GiB, device: dram }]
run: { duration: 5ms, epoch: 1ms }
workload:
  tasks: [{ name: t, cpus: [0], regions: [{ kind: anon, size: 8MiB, pattern: { type: sequential } }] }]
`);
    const s = big.sim.s;
    expect(s.layout.managedPages[0]).toBeGreaterThan(16_000_000);
    // 2048 pages and their page tables (4 PTE pages, a PMD and a PUD page).
    expect(s.nodeWords[W_BUMP] - s.nodeWords[W_FRAME_START]).toBeLessThanOrEqual(2048 + 6);
    // One pass over 16 M frames of 8 columns takes well over 100 ms in V8 (and faults in the
    // 256 MiB of untouched shared pages); 2048 used frames take microseconds.
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) stateDigest(s);
    expect((performance.now() - t0) / 10).toBeLessThan(20);
  });
});
