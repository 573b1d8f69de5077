/**
 * Dirty page cache and its writeback (src/kernel/writeback.ts): the thresholds of
 * domain_dirty_limits from a worked example, reclaim meeting dirty and writeback pages as 6.12's
 * shrink_folio_list does (classic and multi-gen LRU), the flusher's background and kupdate
 * writeback, balance_dirty_pages throttling, and the per-node scheduler giving the inline
 * result bit for bit with CPUs of two nodes dirtying the same pages.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText, type LoadedConfig } from '../../src/config/load.js';
import { collectResult } from '../../src/engine/results.js';
import { runScheduled, type SchedulerName } from '../../src/engine/scheduler.js';
import { createSimulation } from '../../src/engine/simulation.js';
import {
  FRAME_DIRTY,
  FRAME_WRITEBACK,
  LRU_INACTIVE_FILE,
  PG_ACTIVE,
  PG_RECLAIM,
} from '../../src/memory/flags.js';
import {
  C_CLOCK,
  NODE_WORDS,
  W_FILE_DIRTY,
  W_KSWAPD_WOKEN,
  W_PGDAT_DIRTY,
  W_WAKE_FLUSHER,
  W_WRITEBACK,
} from '../../src/memory/layout.js';
import { checkInvariants } from '../../src/memory/invariants.js';
import { lruTail } from '../../src/memory/lru.js';
import type { DirtyParams } from '../../src/memory/state.js';
import type { RunResult } from '../../src/metrics/result.js';
import {
  backgroundThresh,
  dirtyPollInterval,
  dirtyThresh,
  fileFdatasync,
  flusherStep,
  freerunCeiling,
  globalDirtyableMemory,
  posRatioPolynom,
} from '../../src/kernel/writeback.js';
import { runLoaded } from '../helpers/run.js';
import { assertSound, counter, place, range, reclaimEpoch, scenario } from './scenario.js';

const defaults: DirtyParams = {
  backgroundRatio: 10,
  ratio: 20,
  backgroundBytes: 0,
  bytes: 0,
  expireNs: 30e9,
  writebackIntervalNs: 5e9,
  totalreservePages: 0,
};

describe('dirty thresholds (domain_dirty_limits)', () => {
  it('computes the ratios as per-page fractions of dirtyable memory', () => {
    // 100,000 dirtyable 4 KiB pages: ratio 20 -> 20 * 4096 / 100 = 819 per page, thresh =
    // 819 * 100000 / 4096 = 19995 (not 20000); bg 10 -> 409 per page, 409 * 100000 / 4096 = 9985.
    expect(dirtyThresh(defaults, 100_000, 4096)).toBe(19995);
    expect(backgroundThresh(defaults, 100_000, 4096, 19995)).toBe(9985);
    // The freerun ceiling is their midpoint; the poll interval 2^(ilog2(thresh - dirty) / 2).
    expect(freerunCeiling(19995, 9985)).toBe(14990);
    expect(dirtyPollInterval(14990, 19995)).toBe(64); // ilog2(5005) = 12 -> 1 << 6
    expect(dirtyPollInterval(19995, 19995)).toBe(1);
  });

  it('uses the byte knobs when set, and keeps bg below the limit', () => {
    const bytes = { ...defaults, bytes: 1024 * 1024 + 1, backgroundBytes: 4 * 1024 * 1024 };
    // DIV_ROUND_UP(1 MiB + 1, 4096) = 257; the background figure (1024) >= 257 -> 257 / 2 = 128.
    expect(dirtyThresh(bytes, 100_000, 4096)).toBe(257);
    expect(backgroundThresh(bytes, 100_000, 4096, 257)).toBe(128);
  });

  it('pos_ratio is 1 at the setpoint, 2 far below, 0 at the limit (1/1024 units)', () => {
    expect(posRatioPolynom(15000, 15000, 20000)).toBe(1024);
    expect(posRatioPolynom(15000, 5000, 20000)).toBe(2048);
    // (15000 - 17500) / (20000 - 15000 | 1) = -0.5 in 1/1024: x = -511, x^3 / 1024^2 = -128.
    expect(posRatioPolynom(15000, 17500, 20000)).toBe(1024 - 128);
    // At the limit the polynomial is ~0 (x = -1023: 1024 - 1022 = 2); the caller, as
    // wb_position_ratio, uses 0 once dirty >= limit.
    expect(posRatioPolynom(15000, 20000, 20000)).toBe(2);
  });

  it('counts free pages less totalreserve_pages plus file pages, plus 1', () => {
    // Two nodes of 64 frames, fixed HIGH 12 each: totalreserve_pages = 24. Ten file pages on
    // node 0: free 118 - 24 + file 10 + 1 = 105 dirtyable -> thresh 819 * 105 / 4096 = 20,
    // bg 409 * 105 / 4096 = 10.
    const sim = scenario();
    expect(sim.s.params.dirty.totalreservePages).toBe(24);
    place(sim, range(0, 10), 0);
    const avail = globalDirtyableMemory(sim.s);
    expect(avail).toBe(105);
    expect(dirtyThresh(sim.s.params.dirty, avail, 4096)).toBe(20);
    expect(backgroundThresh(sim.s.params.dirty, avail, 4096, 20)).toBe(10);
  });
});

function frameOf(sim: ReturnType<typeof scenario>, page: number): number {
  return sim.s.pte[page] - 1;
}

describe('reclaim meets dirty page cache (6.12 shrink_folio_list)', () => {
  it('marks dirty pages PG_reclaim and activates them; their writeback rotates them to the tail', () => {
    // Node 0: 8 dirty file pages at the inactive tail, 52 clean above them, free 4 < LOW 8.
    const sim = scenario({ version: '6.12', demotion: false, kernel: 'dirty_background_bytes: 4096' });
    place(sim, range(0, 8), 0, { dirty: true });
    place(sim, range(8, 52), 0);
    expect(counter(sim, 0, 'nr_dirtied')).toBe(8);
    sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
    reclaimEpoch(sim);
    // Met once each: PG_reclaim and activated (kswapd writes only pages met a second time),
    // nothing written; the clean pages above them are reclaimed.
    expect(counter(sim, 0, 'nr_vmscan_immediate_reclaim')).toBe(8);
    expect(counter(sim, 0, 'nr_vmscan_write')).toBe(0);
    expect(counter(sim, 0, 'pgpgout')).toBe(0);
    expect(counter(sim, 0, 'pgsteal_file')).toBeGreaterThan(0);
    for (const page of range(0, 8)) {
      const f = frameOf(sim, page);
      expect(f).toBeGreaterThanOrEqual(0);
      expect(sim.s.frameFlags[f] & (PG_ACTIVE | PG_RECLAIM)).toBe(PG_ACTIVE | PG_RECLAIM);
      expect(sim.s.frameDirty[f]).toBe(FRAME_DIRTY);
    }
    // A batch of only dirty pages (kswapd's first, small at priority 12) woke the flushers:
    // wb_start_writeback writes every dirty page, in file order, in one request; in flight
    // until the disk's latency has passed.
    expect(sim.s.nodeWords[W_WAKE_FLUSHER]).toBe(1);
    flusherStep(sim.s, 1e6);
    expect(sim.s.nodeWords[W_WAKE_FLUSHER]).toBe(0);
    expect(counter(sim, 0, 'nr_dirty_background_threshold')).toBe(1);
    expect(counter(sim, 0, 'pgpgout')).toBe(8 * 4);
    expect(counter(sim, 0, 'tiersim_disk_write_sectors')).toBe(8 * 8);
    expect(counter(sim, 0, 'tiersim_disk_write_ios')).toBe(1);
    for (const page of range(0, 8)) expect(sim.s.frameDirty[frameOf(sim, page)]).toBe(FRAME_WRITEBACK);
    flusherStep(sim.s, 1e6);
    expect(counter(sim, 0, 'nr_written')).toBe(0);
    // A second later every write has completed: clean, PG_reclaim gone, each moved to the
    // inactive tail in turn (the last written, page 7, is the tail), counted in pgrotated.
    flusherStep(sim.s, 1e9);
    expect(counter(sim, 0, 'nr_written')).toBe(8);
    expect(counter(sim, 0, 'pgrotated')).toBe(8);
    for (const page of range(0, 8)) {
      const f = frameOf(sim, page);
      expect(sim.s.frameDirty[f]).toBe(0);
      expect(sim.s.frameFlags[f] & (PG_ACTIVE | PG_RECLAIM)).toBe(0);
    }
    expect(sim.s.framePage[lruTail(sim.s, 0, LRU_INACTIVE_FILE)]).toBe(7);
    assertSound(sim);
  });

  it('kswapd meeting only unqueued dirty pages wakes the flushers and writes them itself', () => {
    const sim = scenario({ version: '6.12', demotion: false });
    place(sim, range(0, 60), 0, { dirty: true });
    sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
    reclaimEpoch(sim);
    // Every page taken was dirty and not queued: wakeup_flusher_threads and PGDAT_DIRTY.
    expect(sim.s.nodeWords[W_WAKE_FLUSHER]).toBe(1);
    expect(sim.s.nodeWords[W_PGDAT_DIRTY]).toBe(1);
    // Met again with PG_reclaim on a PGDAT_DIRTY node (kswapd's lower priorities deactivate
    // the pages it activated), kswapd pages them out itself (pageout): in flight, not freed;
    // pgpgout is 4 KiB per page written.
    expect(counter(sim, 0, 'nr_vmscan_immediate_reclaim')).toBeGreaterThan(0);
    const written = counter(sim, 0, 'nr_vmscan_write');
    expect(written).toBeGreaterThan(0);
    expect(counter(sim, 0, 'pgpgout')).toBe(written * 4);
    expect(counter(sim, 0, 'nr_writeback')).toBe(0); // gauges are set at the end step
    let inFlight = 0;
    for (const page of range(0, 60)) if (sim.s.frameDirty[frameOf(sim, page)] === FRAME_WRITEBACK) inFlight++;
    expect(inFlight).toBe(written);
    expect(counter(sim, 0, 'pgsteal_file')).toBe(0);
    assertSound(sim);
  });

  it('MGLRU keeps dirty file pages back for writeback (PG_reclaim, next generation), writing none', () => {
    const sim = scenario({ version: '6.12', demotion: false, kernel: 'lru_gen: { enabled: true }' });
    place(sim, range(0, 30), 0, { dirty: true });
    place(sim, range(30, 30), 0);
    sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'pgpgout')).toBe(0);
    expect(counter(sim, 0, 'nr_vmscan_write')).toBe(0);
    let kept = 0;
    for (const page of range(0, 30)) {
      const f = frameOf(sim, page);
      expect(f).toBeGreaterThanOrEqual(0);
      expect(sim.s.frameDirty[f]).toBe(FRAME_DIRTY);
      if ((sim.s.frameFlags[f] & PG_RECLAIM) !== 0) kept++;
    }
    expect(kept).toBeGreaterThan(0);
    assertSound(sim);
  });
});

/** One writer streaming write()s over a file on a small machine with a slow disk. */
function writerToy(extraKernel = '', pattern = '{ type: sequential }', duration = '1500ms'): string {
  return `
topology:
  nodes:
    - { id: 0, cpus: 1, memory: 64MiB, device: dram }
kernel: { version: '6.12'${extraKernel} }
storage: { disk: { preset: nvme, write_bandwidth: 20MB/s } }
run: { duration: ${duration}, epoch: 1ms, seed: 1 }
workload:
  files: [{ name: log, size: 48MiB }]
  tasks:
    - name: writer
      cpus: [0]
      cpu_per_access: 1us
      regions:
        - { kind: file, file: log, access: read, write_fraction: 1, pattern: ${pattern} }
`;
}

describe('the flusher and balance_dirty_pages on a write-heavy workload', () => {
  it('crosses the background threshold and the freerun ceiling: writeback in flight, writer throttled', async () => {
    let maxDirty = 0;
    let writebackSeen = 0;
    let bg = 0;
    let thresh = 0;
    const { result } = await runLoaded(parseConfigText(writerToy(), '/virtual/writer.yaml'), (sim, done) => {
      const dirty = counter(sim, 0, 'nr_dirty');
      maxDirty = Math.max(maxDirty, dirty + counter(sim, 0, 'nr_writeback'));
      if (done < 1400 && counter(sim, 0, 'nr_writeback') > 0) writebackSeen++;
      bg = counter(sim, 0, 'nr_dirty_background_threshold');
      thresh = counter(sim, 0, 'nr_dirty_threshold');
      // nr_dirty / nr_writeback agree with the frames and the writes queued (memory/invariants.ts).
      if (done % 100 === 0) expect(checkInvariants(sim.s)).toEqual([]);
    });
    const v = result.vmstat;
    expect(bg).toBeGreaterThan(1000);
    expect(maxDirty).toBeGreaterThan(freerunCeiling(thresh, bg));
    expect(writebackSeen).toBeGreaterThan(100);
    expect(v.tiersim_dirty_throttle_ns).toBeGreaterThan(0);
    // Writeback goes through the disk: 8 sectors and 4 KiB of pgpgout per page; what was written
    // and is still in flight or dirty adds up to what was dirtied (every page once, no rewrite).
    expect(v.tiersim_disk_write_sectors).toBe((8 * v.pgpgout) / 4);
    expect(v.nr_written + v.nr_writeback).toBe(v.pgpgout / 4);
    expect(v.nr_dirtied).toBe(v.pgpgout / 4 + v.nr_dirty);
    expect(result.nodes[0].meminfo['Writeback']).toBe(v.nr_writeback * 4);
    expect(result.nodes[0].meminfo['Dirty']).toBe(v.nr_dirty * 4);
    // The writer spent time asleep in balance_dirty_pages: the same run without throttling
    // (a dirty limit too high to reach) gets more writes done.
    const free = await runLoaded(
      parseConfigText(writerToy(', dirty_ratio: 100, dirty_background_ratio: 90'), '/virtual/free.yaml'),
    );
    expect(free.result.vmstat.tiersim_dirty_throttle_ns).toBe(0);
    expect(free.result.vmstat.tiersim_accesses).toBeGreaterThan(v.tiersim_accesses);
  }, 60_000);

  it('kupdate writes an inode back once it has been dirty for dirty_expire_centisecs', async () => {
    // 200 pages written in the first milliseconds, far below the background threshold; then the
    // program ends. Expire 200 ms, kupdate every 100 ms: the inode, dirtied in epoch 0 (t = 0),
    // is not expired at the 100 ms tick, and is at the 200 ms tick (dirtied_when <= now -
    // expire); the disk then takes 200 / (20 MB/s / 4 KiB per ms) ~ 41 ms to write it.
    const phases = '{ type: phases, steps: [{ start: 0, end: 200, store: true }] }';
    const text = writerToy(', dirty_expire_centisecs: 20, dirty_writeback_centisecs: 10', phases, '400ms');
    const dirtyAt: number[] = [];
    const { result } = await runLoaded(parseConfigText(text, '/virtual/kupdate.yaml'), (sim, done) => {
      dirtyAt[done] = counter(sim, 0, 'nr_dirty');
    });
    expect(dirtyAt[50]).toBe(200);
    expect(dirtyAt[199]).toBe(200);
    expect(dirtyAt[200]).toBeLessThan(200);
    expect(dirtyAt[230]).toBeGreaterThan(0);
    expect(dirtyAt[260]).toBe(0);
    expect(result.vmstat.nr_written).toBe(200);
    expect(result.vmstat.tiersim_dirty_throttle_ns).toBe(0);
  }, 60_000);
});

/** One DRAM node with one CPU, 20 ms of 1 ms epochs, file `file` of `size`, and task t's `task` keys. */
const oneFileMachine = (file: string, size: string, task: string) => `
topology:
  nodes:
    - { id: 0, cpus: 1, memory: 64MiB, device: dram }
kernel: { version: '6.12' }
run: { duration: 20ms, epoch: 1ms, seed: 1 }
workload:
  files: [{ name: ${file}, size: ${size} }]
  tasks:
    - name: t
      cpus: [0]
${task}
`;

describe('a store to a present clean page-cache page is folio_mark_dirty', () => {
  it('mmap stores to 100 file pages loaded for 5 ms (present, clean) dirty each once: nr_dirtied, nr_dirty, meminfo', async () => {
    const text = oneFileMachine(
      'f',
      '1MiB',
      `      regions:
        - kind: file
          file: f
          pattern:
            type: phases
            steps: [{ start: 0, end: 100, duration: 5ms }, { start: 0, end: 100, store: true, passes: 3 }]
`,
    );
    const { result } = await runLoaded(parseConfigText(text, '/virtual/present.yaml'));
    expect(result.vmstat.nr_dirtied).toBe(100);
    expect(result.vmstat.nr_dirty).toBe(100);
    expect(result.nodes[0].meminfo['Dirty']).toBe(100 * 4);
    expect(result.vmstat.pgpgout).toBe(0);
  });
});

const quiet = { onProgress: () => {}, shouldStop: () => false };

async function runWith(loaded: LoadedConfig, scheduler: SchedulerName): Promise<RunResult> {
  const sim = createSimulation(loaded.config);
  const outcome = await runScheduled(sim, scheduler, quiet);
  expect(outcome.failure).toBeUndefined();
  return collectResult(sim, { loaded, wall: undefined, stoppedBy: null, fromSnapshot: false });
}

describe('writeback is thread-count independent', () => {
  it('CPUs of two nodes dirtying the same file under pressure: per-node = inline, bit for bit', async () => {
    const yaml = `
topology:
  nodes:
    - { id: 0, cpus: 1, memory: 6MiB, device: dram }
    - { id: 1, cpus: 1, memory: 6MiB, device: dram }
    - { id: 2, cpus: 0, memory: 4MiB, device: pmem }
kernel: { version: '6.12', demotion_enabled: true, dirty_background_bytes: 262144, dirty_bytes: 1048576, dirty_expire_centisecs: 2, dirty_writeback_centisecs: 1 }
storage: { disk: { preset: nvme, write_bandwidth: 20MB/s } }
run: { duration: 80ms, epoch: 1ms, seed: 5 }
workload:
  files: [{ name: f, size: 12MiB }]
  tasks:
    - name: a
      cpus: [0]
      cpu_per_access: 200ns
      regions:
        - { kind: file, file: f, access: mmap, write_fraction: 0.5, pattern: { type: zipfian, theta: 0.8 } }
    - name: b
      cpus: [1]
      cpu_per_access: 200ns
      regions:
        - { kind: file, file: f, access: read, write_fraction: 0.5, pattern: { type: uniform } }
`;
    const loaded = parseConfigText(yaml, '/virtual/shared-writers.yaml');
    const inline = await runWith(loaded, 'inline');
    const perNode = await runWith(loaded, 'per-node');
    expect(inline.vmstat.nr_written).toBeGreaterThan(0);
    // The disk is slow enough (20 MB/s) that both tasks' dirtying crosses the limit and waits.
    expect(inline.vmstat.tiersim_dirty_throttle_ns).toBeGreaterThan(0);
    expect(perNode.digest).toBe(inline.digest);
    expect(perNode).toStrictEqual(inline);
  }, 120_000);
});

describe('fdatasync (file_write_and_wait_range)', () => {
  it('6 dirty pages of a file, 5 contiguous and 1 apart: 2 requests, all written, Dirty 0, the caller waits both', () => {
    const sim = scenario({ version: '6.12', demotion: false });
    // The default disk, nvme: 20 us per write request, 2 GB/s.
    expect(sim.s.params.disk).toMatchObject({ writeNs: 20_000, writeBps: 2e9 });
    place(sim, range(0, 5), 0, { dirty: true });
    place(sim, [10], 0, { dirty: true });
    place(sim, [20], 0); // clean: not written
    expect(sim.s.nodeWords[W_FILE_DIRTY]).toBe(6);
    const clock = sim.s.cpuWords[C_CLOCK];
    const waited = fileFdatasync(sim.s, 0, 0);
    // Request 1: 20 us + 5 x 4096 B / 2 GB/s = 20,000 + 10,240; request 2: 20,000 + 2,048.
    expect(waited).toBe(30_240 + 22_048);
    expect(sim.s.cpuWords[C_CLOCK] - clock).toBe(52_288);
    expect(counter(sim, 0, 'tiersim_disk_write_ios')).toBe(2);
    expect(counter(sim, 0, 'pgpgout')).toBe(6 * 4);
    expect(sim.s.nodeWords[W_FILE_DIRTY]).toBe(0);
    expect(sim.s.nodeWords[W_WRITEBACK]).toBe(6);
    // Done within the wait: the epoch's end completes them, the pages stay cached and clean.
    flusherStep(sim.s, 1e6);
    expect(counter(sim, 0, 'nr_written')).toBe(6);
    expect(sim.s.nodeWords[W_WRITEBACK]).toBe(0);
    for (const page of [0, 1, 2, 3, 4, 10, 20]) {
      expect(frameOf(sim, page)).toBeGreaterThanOrEqual(0);
      expect(sim.s.frameDirty[frameOf(sim, page)]).toBe(0);
    }
    // Nothing dirty is left: a second fdatasync writes nothing and returns at once.
    expect(fileFdatasync(sim.s, 0, 0)).toBe(0);
    expect(counter(sim, 0, 'tiersim_disk_write_ios')).toBe(2);
    assertSound(sim);
  });

  it('only the pages dirtied since the last fdatasync are looked at, wherever in the file they are', () => {
    const sim = scenario({ version: '6.12', demotion: false });
    place(sim, [40], 0, { dirty: true });
    expect(fileFdatasync(sim.s, 0, -1)).toBe(22_048);
    place(sim, [3], 0, { dirty: true });
    place(sim, [63], 0, { dirty: true });
    // Two pages far apart: two requests of one page.
    expect(fileFdatasync(sim.s, 0, -1)).toBe(2 * 22_048);
    expect(counter(sim, 0, 'pgpgout')).toBe(3 * 4);
    expect(sim.s.nodeWords[W_FILE_DIRTY]).toBe(0);
  });
});

describe('sync: fdatasync on a write() region', () => {
  const text = (sync: string) =>
    oneFileMachine(
      'wal',
      '64KiB',
      `      cpu_per_access: 10us
      regions:
        - { kind: file, file: wal, access: read, write_fraction: 1, sync: ${sync}, pattern: { type: sequential } }`,
    );

  it('every write() is followed by a write of its page the caller waits for; without it nothing is written in 20 ms', async () => {
    const synced = (await runLoaded(parseConfigText(text('fdatasync'), '/virtual/sync.yaml'))).result;
    const lazy = (await runLoaded(parseConfigText(text('none'), '/virtual/nosync.yaml'))).result;
    // Without fdatasync the 16 pages stay dirty (below every threshold, younger than 30 s).
    expect(lazy.vmstat.nr_written).toBe(0);
    expect(lazy.vmstat.nr_dirty).toBe(16);
    // With it each write() wrote its page: one request each, written by the epoch's end.
    expect(synced.vmstat.nr_dirty).toBe(0);
    expect(synced.vmstat.nr_written).toBe(synced.vmstat.tiersim_disk_write_ios);
    expect(synced.vmstat.pgpgout).toBe(4 * synced.vmstat.nr_written);
    // A write() costs 10 us + its store and then 22.048 us of fdatasync: about 20 ms / 32 us
    // of them, against 20 ms / 10 us without.
    expect(synced.vmstat.tiersim_disk_write_ios).toBeGreaterThan(500);
    expect(synced.vmstat.tiersim_disk_write_ios).toBeLessThan(700);
    expect(lazy.vmstat.tiersim_accesses).toBeGreaterThan(1900);
  });
});
