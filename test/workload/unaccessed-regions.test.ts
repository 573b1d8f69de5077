/**
 * Regions of weight 0: memory a program fills before its measured loop (wl_file's Zipf cdf) or
 * that the boot left behind (the initramfs in tmpfs) — touched by `prefault` only, never by the
 * run's accesses, which go to the task's other regions exactly as without them.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/util/errors.js';
import { runText } from '../helpers/run.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { planKswapdCpu } from '../../src/kernel/kswapd-cpu.js';
import { NODE_WORDS, W_KSWAPD_BUDGET_NS, W_KSWAPD_WOKEN, W_PAGETABLES } from '../../src/memory/layout.js';
import { PG_ACTIVE, PG_LRU, PG_SWAPBACKED } from '../../src/memory/flags.js';

const machine = `topology:
  page_size: 4KiB
  nodes:
    - { id: 0, socket: 0, cpus: 2, memory: 128MiB, device: dram }
run: { duration: 3ms, epoch: 1ms, seed: 5 }
`;

function config(app: string, extraTasks = ''): string {
  return `${machine}workload:
  tasks:
    - name: app
      cpus: [0]
      regions:
${app}${extraTasks}`;
}

// 64 MiB = 16,384 pages drawn uniformly for 3 ms: far from all of them are touched.
const UNIFORM = '        - { kind: anon, size: 64MiB }\n';
const CDF = '        - { kind: anon, size: 512KiB, weight: 0, prefault: true }\n';
const ROOTFS = `    - name: rootfs
      cpus: [1]
      regions:
        - { kind: shmem, size: 256KiB, weight: 0, prefault: true }
`;

const kib = (r: Awaited<ReturnType<typeof runText>>, key: string) => r.result.nodes[0].meminfo[key] ?? 0;

describe('a region of weight 0', () => {
  it('is prefaulted and never accessed: the other region gets the identical access stream', async () => {
    const alone = await runText(config(UNIFORM));
    const withCdf = await runText(config(UNIFORM + CDF, ROOTFS));
    // Same accesses, same pages touched in the 64 MiB region: the draws did not change.
    expect(withCdf.result.vmstat.tiersim_accesses).toBe(alone.result.vmstat.tiersim_accesses);
    expect(alone.result.vmstat.tiersim_accesses).toBeGreaterThan(0);
    // Plus exactly the 128 prefaulted anon pages (512 KiB) and the 64 shmem pages (256 KiB).
    expect(kib(withCdf, 'AnonPages') - kib(alone, 'AnonPages')).toBe(512);
    expect(kib(withCdf, 'Shmem')).toBe(256);
    expect(kib(alone, 'Shmem')).toBe(0);
    // One fault per prefaulted page, on top of the run's own.
    expect(withCdf.result.vmstat.pgfault - alone.result.vmstat.pgfault).toBe(128 + 64);
  });

  it("prefault: written puts a tmpfs file's pages in memory unmapped: no fault, no page table, not young, dirty", async () => {
    const written = ROOTFS.replace('prefault: true', 'prefault: written');
    const mapped = await runText(config(UNIFORM, ROOTFS));
    const r = await runText(config(UNIFORM, written));
    expect(kib(r, 'Shmem')).toBe(256);
    // The 64 mapped pages each took a fault and, in the rootfs task's own mm, a PUD, a PMD and a
    // PTE page; the written ones took neither (the kernel wrote them through write()).
    expect(mapped.result.vmstat.pgfault - r.result.vmstat.pgfault).toBe(64);
    const tables = (x: typeof r) => x.sim.s.nodeWords[0 * NODE_WORDS + W_PAGETABLES];
    expect(tables(mapped) - tables(r)).toBe(3);
    // Every page: present, swap-backed, on the inactive anon LRU, PTE young bit clear (nothing
    // maps it, so folio_referenced finds no reference), dirty (shmem_write_end).
    const region = r.sim.spec.plan.tasks[1].regions[0];
    expect(region.pages).toBe(64);
    for (let page = region.firstPage; page < region.firstPage + region.pages; page++) {
      const frame = r.sim.s.pte[page] - 1;
      expect(frame).toBeGreaterThanOrEqual(0);
      expect(r.sim.s.frameFlags[frame] & (PG_SWAPBACKED | PG_LRU | PG_ACTIVE)).toBe(PG_SWAPBACKED | PG_LRU);
      expect([r.sim.s.frameYoung[frame], r.sim.s.frameDirty[frame]]).toEqual([0, 1]);
    }
    const m = mapped.sim.s;
    const f = m.pte[mapped.sim.spec.plan.tasks[1].regions[0].firstPage] - 1;
    expect(m.frameYoung[f] & 1).toBe(1);
  });

  it('prefault: written is for shmem regions of weight 0 only', () => {
    expect(problems(config('        - { kind: shmem, size: 1MiB, weight: 0, prefault: written }\n'))).toEqual(
      [],
    );
    expect(problems(config('        - { kind: anon, size: 1MiB, weight: 0, prefault: written }\n'))).toEqual([
      expect.stringMatching(
        /^workload\.tasks\[0\]\.regions\[0\]\.prefault: .*only a shmem region .*this one is anon/,
      ),
    ]);
    expect(problems(config('        - { kind: shmem, size: 1MiB, prefault: written }\n'))).toEqual([
      expect.stringMatching(/^workload\.tasks\[0\]\.regions\[0\]\.prefault: .*give the region weight: 0/),
    ]);
  });

  it('a task of weight-0 regions only leaves its CPU idle', async () => {
    const r = await runText(config(CDF.replace('weight: 0, ', ''), ROOTFS));
    // The app's 128 pages, then the idle rootfs task: no access came from CPU 1.
    const cdfOnly = await runText(config(CDF.replace('weight: 0, ', '')));
    expect(r.result.vmstat.tiersim_accesses).toBe(cdfOnly.result.vmstat.tiersim_accesses);
    expect(kib(r, 'Shmem')).toBe(256);
  });

  it('an idle task takes no CPU share from kswapd (CFS shares only runnable threads)', () => {
    // Node 0 has 2 CPUs. The app is busy on CPU 0; with kswapd awake there are 2 runnable threads
    // on 2 CPUs: kswapd's budget is the whole 1 ms epoch. A second busy task on CPU 1 makes 3
    // threads on 2 CPUs: 2/3 of the epoch, 666,666 ns.
    const budget = (extra: string) => {
      const sim = createSimulation(parseConfigText(config(UNIFORM, extra), '/v/w0.yaml').config);
      sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
      planKswapdCpu(sim.s, sim.ctx.kswapdCpu);
      return sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_BUDGET_NS];
    };
    expect(budget(ROOTFS)).toBe(1_000_000);
    expect(budget(ROOTFS.replace('weight: 0, ', ''))).toBe(666_666);
  });

  const problems = (text: string) => {
    try {
      parseConfigText(text, '/v/w0.yaml');
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
      throw err;
    }
    return [];
  };

  it('needs prefault, and comes after the accessed regions', () => {
    expect(problems(config('        - { kind: anon, size: 1MiB, weight: 0 }\n'))).toEqual([
      expect.stringMatching(/^workload\.tasks\[0\]\.regions\[0\]\.weight: .*set prefault: true/),
    ]);
    expect(problems(config(CDF + UNIFORM))).toEqual([
      expect.stringMatching(/^workload\.tasks\[0\]\.regions\[1\]\.weight: .*come after the accessed ones/),
    ]);
    expect(problems(config(UNIFORM + CDF))).toEqual([]);
  });

  it('may follow a whole program (a splitmix_zipfian sequence), which stays the only accessed region', () => {
    const seq =
      '        - { kind: anon, size: 1MiB, pattern: { type: splitmix_zipfian, theta: 0.5, seed: 1, count: 10 } }\n';
    expect(problems(config(seq + CDF))).toEqual([]);
    expect(problems(config(seq + UNIFORM))).toEqual([expect.stringMatching(/only accessed region/)]);
  });
});
