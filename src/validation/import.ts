/**
 * The importer of the real-kernel calibration runs (`npm run import-calibration`): turns a
 * calibration directory (its summary.json and one results/RUN_ID.json per boot) into the
 * figures the repo owns, validation/linux-6.12/figures.json. Only this step reads the
 * calibration directory; the validation command and the tests read figures.json.
 *
 * Pure functions over parsed JSON, so a test can feed it a tiny fixture.
 */

/** Kernel counters copied per run from each result's vmstat_delta (before -> end). */
export const IMPORTED_VMSTAT = [
  'pgdemote_kswapd',
  'pgdemote_direct',
  'pgpromote_success',
  'pgpromote_candidate',
  'pgscan_kswapd',
  'pgscan_direct',
  'pgsteal_kswapd',
  'pgsteal_direct',
  'pgsteal_anon',
  'pgsteal_file',
  'pswpin',
  'pswpout',
  'pgmajfault',
  'pgfault',
  'workingset_refault_anon',
  'workingset_refault_file',
  'workingset_activate_anon',
  'workingset_activate_file',
  'numa_hint_faults',
  'numa_hint_faults_local',
  'numa_pte_updates',
  'numa_pages_migrated',
  'pgmigrate_success',
  'pgmigrate_fail',
  'kswapd_low_wmark_hit_quickly',
  'kswapd_high_wmark_hit_quickly',
  'pageoutrun',
  'allocstall_normal',
  'allocstall_dma32',
  'allocstall_movable',
] as const;

export interface ZoneFacts {
  node: number;
  zone: string;
  managed: number;
  present: number;
  min: number;
  low: number;
  high: number;
  promo: number;
  /** lowmem_reserve of this zone against allocations of each higher zone index. */
  protection: number[];
}

export interface MachineFacts {
  kernel: string;
  accel: string;
  nodes: { id: number; cpus: string; distance: number[]; memtotal_kB: number }[];
  zones: ZoneFacts[];
  swap_kB: number;
  sysctl: Record<string, string>;
  demotion_targets: string[];
  memory_tiers: Record<string, string>;
}

export interface CaseFigures {
  /** W1p, W2p, W2q or W3p. */
  workload: string;
  policy: string;
  demotion: 0 | 1;
  lru: 'classic' | 'mglru';
  numa_balancing: number;
  runs: string[];
  /** Per-run values, in `runs` order: SUMMARY.md's metrics plus IMPORTED_VMSTAT. */
  metrics: Record<string, (number | null)[]>;
  /** The workload program's own report per run (access-sequence fingerprint, phase times). */
  workload_report: Record<string, unknown>[];
}

export interface Figures {
  source: string;
  machine: MachineFacts;
  cases: Record<string, CaseFigures>;
}

/** Shape of one summary.json entry (only what is used). */
interface SummaryEntry {
  workload: string;
  policy: string;
  demotion: number;
  runs: string[];
  metrics: Record<string, { values: (number | null)[] } | null>;
}

type Json = Record<string, unknown>;

function obj(v: unknown, what: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${what}: expected an object`);
  return v as Json;
}

function num(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new Error(`${what}: expected a number, got ${JSON.stringify(v)}`);
}

/** `W1p-bind0-d1` or `W1p-bind0-d1-mglru` from a summary key such as `W1p[mglru]|bind0|1`. */
export function caseId(summaryKey: string): { id: string; workload: string; lru: 'classic' | 'mglru' } {
  const m = /^([A-Za-z0-9]+)(\[mglru\])?\|([A-Za-z0-9]+)\|([01])$/.exec(summaryKey);
  if (m === null) throw new Error(`summary.json: unexpected case key ${JSON.stringify(summaryKey)}`);
  const lru = m[2] === undefined ? 'classic' : 'mglru';
  return { id: `${m[1]}-${m[3]}-d${m[4]}${lru === 'mglru' ? '-mglru' : ''}`, workload: m[1], lru };
}

/** The machine as the first result's guest reported it (identical in every boot). */
export function machineFacts(result: Json): MachineFacts {
  const guest = obj(result.guest, 'guest');
  const nodesJson = obj(guest.nodes, 'guest.nodes');
  const before = obj(obj(result.snapshots, 'snapshots').before, 'snapshots.before');
  const nodeMeminfo = obj(before.node_meminfo, 'snapshots.before.node_meminfo');
  const meminfo = obj(before.meminfo_kB, 'snapshots.before.meminfo_kB');
  const nodes = Object.keys(nodesJson)
    .map(Number)
    .sort((a, b) => a - b)
    .map((id) => {
      const n = obj(nodesJson[String(id)], `guest.nodes.${id}`);
      return {
        id,
        cpus: typeof n.cpulist === 'string' ? n.cpulist : '',
        distance: (n.distance as unknown[]).map((d, i) => num(d, `guest.nodes.${id}.distance[${i}]`)),
        memtotal_kB: num(obj(nodeMeminfo[String(id)], `node_meminfo.${id}`).MemTotal_kB, 'MemTotal_kB'),
      };
    });
  const zones = (result.zones_before as unknown[])
    .map((z, i) => obj(z, `zones_before[${i}]`))
    .filter((z) => num(z.managed, 'managed') > 0)
    .map((z) => ({
      node: num(z.node, 'node'),
      zone: String(z.zone),
      managed: num(z.managed, 'managed'),
      present: num(z.present, 'present'),
      min: num(z.min, 'min'),
      low: num(z.low, 'low'),
      high: num(z.high, 'high'),
      promo: num(z.promo, 'promo'),
      protection: (z.protection as unknown[]).map((p) => num(p, 'protection')),
    }));
  const sysctl = obj(guest.sysctl, 'guest.sysctl');
  return {
    kernel: typeof guest.uname === 'string' ? guest.uname : '',
    accel: typeof result.accel === 'string' ? result.accel : '',
    nodes,
    zones,
    swap_kB: num(meminfo.SwapTotal, 'SwapTotal'),
    sysctl: Object.fromEntries(Object.entries(sysctl).map(([k, v]) => [k, String(v)])),
    demotion_targets: (guest.demotion_targets_dmesg as unknown[] | undefined)?.map(String) ?? [],
    memory_tiers: Object.fromEntries(
      Object.entries(obj(guest.memory_tiers ?? {}, 'guest.memory_tiers')).map(([k, v]) => [k, String(v)]),
    ),
  };
}

/**
 * The workload's page tables per run: meminfo PageTables (kB) at `end` (the program still holds
 * its memory) minus `before`, per node (nodes 0 and 1: PMEM nodes have no ZONE_NORMAL, so never
 * any) and in total. The rest of the system's tables (a few hundred kB) cancel out.
 */
export function pagetableMetrics(runResults: Json[]): Record<string, (number | null)[]> {
  const out: Record<string, (number | null)[]> = { pagetables_kB: [] };
  const nodes = [0, 1];
  for (const n of nodes) out[`pagetables_node${n}_kB`] = [];
  for (const r of runResults) {
    const snaps = obj(r.snapshots, 'snapshots');
    const at = (when: string, n: number): number | null => {
      const nodes =
        snaps[when] === undefined ? undefined : obj(snaps[when], `snapshots.${when}`).node_meminfo;
      if (nodes === undefined) return null;
      const node = obj(nodes, `snapshots.${when}.node_meminfo`)[String(n)];
      const v = node === undefined ? undefined : obj(node, `node_meminfo.${n}`).PageTables_kB;
      return v === undefined ? null : num(v, 'PageTables_kB');
    };
    let total: number | null = 0;
    for (const n of nodes) {
      const end = at('end', n);
      const before = at('before', n);
      const d = end === null || before === null ? null : end - before;
      out[`pagetables_node${n}_kB`].push(d);
      total = d === null || total === null ? null : total + d;
    }
    out.pagetables_kB.push(total);
  }
  return out;
}

/** What the workload program reported about itself (no placement histograms: too large). */
function workloadReport(result: Json): Record<string, unknown> {
  const report = obj(result.workload_report ?? {}, 'workload_report');
  const out: Record<string, unknown> = {};
  for (const key of ['config', 'phases', 'result', 'idx', 'passes']) {
    if (report[key] !== undefined) out[key] = report[key];
  }
  const hot = report.hot;
  if (Array.isArray(hot) && hot.length > 0) out.hot = hot;
  return out;
}

/**
 * Builds figures.json from summary.json and the results by run id. `results(runId)` returns
 * the parsed results/RUN_ID.json.
 */
export function buildFigures(
  summary: Json,
  results: (runId: string) => Json,
  source = 'Linux 6.12 calibration runs',
): Figures {
  const cases: Record<string, CaseFigures> = {};
  let machine: MachineFacts | undefined;
  for (const key of Object.keys(summary).sort()) {
    const entry = summary[key] as SummaryEntry;
    const { id, workload, lru } = caseId(key);
    const runResults = entry.runs.map((run) => results(run));
    machine ??= machineFacts(runResults[0]);
    const metrics: Record<string, (number | null)[]> = {};
    for (const [name, m] of Object.entries(entry.metrics)) {
      if (m === null) continue;
      if (m.values.length !== entry.runs.length) {
        throw new Error(
          `summary.json ${key}.${name}: ${m.values.length} values for ${entry.runs.length} runs`,
        );
      }
      metrics[name] = m.values.map((v) => (v === null ? null : num(v, `${key}.${name}`)));
    }
    for (const name of IMPORTED_VMSTAT) {
      metrics[name] ??= runResults.map((r) => {
        const v = obj(r.vmstat_delta, 'vmstat_delta')[name];
        return v === undefined ? null : num(v, `${name}`);
      });
    }
    Object.assign(metrics, pagetableMetrics(runResults));
    const first = runResults[0];
    cases[id] = {
      workload,
      policy: entry.policy,
      demotion: entry.demotion === 1 ? 1 : 0,
      lru,
      numa_balancing: num(first.numa_balancing ?? 0, 'numa_balancing'),
      runs: [...entry.runs],
      metrics: Object.fromEntries(Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b))),
      workload_report: runResults.map(workloadReport),
    };
  }
  if (machine === undefined) throw new Error('summary.json has no cases');
  return { source, machine, cases };
}
