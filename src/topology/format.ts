/**
 * What `tiersim topology` prints: a `numactl -H`-like block a user can hold against the real
 * machine, then what the kernel derived from it (tiers, demotion paths, zonelists, watermarks),
 * and a JSON form with stable keys for scripts and golden tests.
 */
import { MEMTIER_CHUNK_SIZE } from './tiers.js';
import type { Machine, MemoryTier, Watermarks } from './machine.js';

/** Lines are wrapped or tabulated to fit a terminal this wide. */
const WIDTH = 100;
const MIB = 1024 * 1024;

export function formatTopology(machine: Machine): string {
  return [
    numactlBlock(machine),
    latencyBlock(machine),
    tierBlock(machine),
    demotionBlock(machine),
    zonelistBlock(machine),
    watermarkBlock(machine),
  ]
    .map((lines) => lines.join('\n'))
    .join('\n\n')
    .concat('\n');
}

function numactlBlock(m: Machine): string[] {
  const lines = [
    `${m.name}: ${m.nodes.length} nodes, ${m.cpuNode.length} CPUs, page size ${m.pageSize / 1024} KiB, ` +
      `kernel ${m.demotion.version}`,
    `available: ${m.nodes.length} nodes (${nodeList(m.nodes.map((n) => n.nid))})`,
  ];
  for (const node of m.nodes) {
    lines.push(...wrapWords(`node ${node.nid} cpus:`, node.cpus.map(String)));
    // numactl's "MB" are MiB of the memory the allocator manages.
    lines.push(`node ${node.nid} size: ${Math.floor((node.managedPages * m.pageSize) / MIB)} MB`);
    lines.push(
      `node ${node.nid} device: ${node.device} on socket ${node.socket}, latency r/w ` +
        `${node.latencyReadNs}/${node.latencyWriteNs} ns, bandwidth r/w ` +
        `${gb(node.bandwidthReadBps)}/${gb(node.bandwidthWriteBps)} GB/s`,
    );
    const tier = tierOf(m, node.nid);
    lines.push(
      `node ${node.nid} tier: ${tier === undefined ? 'none (no memory)' : tier.id}, ` +
        `adistance ${node.adistance}${m.topTier[node.nid] ? ', top tier' : ''}`,
    );
  }
  lines.push('node distances:');
  lines.push(['node', ...m.nodes.map((n) => pad(String(n.nid), 3))].join(' '));
  m.distances.forEach((row, i) => {
    lines.push([pad(`${i}:`, 4), ...row.map((d) => pad(String(d), 3))].join(' '));
  });
  return lines;
}

function latencyBlock(m: Machine): string[] {
  const cpuNodes = m.nodes.filter((n) => n.cpus.length > 0).map((n) => n.nid);
  if (cpuNodes.length === 0) return ['access latency: no node has CPUs'];
  return [
    'access latency, ns read/write (rows: CPU nodes, columns: memory nodes):',
    ...table(
      [
        ['node', ...m.nodes.map((n) => String(n.nid))],
        ...cpuNodes.map((c) => [
          `${c}:`,
          ...m.nodes.map((n) => `${m.readLatencyNs[c][n.nid]}/${m.writeLatencyNs[c][n.nid]}`),
        ]),
      ],
      'r',
    ),
  ];
}

function tierBlock(m: Machine): string[] {
  const v615 = m.demotion.version === '5.15';
  const cpuNodes = m.nodes.filter((n) => n.cpus.length > 0).map((n) => n.nid);
  const title = v615
    ? `memory tiers (6.1 view; 5.15 has none and its top tier is the CPU nodes: ${nodeList(cpuNodes)}):`
    : 'memory tiers (fastest first; id = adistance >> 7):';
  const rows = m.tiers.map((tier) => [
    String(tier.id),
    `${tier.adistanceStart}-${tier.adistanceStart + MEMTIER_CHUNK_SIZE - 1}`,
    nodeList(tier.nodes),
    !v615 && tier.nodes.every((n) => m.topTier[n]) ? 'top tier' : '',
  ]);
  return [title, ...table([['tier', 'adistance', 'nodes', ''], ...rows], 'l')];
}

function demotionBlock(m: Machine): string[] {
  const { version, preferred, allowed } = m.demotion;
  const title =
    version === '5.15'
      ? 'demotion targets (kernel 5.15: one target per node, not shared within a pass):'
      : 'demotion targets (kernel 6.1: preferred = nearest of the next lower tier, allowed = all lower):';
  const lines = [title];
  for (const node of m.nodes) {
    const p = preferred[node.nid];
    const a = allowed[node.nid];
    let text: string;
    if (p.length === 0 && a.length === 0) text = 'none';
    else if (version === '5.15') text = nodeList(p);
    else text = `preferred ${p.length > 0 ? nodeList(p) : 'none'}, allowed ${nodeList(a)}`;
    lines.push(`  node ${node.nid} -> ${text}`);
  }
  return lines;
}

function zonelistBlock(m: Machine): string[] {
  return [
    'zonelists (allocation fallback order):',
    ...m.zonelists.flatMap((list, nid) => wrapWords(`  node ${nid}:`, list.map(String))),
  ];
}

function watermarkBlock(m: Machine): string[] {
  const rows = m.nodes.flatMap((node) => {
    const w: Watermarks = m.watermarks[node.nid];
    const zoneRows = node.zones.map((z) => [
      '',
      z.name,
      String(z.managedPages),
      String(z.watermarks.min),
      String(z.watermarks.low),
      String(z.watermarks.high),
      String(z.watermarks.promo),
      z.lowmemReserve.join(','),
    ]);
    const nodeRow = [
      String(node.nid),
      'node',
      String(node.managedPages),
      String(w.min),
      String(w.low),
      String(w.high),
      String(w.promo),
      mib(w.high * m.pageSize),
    ];
    return [nodeRow, ...zoneRows];
  });
  return [
    `watermarks, pages; min_free_kbytes ${m.minFreeKbytes}; a node's marks are its zones' plus their`,
    'lowmem_reserve (protection, by highest zone DMA,DMA32,Normal,Movable) for a user allocation:',
    ...table(
      [['node', 'zone', 'managed', 'min', 'low', 'high', 'promo', 'high MiB / protection'], ...rows],
      'r',
    ),
  ];
}

/** A column-aligned table, two spaces between columns, indented by two. */
function table(rows: readonly (readonly string[])[], align: 'l' | 'r'): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map(
    (r) =>
      '  ' +
      r
        .map((cellText, c) => (align === 'r' ? pad(cellText, widths[c]) : cellText.padEnd(widths[c])))
        .join('  ')
        .trimEnd(),
  );
}

/** `label word word ...`, continued on indented lines instead of running past WIDTH. */
function wrapWords(label: string, words: readonly string[]): string[] {
  const lines: string[] = [];
  let line = label;
  for (const word of words) {
    if (line.length + 1 + word.length > WIDTH && line.trim() !== label.trim()) {
      lines.push(line);
      line = ' '.repeat(label.length);
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

/** sysfs nodelist style: 0-1,3. */
export function nodeList(ids: readonly number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function tierOf(m: Machine, nid: number): MemoryTier | undefined {
  const index = m.nodeTier[nid];
  return index < 0 ? undefined : m.tiers[index];
}

function pad(text: string, width: number): string {
  return text.padStart(width);
}

function gb(bps: number): string {
  return String(+(bps / 1e9).toFixed(1));
}

function mib(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

export interface TopologyJsonNode {
  id: number;
  /** Memory tier id (adistance >> 7); null for a memoryless node. */
  tier: number | null;
  zonelist: number[];
  demotion: { preferred: number[]; allowed: number[] };
  /** Pages. */
  watermarks: Watermarks;
  /** Populated zones, lowest first (pages). */
  zones: { name: string; managed: number; watermarks: Watermarks; protection: number[] }[];
}

export interface TopologyJson {
  nodes: TopologyJsonNode[];
  kernel: Machine['demotion']['version'];
  min_free_kbytes: number;
  distances: number[][];
  tiers: { id: number; adistance_start: number; nodes: number[] }[];
  /** node_is_toptier() per the kernel version. */
  top_tier_nodes: number[];
}

export function topologyJson(m: Machine): TopologyJson {
  return {
    nodes: m.nodes.map((node) => {
      const w = m.watermarks[node.nid];
      return {
        id: node.nid,
        tier: tierOf(m, node.nid)?.id ?? null,
        zonelist: [...m.zonelists[node.nid]],
        demotion: {
          preferred: [...m.demotion.preferred[node.nid]],
          allowed: [...m.demotion.allowed[node.nid]],
        },
        watermarks: { min: w.min, low: w.low, high: w.high, promo: w.promo },
        zones: node.zones.map((z) => ({
          name: z.name,
          managed: z.managedPages,
          watermarks: { ...z.watermarks },
          protection: [...z.lowmemReserve],
        })),
      };
    }),
    kernel: m.demotion.version,
    min_free_kbytes: m.minFreeKbytes,
    distances: m.distances.map((row) => [...row]),
    tiers: m.tiers.map((t) => ({ id: t.id, adistance_start: t.adistanceStart, nodes: [...t.nodes] })),
    top_tier_nodes: m.nodes.filter((n) => m.topTier[n.nid]).map((n) => n.nid),
  };
}
