/**
 * The block-device model: a request costs latency + transfer + a queueing wait set from the
 * previous epoch's utilisation (M/M/1 mean wait, ρ capped at 0.95), and requests are counted
 * as /sys/block/<dev>/stat counts them. Values worked out by hand from the NVMe preset (80 us
 * read latency, 3 GB/s read bandwidth) and 4 KiB pages.
 */
import { describe, expect, it } from 'vitest';
import { DEV_DISK, DEV_SWAP, countRead, readLatencyNs, updateDeviceLoad } from '../../src/kernel/blockdev.js';
import { G_DISK_WAIT_NS } from '../../src/memory/layout.js';
import { counter, scenario } from './scenario.js';

const SERVICE = (4096 / 3e9) * 1e9; // ns to move one page at 3 GB/s

describe('block device queueing', () => {
  it('an idle device costs latency + transfer', () => {
    const sim = scenario();
    expect(readLatencyNs(sim.s, DEV_DISK, 1)).toBe(Math.round(80_000 + SERVICE));
    expect(readLatencyNs(sim.s, DEV_DISK, 32)).toBe(Math.round(80_000 + 32 * SERVICE));
  });

  it('latency rises with the previous epoch utilisation (M/M/1 wait)', () => {
    const sim = scenario();
    for (let i = 0; i < 100; i++) countRead(sim.s, 0, DEV_DISK, 1, 0);
    updateDeviceLoad(sim.s);
    // 100 one-page reads in a 1 ms epoch: busy 100 · 1365.3 ns, ρ = 0.13653.
    const rho = (100 * SERVICE) / 1e6;
    const wait = Math.round((SERVICE * rho) / (1 - rho));
    expect(sim.s.globalWords[G_DISK_WAIT_NS + DEV_DISK]).toBe(wait);
    expect(readLatencyNs(sim.s, DEV_DISK, 1)).toBe(Math.round(80_000 + SERVICE + wait));
    // The swap device is another device: still idle.
    expect(sim.s.globalWords[G_DISK_WAIT_NS + DEV_SWAP]).toBe(0);
    // Twice the load → a longer wait; an idle epoch after → no wait.
    for (let i = 0; i < 200; i++) countRead(sim.s, 0, DEV_DISK, 1, 0);
    updateDeviceLoad(sim.s);
    expect(sim.s.globalWords[G_DISK_WAIT_NS + DEV_DISK]).toBeGreaterThan(wait);
    updateDeviceLoad(sim.s);
    expect(sim.s.globalWords[G_DISK_WAIT_NS + DEV_DISK]).toBe(0);
  });

  it('caps utilisation at 0.95 when demand exceeds the bandwidth', () => {
    const sim = scenario();
    for (let i = 0; i < 5000; i++) countRead(sim.s, 0, DEV_DISK, 1, 0); // 6.8 ms of transfer in 1 ms
    updateDeviceLoad(sim.s);
    const meanService = SERVICE;
    expect(sim.s.globalWords[G_DISK_WAIT_NS + DEV_DISK]).toBe(Math.round((meanService * 0.95) / 0.05));
  });

  it('counts I/Os, 512-byte sectors and time like /sys/block/<dev>/stat', () => {
    const sim = scenario();
    countRead(sim.s, 0, DEV_DISK, 8, 123_456);
    countRead(sim.s, 0, DEV_DISK, 1, 1000);
    expect(counter(sim, 0, 'tiersim_disk_read_ios')).toBe(2);
    expect(counter(sim, 0, 'tiersim_disk_read_sectors')).toBe(9 * 8);
    expect(counter(sim, 0, 'tiersim_disk_read_ns')).toBe(124_456);
    expect(counter(sim, 0, 'tiersim_swap_read_ios')).toBe(0);
  });
});
