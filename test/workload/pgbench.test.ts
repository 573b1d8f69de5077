/**
 * The pgbench workload: the database layout for a scale factor (hand-computed from the per-row
 * constants of src/workload/pgbench.ts), the shape of every generated transaction, and the
 * seed's headline direction on a small machine: with PMEM (demotion on) the run reads much less
 * from disk and scores higher than DRAM only + disk.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../src/config/load.js';
import { collectResult } from '../../src/engine/results.js';
import { runScheduled } from '../../src/engine/scheduler.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { makeBatchFiller } from '../../src/workload/generate.js';
import { TXN_ACCESSES, pgbenchPlan } from '../../src/workload/pgbench.js';

describe('pgbench layout', () => {
  it('scale 1 with 128 MiB of shared buffers', () => {
    const p = pgbenchPlan({ scale: 1, shared_buffers: 128 * 2 ** 20, wal_size: 64 * 2 ** 20 }, 4096);
    // 100 000 accounts: 556 index leaves (180 entries each), 3 inner pages (250 leaves each),
    // 3334 heap pages (30 rows each); 1 branch page, 1 teller page, 64 history pages.
    expect(p).toMatchObject({ accounts: 100_000, tellers: 10, branches: 1 });
    expect([p.branchesStart, p.tellersStart, p.historyStart, p.innerStart, p.leafStart, p.heapStart]).toEqual(
      [0, 1, 2, 66, 69, 625],
    );
    expect(p.dbPages).toBe(625 + 3334);
    expect(p.bufferPages).toBe(32768);
    expect(p.hot).toBe(p.dbPages); // the whole database fits in shared buffers
    expect(p.walPages).toBe(16384);
  });

  it('scale 100: buffers hold the first 7/8 of their size, the rest of the database goes through the page cache', () => {
    const p = pgbenchPlan({ scale: 100, shared_buffers: 128 * 2 ** 20, wal_size: 64 * 2 ** 20 }, 4096);
    expect(p.hot).toBe(32768 - 4096);
    expect(p.dbPages).toBeGreaterThan(p.hot * 10);
  });
});

describe('pgbench transactions', () => {
  const config = `
topology:
  nodes: [{ id: 0, cpus: 1, memory: 256MiB }]
workload:
  tasks:
    - name: pg
      cpus: [0]
      pgbench: { scale: 4, shared_buffers: 4MiB, wal_size: 1MiB }
`;
  it('are 15 accesses: 7 page touches of 2 accesses and a WAL write(), whole transactions per batch', () => {
    const sim = createSimulation(parseConfigText(config, '/virtual/pg.yaml').config);
    const { plan } = sim.s;
    const task = plan.tasks[0];
    const pg = task.pgbench!;
    expect(task.accessesPerOp).toBe(TXN_ACCESSES);
    const [buffers, db, wal] = task.regions;
    expect(db.file).toBe('pg.db');
    expect(wal.file).toBe('pg.wal');
    expect(buffers.pages).toBe(1024);
    const filled = makeBatchFiller(sim.s)(0);
    expect(filled).toBe(Math.floor(4096 / 15) * 15);
    for (let t = 0; t < filled / 15; t++) {
      const e = Array.from(sim.s.batch.subarray(t * 15, t * 15 + 15));
      const page = (v: number) => v >>> 2;
      // The WAL write: a write() store in the WAL file.
      expect(e[14] & 3).toBe(3);
      expect(page(e[14]) - wal.firstPage).toBeGreaterThanOrEqual(0);
      expect(page(e[14]) - wal.firstPage).toBeLessThan(wal.pages);
      for (let k = 0; k < 7; k++) {
        const [first, second] = [e[2 * k], e[2 * k + 1]];
        if ((first & 2) === 0) {
          // Resident: both accesses to the same buffer page.
          expect(page(first)).toBe(page(second));
          expect(page(first) - buffers.firstPage).toBeLessThan(pg.hot);
        } else {
          // Not resident: read() of the database page, then a store into a victim buffer.
          expect(page(first) - db.firstPage).toBeGreaterThanOrEqual(pg.hot);
          expect(page(second) - buffers.firstPage).toBeGreaterThanOrEqual(pg.hot);
          expect(second & 3).toBe(1);
        }
      }
      // Heap page updated then read: touches 2 and 3 name the same database page.
      expect(page(e[4])).toBe(page(e[6]));
      expect(e[5] & 1).toBe(1);
    }
  });
});

describe('the seed experiment, small', () => {
  it('DRAM + PMEM with demotion reads far less from disk and scores higher than DRAM only + disk', async () => {
    const run = async (set: string[]) => {
      const loaded = loadConfig('configs/experiments/seed-pgbench.yaml', {
        set: ['run.duration=400ms', ...set],
      });
      const sim = createSimulation(loaded.config);
      await runScheduled(sim, 'inline', { onProgress: () => {}, shouldStop: () => false });
      return collectResult(sim, { loaded, wall: undefined, stoppedBy: null, fromSnapshot: false });
    };
    const dramOnly = await run([
      'topology.nodes=[{id: 0, socket: 0, cpus: 4, memory: 256MiB}, {id: 1, socket: 1, cpus: 4, memory: 256MiB}]',
      'topology.distances=[[10, 21], [21, 10]]',
    ]);
    const demotion = await run([]);
    const reads = (r: typeof demotion) => r.vmstat['tiersim_disk_read_sectors'];
    expect(reads(dramOnly)).toBeGreaterThan(2 * reads(demotion));
    expect(demotion.score).toBeGreaterThan(dramOnly.score * 1.1);
    // The DRAM-only machine is under constant pressure: it reclaims, and has nowhere to demote.
    expect(dramOnly.vmstat['pgsteal_kswapd'] + dramOnly.vmstat['pgsteal_direct']).toBeGreaterThan(0);
    expect(dramOnly.vmstat['pgdemote_kswapd']).toBe(0);
  }, 60_000);
});
