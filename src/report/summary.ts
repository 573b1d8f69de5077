/**
 * The terminal summary of a run: what ran, the score, the vmstat counters that tell the
 * demotion story per node, then numastat- and meminfo-style per-node tables.
 */
import { partialNote } from './partial.js';
import { formatDuration } from '../config/units.js';
import type { RunResult } from '../metrics/result.js';
import { formatCount, renderTable } from './table.js';

/** Counters shown in the summary, in the order a reader follows the story. */
export const SUMMARY_COUNTERS = [
  'pgfault',
  'pgmajfault',
  'tiersim_read_miss',
  'pgalloc_normal',
  'pgscan_kswapd',
  'pgsteal_kswapd',
  'pgscan_direct',
  'pgsteal_direct',
  'pgdemote_kswapd',
  'pgdemote_direct',
  'pgmigrate_success',
  'pgmigrate_fail',
  'pswpin',
  'pswpout',
  'workingset_refault_anon',
  'workingset_refault_file',
  'pgactivate',
  'pgdeactivate',
  'allocstall_normal',
  'tiersim_alloc_fail',
] as const;

const MEMINFO_ROWS = [
  'MemTotal',
  'MemFree',
  'Active',
  'Inactive',
  'AnonPages',
  'FilePages',
  'Dirty',
  'Writeback',
] as const;

function nodeHeader(result: RunResult): string[] {
  return result.nodes.map((n) => `node ${n.id}`);
}

export function formatSummary(result: RunResult): string {
  const out: string[] = [];
  const demotion = result.demotion_enabled ? 'on' : 'off';
  out.push(
    `tiersim ${result.version} · ${result.config_file} · seed ${result.seed} · kernel ${result.kernel_version} · demotion ${demotion}${result.lru_gen_enabled ? ' · multi-gen LRU' : ''}`,
  );
  if (result.description !== undefined) out.push(result.description);
  const note = partialNote(result);
  const partial = note === undefined ? '' : ` (${note})`;
  let line = `${formatDuration(result.duration_ns)} simulated in ${result.epochs_run} epochs of ${formatDuration(result.epoch_ns)}${partial}`;
  if (result.wall !== undefined) {
    line += ` · wall ${(result.wall.elapsed_ms / 1000).toFixed(1)} s (${(result.wall.accesses_per_second / 1e6).toFixed(1)} M accesses/s, ${result.wall.scheduler}${result.wall.auto_choice === undefined ? '' : ` → ${result.wall.auto_choice}`})`;
  }
  out.push(line, '');
  const tasks = result.tasks.map((t) => `${t.name} ${formatCount(Math.round(t.score))}`).join(' · ');
  out.push(`score  ${formatCount(Math.round(result.score))} operations/s   (${tasks})`);
  const seconds = result.duration_ns / 1e9;
  for (const [device, stat] of Object.entries(result.block)) {
    if (stat.read_ios + stat.write_ios === 0) continue;
    const mbps = (sectors: number) => ((sectors * 512) / 1e6 / seconds).toFixed(1);
    const avg =
      stat.read_ios > 0 ? ` (mean read ${((stat.read_ticks * 1000) / stat.read_ios).toFixed(0)} us)` : '';
    out.push(
      `${device}: read ${mbps(stat.read_sectors)} MB/s in ${formatCount(stat.read_ios)} I/Os${avg}, write ${mbps(stat.write_sectors)} MB/s`,
    );
  }
  out.push('');

  const header = nodeHeader(result);
  out.push(
    renderTable(
      ['vmstat', ...header, 'total'],
      SUMMARY_COUNTERS.map((name) => [
        name,
        ...result.nodes.map((n) => formatCount(n.vmstat[name])),
        formatCount(result.vmstat[name]),
      ]),
    ),
    '',
  );
  out.push(
    renderTable(
      ['numastat (pages)', ...header],
      Object.keys(result.nodes[0].numastat).map((name) => [
        name,
        ...result.nodes.map((n) => formatCount(n.numastat[name])),
      ]),
    ),
    '',
  );
  out.push(
    renderTable(
      ['meminfo (MiB)', ...header],
      MEMINFO_ROWS.map((name) => [name, ...result.nodes.map((n) => (n.meminfo[name] / 1024).toFixed(1))]),
    ),
    '',
  );
  const cpuNodes = result.nodes.filter((n) => n.cpus.length > 0);
  out.push(
    renderTable(
      ['accesses to resident pages served (% of CPU node)', ...header],
      cpuNodes.map((n) => {
        const row = result.access_matrix[n.id];
        const total = row.reduce((a, b) => a + b, 0);
        return [
          `from node ${n.id}`,
          ...row.map((v) => (total > 0 ? `${((100 * v) / total).toFixed(1)}%` : '-')),
        ];
      }),
    ),
  );
  if (result.vmstat['tiersim_alloc_fail'] > 0) {
    out.push(
      '',
      `warning: ${result.vmstat['tiersim_alloc_fail']} allocations found no memory even after direct reclaim (the kernel would have OOM-killed a task).`,
    );
  }
  out.push('', `digest ${result.digest}`);
  return out.join('\n');
}
