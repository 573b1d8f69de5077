/**
 * The block-device model on its second device, the swap device, where the mutation run found it
 * untested (blockdev.test.ts only loads the disk): each device its own latencies and bandwidths,
 * its own queueing wait, its own /sys/block/<dev>/stat counters per node, and its own
 * utilisation from the bytes moved since the previous update (the delta of the cumulative
 * counters, reads at the read bandwidth and writes at the write bandwidth).
 *
 * The swap device here: 100 us read, 50 us write, 1 GB/s read, 0.5 GB/s write, so a 4 KiB page
 * takes 4,096 ns to read and 8,192 ns to write; the disk keeps the NVMe preset (80 us / 20 us,
 * 3 GB/s / 2 GB/s). The epoch is 1 ms.
 */
import { describe, expect, it } from 'vitest';
import {
  DEV_DISK,
  DEV_SWAP,
  countRead,
  countWrite,
  readLatencyNs,
  updateDeviceLoad,
  writeLatencyNs,
} from '../../src/kernel/blockdev.js';
import { G_DISK_BUSY_NS, G_DISK_REQUESTS, G_DISK_WAIT_NS } from '../../src/memory/layout.js';
import type { BlockDeviceParams } from '../../src/topology/storage.js';
import { counter, scenario } from './scenario.js';

function withSwapDevice() {
  const sim = scenario({ swap: '1MiB' });
  const swap: BlockDeviceParams = {
    name: 'swap0',
    readNs: 100_000,
    writeNs: 50_000,
    readBps: 1e9,
    writeBps: 0.5e9,
  };
  (sim.s.params as { swap: BlockDeviceParams }).swap = swap;
  return sim;
}

describe('the swap device', () => {
  it('costs its own latency and transfer, not the disk one', () => {
    const sim = withSwapDevice();
    // 100,000 + 2 · 4,096 and 50,000 + 2 · 8,192.
    expect(readLatencyNs(sim.s, DEV_SWAP, 2)).toBe(108_192);
    expect(writeLatencyNs(sim.s, DEV_SWAP, 2)).toBe(66_384);
    // The disk: 80,000 + 4096 / 3 GB/s = 81,365.33 → 81,365; 20,000 + 4096 / 2 GB/s = 22,048.
    expect(readLatencyNs(sim.s, DEV_DISK, 1)).toBe(81_365);
    expect(writeLatencyNs(sim.s, DEV_DISK, 1)).toBe(22_048);
  });

  it('adds its own queueing wait to reads and writes', () => {
    const sim = withSwapDevice();
    sim.s.globalWords[G_DISK_WAIT_NS + DEV_SWAP] = 700;
    sim.s.globalWords[G_DISK_WAIT_NS + DEV_DISK] = 30;
    expect(readLatencyNs(sim.s, DEV_SWAP, 1)).toBe(100_000 + 4_096 + 700);
    expect(writeLatencyNs(sim.s, DEV_SWAP, 1)).toBe(50_000 + 8_192 + 700);
    expect(readLatencyNs(sim.s, DEV_DISK, 1)).toBe(81_365 + 30);
    expect(writeLatencyNs(sim.s, DEV_DISK, 1)).toBe(22_048 + 30);
  });

  it('counts in the swap rows of the node that did the I/O', () => {
    const sim = withSwapDevice();
    countRead(sim.s, 1, DEV_SWAP, 3, 5_000);
    expect(countWrite(sim.s, 1, DEV_SWAP, 2)).toBe(66_384);
    expect([
      counter(sim, 1, 'tiersim_swap_read_ios'),
      counter(sim, 1, 'tiersim_swap_read_sectors'),
      counter(sim, 1, 'tiersim_swap_read_ns'),
      counter(sim, 1, 'tiersim_swap_write_ios'),
      counter(sim, 1, 'tiersim_swap_write_sectors'),
      counter(sim, 1, 'tiersim_swap_write_ns'),
    ]).toEqual([1, 24, 5_000, 1, 16, 66_384]);
    for (const name of [
      'tiersim_disk_read_ios',
      'tiersim_disk_write_ios',
      'tiersim_disk_write_ns',
    ] as const) {
      expect(counter(sim, 1, name)).toBe(0);
      expect(counter(sim, 0, name)).toBe(0);
    }
    expect(counter(sim, 0, 'tiersim_swap_read_ios')).toBe(0);
  });

  it('its wait comes from its own load, summed over nodes, one epoch at a time', () => {
    const sim = withSwapDevice();
    const g = sim.s.globalWords;
    // Epoch 1: node 0 reads 10 single pages (10 · 4,096 ns of transfer), node 1 writes 5 times
    // 2 pages (10 · 8,192 ns): busy 122,880 ns in 15 requests, mean service 8,192 ns,
    // ρ = 0.12288, wait = 8,192 · 0.12288 / 0.87712 = 1,147.65 → 1,148.
    for (let i = 0; i < 10; i++) countRead(sim.s, 0, DEV_SWAP, 1, 0);
    for (let i = 0; i < 5; i++) countWrite(sim.s, 1, DEV_SWAP, 2);
    updateDeviceLoad(sim.s);
    expect(g[G_DISK_WAIT_NS + DEV_SWAP]).toBe(1_148);
    expect([g[G_DISK_BUSY_NS + DEV_SWAP], g[G_DISK_REQUESTS + DEV_SWAP]]).toEqual([122_880, 15]);
    // The disk moved nothing.
    expect([
      g[G_DISK_WAIT_NS + DEV_DISK],
      g[G_DISK_BUSY_NS + DEV_DISK],
      g[G_DISK_REQUESTS + DEV_DISK],
    ]).toEqual([0, 0, 0]);
    expect(readLatencyNs(sim.s, DEV_SWAP, 1)).toBe(100_000 + 4_096 + 1_148);
    // Epoch 2: one more single-page read. Only it counts: busy 4,096 ns, ρ = 0.004096,
    // wait = 4,096 · 0.004096 / 0.995904 = 16.85 → 17 (the cumulative totals would give more).
    countRead(sim.s, 0, DEV_SWAP, 1, 0);
    updateDeviceLoad(sim.s);
    expect(g[G_DISK_WAIT_NS + DEV_SWAP]).toBe(17);
    expect([g[G_DISK_BUSY_NS + DEV_SWAP], g[G_DISK_REQUESTS + DEV_SWAP]]).toEqual([126_976, 16]);
  });
});
