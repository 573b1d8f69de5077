/**
 * buildMachine (src/topology/build.ts), the parts the mutation run found unpinned: the per-node
 * boost zone (the zone steals and boosts act on: the highest zone, or the node with fixed
 * watermarks), its per-CPU batch and refill with the CPUs that share it, the `auto` non-movable
 * free pages (2^MAX_PAGE_ORDER - 1 when the zone is at least that block) and their pageblocks.
 * Expected values by hand from the kernel's formulas (zone_batchsize, nr_pcp_alloc).
 */
import { describe, expect, it } from 'vitest';
import { buildMachine } from '../../src/topology/index.js';
import { loadConfig, machineOf } from './fixtures.js';

type Node = Parameters<typeof machineOf>[0]['nodes'][number];
const fixed = { min: 100, low: 200, high: 300 };
const flat = (nodes: Node[], pageSize = '4KiB') =>
  machineOf({ page_size: pageSize, struct_page_size: 0, memory_below_4g: 0, nodes });

describe('the boost zone', () => {
  it('with zones: the highest zone, its lower zones holding LOW + lowmem_reserve[MOVABLE] back', () => {
    // Example A's node 0 (configs/topologies/two-socket-optane.yaml, 6.1): DMA 4096 pages, LOW 8,
    // lowmem_reserve[MOVABLE] 236; DMA32 60,416 pages, LOW 126, HIGH 186 (test/topology/format.test.ts).
    // batch: min(60416 / 1024 = 59, 256) / 4 = 14 -> 21 -> 16 - 1 = 15; refill (4 CPUs):
    // high = max(126 / 4 = 31, 4 * 15) = 60, 60 - 15 = 45.
    const c = loadConfig('configs/topologies/two-socket-optane.yaml');
    const m = buildMachine(c.topology, c.kernel);
    expect(m.boostZone[0]).toEqual({
      high: 186,
      managed: 60416,
      lowerReserve: 8 + 236,
      batch: 15,
      refill: 45,
    });
  });

  it('with fixed watermarks: the whole node; a CPU-less node shares LOW among all CPUs', () => {
    // 8 MiB = 2048 pages; batch min(2, 256) / 4 = 0 -> 1 -> 1 -> 0, at least 1.
    // refill = max(LOW / CPUs, 4) - 1: node 0 (1 CPU) 199, node 1 (3 CPUs) 66 - 1 = 65,
    // node 2 (none: all 4) 50 - 1 = 49.
    const m = flat([
      { id: 0, cpus: 1, memory: '8MiB', watermarks: fixed },
      { id: 1, cpus: 3, memory: '8MiB', watermarks: fixed },
      { id: 2, cpus: 0, memory: '8MiB', device: 'pmem', watermarks: fixed },
    ]);
    expect(m.boostZone.map((z) => z.refill)).toEqual([199, 65, 49]);
    expect(m.boostZone[2]).toEqual({ high: 300, managed: 2048, lowerReserve: 0, batch: 1, refill: 49 });
  });
});

describe('unmovable_free_pages', () => {
  it('auto: 1023 pages (4 KiB) when the zone holds a 2^10-page block, else 0; none on movable memory', () => {
    const m = flat([
      { id: 0, cpus: 1, memory: '4MiB', watermarks: fixed, unmovable_free_pages: 'auto' },
      { id: 1, cpus: 1, memory: 4 * 1024 * 1024 - 4096, watermarks: fixed, unmovable_free_pages: 'auto' },
      { id: 2, cpus: 0, memory: '8MiB', device: 'pmem', watermarks: fixed, unmovable_free_pages: 'auto' },
    ]);
    expect(m.nodes.map((n) => n.managedPages)).toEqual([1024, 1023, 2048]);
    expect(m.unmovableFree).toEqual([1023, 0, 0]);
    // 1023 pages in 2 MiB (512-page) pageblocks: 2 blocks of 512; none.
    expect(m.unmovableBlockPages).toEqual([512, 0, 0]);
  });

  it('auto with 8 KiB pages: a 2^10 block of 4 KiB is 512 pages, 511 left', () => {
    const m = flat(
      [{ id: 0, cpus: 1, memory: '8MiB', watermarks: fixed, unmovable_free_pages: 'auto' }],
      '8KiB',
    );
    expect(m.nodes[0].managedPages).toBe(1024);
    expect(m.unmovableFree).toEqual([511]);
    // 2 MiB pageblocks of 8 KiB pages: 256 pages; 511 -> 2 blocks of 256.
    expect(m.unmovableBlockPages).toEqual([256]);
  });

  it('a count at most the node, spread evenly over the pageblocks given', () => {
    const m = flat([
      { id: 0, cpus: 1, memory: '4MiB', watermarks: fixed, unmovable_free_pages: 5000 },
      {
        id: 1,
        cpus: 1,
        memory: '4MiB',
        watermarks: fixed,
        unmovable_free_pages: 1000,
        unmovable_pageblocks: 3,
      },
      { id: 2, cpus: 1, memory: '4MiB', watermarks: fixed, unmovable_free_pages: 400 },
    ]);
    expect(m.unmovableFree).toEqual([1024, 1000, 400]);
    // 1024 in 512-page blocks: 2 of 512; 1000 in 3: 334; 400 in one block.
    expect(m.unmovableBlockPages).toEqual([512, 334, 400]);
  });
});

describe('the rest of the machine', () => {
  it('contention settings carried over; hasMemory/hasCpus as the zonelists and tiers see them', () => {
    const m = machineOf({
      remote_socket_latency: '70ns',
      contention: { enabled: true, double_at: 0.5, max_utilisation: 0.9, link_bandwidth: '20GB/s' },
      nodes: [
        { id: 0, socket: 0, cpus: 1, memory: '1GiB' },
        { id: 1, socket: 1, cpus: 0, memory: '1GiB', device: 'pmem' },
      ],
    });
    expect(m.contention).toEqual({
      enabled: true,
      doubleAt: 0.5,
      maxUtilisation: 0.9,
      linkBps: 20e9,
      remoteSocketNs: 70,
    });
    // 5.15 default: node 0 (CPUs) demotes to node 1 (memory, no CPUs).
    expect(m.demotion.preferred[0]).toEqual([1]);
    expect(m.zonelists[1]).toEqual([1, 0]);
  });
});
