/**
 * Small hand-written experiments shared by tests. SMALL_515 is a three-node 5.15 machine (two
 * DRAM nodes with CPUs, one PMEM node, 7 MiB in all) whose workload overcommits it: in 80
 * epochs it demotes from kswapd and from direct reclaim, swaps, refaults, fails demotions and
 * runs a MADV_PAGEOUT, so one short run goes through every phase.
 */
export const SMALL_515 = `
topology:
  nodes:
    - { id: 0, cpus: 2, memory: 2MiB, device: dram }
    - { id: 1, cpus: 1, memory: 1MiB, device: dram, socket: 1 }
    - { id: 2, cpus: 0, memory: 4MiB, device: pmem }
kernel: { version: '5.15', demotion_enabled: true }
storage: { disk: { read_latency: 5us }, swap: { size: 1MiB } }
run: { duration: 40ms, epoch: 500us, seed: 9 }
workload:
  files: [{ name: data, size: 6MiB }]
  tasks:
    - name: a
      cpus: [0, 1]
      regions:
        - { kind: anon, size: 3MiB, pattern: { type: zipfian, theta: 0.8 }, write_fraction: 0.5 }
        - { kind: file, file: data, access: read, pattern: { type: sequential } }
    - name: b
      cpus: [2]
      regions:
        - { kind: file, file: data, size: 2MiB, pattern: { type: hotset, fraction: 0.2, probability: 0.8 } }
  actions:
    - { at: 20ms, task: a, do: madvise_pageout, region: 0, start: 0, end: 0.5 }
`;

/**
 * The NUMA-balancing knobs' defaults, written out from Linux (kernel/sched/fair.c and
 * the sysctls of 6.0+), except numa_balancing, which tiersim keeps off unless asked.
 */
export const NUMA_BALANCING_DEFAULTS = {
  numa_balancing: 0,
  numa_balancing_scan_delay_ms: 1000,
  numa_balancing_scan_period_min_ms: 1000,
  numa_balancing_scan_period_max_ms: 60000,
  numa_balancing_scan_size_mb: 256,
  numa_balancing_hot_threshold_ms: 1000,
  numa_balancing_promote_rate_limit_MBps: 65536,
};
