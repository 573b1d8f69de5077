/**
 * Fault catalogue, configs: each case edits one thing in the tiny experiment, runs
 * `tiersim run CASE.yaml --out DIR`, and checks exit code 2, that the message points at the
 * file, line and YAML path of the edit, and that DIR was never created (nothing is written
 * for a config that fails).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tiersim } from '../helpers/cli.js';
import { escapeRe, expectCleanMessage, scratch, TINY_TEXT, writeText } from './helpers.js';

interface Case {
  name: string;
  /** Text replacements on the tiny experiment, applied in order (the first must match). */
  edit: [string, string][];
  /** YAML path the message names. */
  path: string;
  /** Line the message points at; default: the line holding the first replacement's new text. */
  line?: number;
  /** A phrase the message must contain. */
  says?: string;
}

const NODE0 = '{ id: 0, socket: 0, cpus: 1, memory: 8MiB, device: dram }';
const NODE1 = '{ id: 1, socket: 0, cpus: 0, memory: 16MiB, device: pmem }';
const ANON = '{ kind: anon, size: 4MiB, pattern: { type: uniform } }';
const FILEREG = '{ kind: file, file: db, access: mmap, pattern: { type: uniform } }';
const node0 = (to: string): [string, string] => [NODE0, to];
const kernelKey = (line: string): [string, string] => [
  '  demotion_enabled: true',
  `  demotion_enabled: true\n  ${line}`,
];
const taskKey = (line: string): [string, string] => [
  '      accesses_per_op: 100',
  `      accesses_per_op: 100\n      ${line}`,
];
const N = 'topology.nodes';
const R = 'workload.tasks[0].regions';

const CASES: Case[] = [
  // topology
  { name: 'memory without a number', edit: [node0(NODE0.replace('8MiB', 'lots'))], path: `${N}[0].memory` },
  { name: 'negative memory', edit: [node0(NODE0.replace('8MiB', '-8MiB'))], path: `${N}[0].memory` },
  {
    name: 'memory not whole pages',
    edit: [node0(NODE0.replace('8MiB', '8194KiB'))],
    path: `${N}[0].memory`,
    says: 'whole number of pages',
  },
  {
    name: 'memory below a page',
    edit: [node0(NODE0.replace('8MiB', '1KiB'))],
    path: `${N}[0].memory`,
    says: 'at least one page',
  },
  { name: 'memory unknown unit', edit: [node0(NODE0.replace('8MiB', '8MiBs'))], path: `${N}[0].memory` },
  { name: 'node id leaves a gap', edit: [node0(NODE0.replace('id: 0', 'id: 5'))], path: `${N}[0].id` },
  { name: 'node id twice', edit: [[NODE1, NODE1.replace('id: 1', 'id: 0')]], path: `${N}[1].id` },
  { name: 'negative cpus', edit: [node0(NODE0.replace('cpus: 1', 'cpus: -1'))], path: `${N}[0].cpus` },
  { name: 'fractional cpus', edit: [node0(NODE0.replace('cpus: 1', 'cpus: 1.5'))], path: `${N}[0].cpus` },
  { name: 'unknown device', edit: [node0(NODE0.replace('dram', 'hbm'))], path: `${N}[0].device` },
  {
    name: 'unknown node key',
    edit: [node0(NODE0.replace('device: dram', 'device: dram, colour: red'))],
    path: `${N}[0].colour`,
  },
  {
    name: 'socket not a number',
    edit: [node0(NODE0.replace('socket: 0', 'socket: x'))],
    path: `${N}[0].socket`,
  },
  {
    name: 'page size not a power of two',
    edit: [['page_size: 4KiB', 'page_size: 6KiB']],
    path: 'topology.page_size',
  },
  {
    name: 'page size below 4 KiB',
    edit: [['page_size: 4KiB', 'page_size: 2KiB']],
    path: 'topology.page_size',
  },
  {
    name: 'every node PMEM (unbootable)',
    edit: [
      node0(NODE0.replace('cpus: 1', 'cpus: 0').replace('dram', 'pmem')),
      [NODE1, NODE1.replace('cpus: 0', 'cpus: 1')],
    ],
    path: N,
    line: 5,
  },
  {
    name: 'every CPU on a PMEM node (unbootable)',
    edit: [
      [NODE1, NODE1.replace('cpus: 0', 'cpus: 1')],
      [NODE0, NODE0.replace('cpus: 1', 'cpus: 0')],
    ],
    path: `${N}[1].cpus`,
    line: 7,
    says: 'every CPU is on a PMEM node',
  },
  {
    name: 'a machine past 2^30 frames',
    edit: [[NODE1, NODE1.replace('16MiB', '100TiB')]],
    path: `${N}[1].memory`,
    says: '2^30',
  },
  {
    name: 'distances of the wrong shape',
    edit: [[NODE1, `${NODE1}\n  distances: [[10]]`]],
    path: 'topology.distances',
    line: 8,
  },
  {
    name: 'distance diagonal not 10',
    edit: [[NODE1, `${NODE1}\n  distances: [[10, 20], [20, 11]]`]],
    path: 'topology.distances[1][1]',
    line: 8,
  },
  {
    name: 'unknown topology key',
    edit: [['page_size: 4KiB', 'page_size: 4KiB\n  sockets: 2']],
    path: 'topology.sockets',
  },
  { name: 'memory as a list', edit: [node0(NODE0.replace('8MiB', '[8MiB]'))], path: `${N}[0].memory` },
  { name: 'nodes not a list', edit: [['  nodes:\n', '  nodes: 2\n  old_nodes:\n']], path: `${N}`, line: 5 },
  // kernel
  { name: 'unknown kernel version', edit: [["version: '6.1'", "version: '4.19'"]], path: 'kernel.version' },
  {
    name: 'demotion_enabled not a boolean',
    edit: [['demotion_enabled: true', 'demotion_enabled: maybe']],
    path: 'kernel.demotion_enabled',
  },
  { name: 'swappiness above 200', edit: [kernelKey('swappiness: 300')], path: 'kernel.swappiness', line: 11 },
  {
    name: 'numa_balancing mode 7',
    edit: [kernelKey('numa_balancing: 7')],
    path: 'kernel.numa_balancing',
    line: 11,
  },
  {
    name: 'min_free_kbytes a word',
    edit: [kernelKey('min_free_kbytes: lots')],
    path: 'kernel.min_free_kbytes',
    line: 11,
  },
  { name: 'unknown kernel key', edit: [kernelKey('demotion: true')], path: 'kernel.demotion', line: 11 },
  {
    name: 'watermark_scale_factor negative',
    edit: [kernelKey('watermark_scale_factor: -1')],
    path: 'kernel.watermark_scale_factor',
    line: 11,
  },
  {
    name: 'promote rate limit negative',
    edit: [kernelKey('numa_balancing_promote_rate_limit_MBps: -5')],
    path: 'kernel.numa_balancing_promote_rate_limit_MBps',
    line: 11,
  },
  // run
  { name: 'zero duration', edit: [['duration: 4ms', 'duration: 0ms']], path: 'run.duration' },
  { name: 'zero epoch', edit: [['epoch: 1ms', 'epoch: 0ms']], path: 'run.epoch' },
  { name: 'epoch longer than the run', edit: [['epoch: 1ms', 'epoch: 10ms']], path: 'run.epoch' },
  {
    name: 'too many epochs',
    edit: [['duration: 4ms, epoch: 1ms', 'duration: 100s, epoch: 1ns']],
    path: 'run.epoch',
    says: 'epochs',
  },
  { name: 'negative seed', edit: [['seed: 1', 'seed: -1']], path: 'run.seed' },
  { name: 'seed a word', edit: [['seed: 1', 'seed: abc']], path: 'run.seed' },
  { name: 'duration with a size unit', edit: [['duration: 4ms', 'duration: 4MiB']], path: 'run.duration' },
  { name: 'unknown run key', edit: [['seed: 1 }', 'seed: 1, threads: 2 }']], path: 'run.threads' },
  {
    name: 'sample interval below an epoch',
    edit: [['seed: 1 }', 'seed: 1, sample_interval: 100us }']],
    path: 'run.sample_interval',
  },
  // workload: files and regions
  {
    name: 'file size without unit sense',
    edit: [['size: 4MiB }]', 'size: 4MiBx }]']],
    path: 'workload.files[0].size',
  },
  {
    name: 'file size not whole pages',
    edit: [['size: 4MiB }]', 'size: 4097KiB }]']],
    path: 'workload.files[0].size',
    says: 'whole number of pages',
  },
  {
    name: 'file twice',
    edit: [['[{ name: db, size: 4MiB }]', '[{ name: db, size: 4MiB }, { name: db, size: 4MiB }]']],
    path: 'workload.files[1].name',
  },
  {
    name: 'file without a name',
    edit: [['{ name: db, size: 4MiB }', '{ size: 4MiB }']],
    path: 'workload.files[0].name',
  },
  {
    name: 'unknown file key',
    edit: [['{ name: db, size: 4MiB }', '{ name: db, size: 4MiB, path: /tmp/db }']],
    path: 'workload.files[0].path',
  },
  { name: 'cpu that does not exist', edit: [['cpus: [0]', 'cpus: [7]']], path: 'workload.tasks[0].cpus[0]' },
  { name: 'no cpus', edit: [['cpus: [0]', 'cpus: []']], path: 'workload.tasks[0].cpus' },
  {
    name: 'region naming no file',
    edit: [[FILEREG, FILEREG.replace('file: db', 'file: nope')]],
    path: `${R}[1].file`,
  },
  {
    name: 'unknown pattern',
    edit: [[ANON, ANON.replace('uniform', 'random')]],
    path: `${R}[0].pattern.type`,
  },
  { name: 'zero-size anon region', edit: [[ANON, ANON.replace('4MiB', '0MiB')]], path: `${R}[0].size` },
  {
    name: 'anon region not whole pages',
    edit: [[ANON, ANON.replace('4MiB', '4099KiB')]],
    path: `${R}[0].size`,
    says: 'whole number of pages',
  },
  { name: 'anon region without size', edit: [[ANON, ANON.replace('size: 4MiB, ', '')]], path: `${R}[0]` },
  { name: 'unknown access', edit: [[FILEREG, FILEREG.replace('mmap', 'dma')]], path: `${R}[1].access` },
  {
    name: 'anon region naming a file',
    edit: [[ANON, ANON.replace('kind: anon,', 'kind: anon, file: db,')]],
    path: `${R}[0].file`,
  },
  {
    name: 'file region past its file',
    edit: [[FILEREG, FILEREG.replace('file: db,', 'file: db, size: 8MiB,')]],
    path: `${R}[1].size`,
  },
  {
    name: 'file region offset past the end',
    edit: [[FILEREG, FILEREG.replace('file: db,', 'file: db, offset: 8MiB,')]],
    path: `${R}[1].offset`,
  },
  {
    name: 'file region offset not whole pages',
    edit: [[FILEREG, FILEREG.replace('file: db,', 'file: db, offset: 5KiB, size: 8KiB,')]],
    path: `${R}[1].offset`,
  },
  {
    name: 'unknown region kind',
    edit: [[ANON, ANON.replace('kind: anon', 'kind: shm')]],
    path: `${R}[0].kind`,
  },
  {
    name: 'hotset fraction above 1',
    edit: [[ANON, ANON.replace('{ type: uniform }', '{ type: hotset, fraction: 2, probability: 0.9 }')]],
    path: `${R}[0].pattern.fraction`,
  },
  {
    name: 'zipfian theta negative',
    edit: [[ANON, ANON.replace('{ type: uniform }', '{ type: zipfian, theta: -1 }')]],
    path: `${R}[0].pattern.theta`,
  },
  {
    name: 'write_fraction above 1',
    edit: [[ANON, ANON.replace('kind: anon,', 'kind: anon, write_fraction: 1.5,')]],
    path: `${R}[0].write_fraction`,
  },
  {
    name: 'a workload past 2^30 pages',
    edit: [[ANON, ANON.replace('4MiB', '5TiB')]],
    path: `${R}[0].size`,
    says: '2^30',
  },
  // workload: tasks
  {
    name: 'zero accesses per op',
    edit: [['accesses_per_op: 100', 'accesses_per_op: 0']],
    path: 'workload.tasks[0].accesses_per_op',
  },
  {
    name: 'cpu_per_access in parsecs',
    edit: [['cpu_per_access: 50ns', 'cpu_per_access: 50pc']],
    path: 'workload.tasks[0].cpu_per_access',
  },
  {
    name: 'unknown task key',
    edit: [taskKey('priority: high')],
    path: 'workload.tasks[0].priority',
    line: 19,
  },
  {
    name: 'unknown policy mode',
    edit: [taskKey('policy: { mode: random }')],
    path: 'workload.tasks[0].policy.mode',
    line: 19,
  },
  {
    name: 'bind to a node that does not exist',
    edit: [taskKey('policy: { mode: bind, nodes: [9] }')],
    path: 'workload.tasks[0].policy.nodes[0]',
    line: 19,
  },
  {
    name: 'task without a name',
    edit: [['    - name: app\n      cpus', '    - cpus']],
    path: 'workload.tasks[0].name',
    line: 15,
  },
  {
    name: 'two tasks with one name',
    edit: [
      ['  tasks:\n', '  tasks:\n    - { name: app, cpus: [0], regions: [{ kind: anon, size: 1MiB }] }\n'],
    ],
    path: 'workload.tasks[1].name',
    line: 16,
  },
  // actions
  {
    name: 'action for no task',
    edit: [[FILEREG, `${FILEREG}\n  actions: [{ at: 1ms, task: nobody, do: madvise_pageout, region: 0 }]`]],
    path: 'workload.actions[0].task',
    line: 22,
  },
  {
    name: 'unknown action',
    edit: [[FILEREG, `${FILEREG}\n  actions: [{ at: 1ms, task: app, do: explode, region: 0 }]`]],
    path: 'workload.actions[0].do',
    line: 22,
  },
  {
    name: 'action on a region that does not exist',
    edit: [[FILEREG, `${FILEREG}\n  actions: [{ at: 1ms, task: app, do: madvise_pageout, region: 5 }]`]],
    path: 'workload.actions[0].region',
    line: 22,
  },
  {
    name: 'action time without unit',
    edit: [[FILEREG, `${FILEREG}\n  actions: [{ at: soon, task: app, do: madvise_pageout, region: 0 }]`]],
    path: 'workload.actions[0].at',
    line: 22,
  },
  // storage and top level
  {
    name: 'unknown disk preset',
    edit: [['run: {', 'storage: { disk: { preset: floppy } }\nrun: {']],
    path: 'storage.disk.preset',
  },
  {
    name: 'swap size a word',
    edit: [['run: {', 'storage: { swap: { size: lots } }\nrun: {']],
    path: 'storage.swap.size',
  },
  {
    name: 'negative read-ahead',
    edit: [['run: {', 'storage: { read_ahead_kb: -1 }\nrun: {']],
    path: 'storage.read_ahead_kb',
  },
  { name: 'unknown top-level key', edit: [['run: {', 'extra: 1\nrun: {']], path: 'extra' },
  {
    name: 'unknown workload key',
    edit: [['  tasks:\n', '  threads: 4\n  tasks:\n']],
    path: 'workload.threads',
  },
  {
    name: 'pgbench scale zero',
    edit: [
      [
        '      regions:\n',
        '      pgbench: { scale: 0, shared_buffers: 1MiB, wal_size: 1MiB }\n      old_regions:\n',
      ],
    ],
    path: 'workload.tasks[0].pgbench.scale',
  },
  // YAML itself and includes
  { name: 'YAML: an unclosed flow sequence', edit: [['cpus: [0]', 'cpus: [0']], path: '' },
  {
    name: 'YAML: a tab in the indentation',
    edit: [['      cpus: [0]', '\tcpus: [0]']],
    path: '',
  },
  {
    name: 'YAML: a duplicate key',
    edit: [['      cpus: [0]', '      cpus: [0]\n      cpus: [0]']],
    path: '',
  },
  {
    name: 'include of a missing file',
    edit: [['topology:', 'include: nothere.yaml\ntopology:']],
    path: 'include',
  },
  {
    name: 'include of a directory',
    edit: [['topology:', 'include: .\ntopology:']],
    path: 'include',
    says: 'is a directory',
  },
  {
    name: 'include of itself',
    edit: [['topology:', 'include: case.yaml\ntopology:']],
    path: 'include',
    says: 'cycle',
  },
  {
    name: 'a sweep given to run',
    edit: [['run: {', 'sweep: { grid: { run.seed: [1, 2] } }\nrun: {']],
    path: 'sweep',
  },
];

describe('fault catalogue: bad configs are located errors and write nothing', () => {
  const tmp = scratch('config');
  afterAll(() => tmp.remove());

  it.each(CASES.map((c, i) => [`${i + 1}. ${c.name}`, c] as const))('%s', async (_name, c) => {
    const dir = path.join(tmp.dir, `case-${CASES.indexOf(c)}`);
    mkdirSync(dir);
    let text = TINY_TEXT;
    for (const [from, to] of c.edit) {
      expect(text.includes(from), `edit source ${JSON.stringify(from)}`).toBe(true);
      text = text.replace(from, to);
    }
    const file = writeText(path.join(dir, 'case.yaml'), text);
    const out = path.join(dir, 'out');
    const r = await tiersim('run', file, '--out', out, '-q');
    expectCleanMessage(r);
    expect(r.code, r.stderr).toBe(2);
    if (c.path !== '') {
      const expected = c.line ?? firstChangedLine(TINY_TEXT, text);
      expect(r.stderr).toMatch(new RegExp(`^${escapeRe(file)}:${expected}:\\d+: ${escapeRe(c.path)}:`, 'm'));
    } else {
      expect(r.stderr).toMatch(new RegExp(`^${escapeRe(file)}:\\d+:\\d+:`, 'm'));
    }
    if (c.says !== undefined) expect(r.stderr).toContain(c.says);
    expect(r.stderr).toContain('nothing was run or written');
    expect(existsSync(out)).toBe(false);
  });
});

/** The first line where `after` differs from `before` (1-based): where the edit is. */
function firstChangedLine(before: string, after: string): number {
  const a = before.split('\n');
  const b = after.split('\n');
  const i = b.findIndex((l, k) => l !== a[k]);
  return i + 1;
}
