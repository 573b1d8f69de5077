/**
 * Bad configs: each must fail with the right code, at the right YAML path, file, line and
 * column, and say what was expected. Line numbers are counted in the `lines(...)` arguments.
 */
import { describe, expect, it } from 'vitest';
import { TWO_NODES, expectOnly, expectProblem, failure, lines, MAIN } from './helpers.js';

/** TWO_NODES plus a workload (lines 9.. follow). */
function withWorkload(...ls: string[]): string {
  return lines(...TWO_NODES, 'workload:', ...ls);
}

describe('YAML errors', () => {
  it('reports a syntax error with file:line:col and the path it is in', () => {
    const err = failure(lines('topology:', '  nodes: [{id: 0, memory: 1GiB}]', 'run:', '  seed: @1'));
    expectOnly(err, {
      code: 'YAML_SYNTAX',
      path: 'run.seed',
      file: MAIN,
      line: 4,
      col: 9,
      phrase: 'cannot start with reserved character @',
    });
  });

  it('rejects a tab used as indentation', () => {
    const err = failure(lines('topology:', '  nodes:', '    - id: 0', '\tmemory: 1GiB'));
    expectProblem(err, {
      code: 'YAML_SYNTAX',
      path: 'topology.nodes[0].id',
      file: MAIN,
      line: 4,
      col: 1,
      phrase: 'Tabs are not allowed as indentation',
    });
  });

  it('rejects a duplicate key, at the second occurrence', () => {
    const err = failure(
      lines(
        'topology:',
        '  nodes:',
        '    - id: 0',
        '      memory: 1GiB',
        '      cpus: 1',
        '      memory: 2GiB',
      ),
    );
    expectOnly(err, {
      code: 'YAML_SYNTAX',
      path: 'topology.nodes[0].memory',
      file: MAIN,
      line: 6,
      col: 7,
      phrase: 'duplicate key "memory"',
    });
  });

  it('treats yaml warnings (an unresolved tag) as errors', () => {
    const err = failure(lines('topology:', '  nodes: [{id: 0, memory: !big 1GiB}]'));
    expectOnly(err, {
      code: 'YAML_SYNTAX',
      path: 'topology.nodes[0].memory',
      file: MAIN,
      line: 2,
      col: 27,
      phrase: 'Unresolved tag: !big',
    });
  });

  it('rejects several documents in one file', () => {
    const err = failure(lines('topology:', '  nodes: [{id: 0, memory: 1GiB}]', '---', 'run: {}'));
    expect(err.problems[0]?.code).toBe('YAML_SYNTAX');
    expect(err.problems[0]?.location).toEqual({ file: MAIN, line: 3, col: 1 });
    expect(err.problems[0]?.message).toContain('multiple documents');
  });
});

describe('unknown and missing keys', () => {
  it('names an unknown top-level key, suggests the near one and lists the allowed keys', () => {
    const err = failure(
      lines('topology:', '  nodes: [{id: 0, memory: 1GiB}]', 'kernal:', '  version: "5.15"'),
    );
    const p = expectOnly(err, {
      code: 'UNKNOWN_KEY',
      path: 'kernal',
      file: MAIN,
      line: 3,
      col: 1,
      phrase: 'unknown key "kernal"; did you mean "kernel"?',
    });
    expect(p.message).toContain(
      'allowed keys here: include, description, topology, kernel, storage, costs, run, workload',
    );
  });

  it('names an unknown key in a node, at the key', () => {
    const err = failure(
      lines('topology:', '  nodes:', '    - id: 0', '      memory: 1GiB', '      size: 1GiB'),
    );
    const p = expectOnly(err, {
      code: 'UNKNOWN_KEY',
      path: 'topology.nodes[0].size',
      file: MAIN,
      line: 5,
      col: 7,
      phrase: 'unknown key "size"',
    });
    expect(p.message).toContain('id, socket, cpus, memory, device');
  });

  it('names an unknown key in a pattern and lists the keys of that pattern type', () => {
    const err = failure(
      withWorkload(
        '  tasks:',
        '    - name: app',
        '      cpus: [0]',
        '      regions:',
        '        - kind: anon',
        '          size: 1MiB',
        '          pattern: {type: zipfian, skew: 0.9}',
      ),
    );
    expectOnly(err, {
      code: 'UNKNOWN_KEY',
      path: 'workload.tasks[0].regions[0].pattern.skew',
      file: MAIN,
      line: 16,
      col: 36,
      phrase: 'unknown key "skew" (allowed keys here: type, theta)',
    });
  });

  it('reports a missing required key at the object that lacks it', () => {
    const err = failure(lines('topology:', '  nodes:', '    - id: 0', '      cpus: 2'));
    expectOnly(err, {
      code: 'MISSING_KEY',
      path: 'topology.nodes[0].memory',
      file: MAIN,
      line: 3,
      col: 7,
      phrase: 'missing required key "memory"; expected a size such as 16GiB',
    });
  });
});

describe('units and values', () => {
  it('rejects 16Gb (wrong unit) at the value', () => {
    const err = failure(lines('topology:', '  nodes:', '    - id: 0', '      memory: 16Gb'));
    expectOnly(err, {
      code: 'BAD_UNIT',
      path: 'topology.nodes[0].memory',
      file: MAIN,
      line: 4,
      col: 15,
      phrase:
        'expected a size such as 16GiB or 4KiB (units: B, KiB, MiB, GiB, TiB, KB, MB, GB, TB; a bare number is bytes), received "16Gb"',
    });
  });

  it('rejects a duration of 10 parsecs', () => {
    const err = failure(
      lines('topology:', '  nodes: [{id: 0, memory: 1GiB}]', 'run:', '  duration: 10 parsecs'),
    );
    expectOnly(err, {
      code: 'BAD_UNIT',
      path: 'run.duration',
      file: MAIN,
      line: 4,
      col: 13,
      phrase: 'expected a duration such as 305ns or 1ms',
    });
  });

  it('rejects a negative size', () => {
    const err = failure(lines('topology:', '  nodes:', '    - id: 0', '      memory: -1GiB'));
    expectOnly(err, {
      code: 'OUT_OF_RANGE',
      path: 'topology.nodes[0].memory',
      file: MAIN,
      line: 4,
      col: 15,
      phrase: 'must not be negative, received "-1GiB"',
    });
  });

  it('rejects a size that is a list', () => {
    const err = failure(lines('topology:', '  nodes:', '    - id: 0', '      memory: [1, 2]'));
    expectOnly(err, {
      code: 'INVALID_VALUE',
      path: 'topology.nodes[0].memory',
      file: MAIN,
      line: 4,
      col: 15,
      phrase: /expected a size such as 16GiB .*, received a list/,
    });
  });

  it('rejects an unknown pattern type and lists the types', () => {
    const err = failure(
      withWorkload(
        '  tasks:',
        '    - name: app',
        '      cpus: [0]',
        '      regions:',
        '        - kind: anon',
        '          size: 1MiB',
        '          pattern:',
        '            type: gaussian',
      ),
    );
    expectOnly(err, {
      code: 'INVALID_VALUE',
      path: 'workload.tasks[0].regions[0].pattern.type',
      file: MAIN,
      line: 17,
      col: 19,
      phrase:
        'expected one of "uniform", "zipfian", "hotset", "normal", "sequential", "phases", "splitmix_zipfian", "trace", received "gaussian"',
    });
  });

  it('rejects theta out of range', () => {
    const err = failure(
      withWorkload(
        '  tasks:',
        '    - name: app',
        '      cpus: [0]',
        '      regions:',
        '        - kind: anon',
        '          size: 1MiB',
        '          pattern: {type: zipfian, theta: 1.5}',
      ),
    );
    expectOnly(err, {
      code: 'OUT_OF_RANGE',
      path: 'workload.tasks[0].regions[0].pattern.theta',
      file: MAIN,
      line: 16,
      col: 43,
      phrase: 'expected a number < 1, received 1.5',
    });
  });

  it('rejects an integer knob out of range', () => {
    const err = failure(
      lines('topology:', '  nodes: [{id: 0, memory: 1GiB}]', 'kernel:', '  swappiness: 201'),
    );
    expectOnly(err, {
      code: 'OUT_OF_RANGE',
      path: 'kernel.swappiness',
      file: MAIN,
      line: 4,
      col: 15,
      phrase: 'expected a number <= 200, received 201',
    });
  });

  it('lists the branches of a union that no branch matched', () => {
    const err = failure(
      lines('topology:', '  nodes: [{id: 0, memory: 1GiB}]', 'kernel:', '  min_free_kbytes: lots'),
    );
    expectOnly(err, {
      code: 'INVALID_VALUE',
      path: 'kernel.min_free_kbytes',
      file: MAIN,
      line: 4,
      col: 20,
      phrase: 'expected "auto" or a number, received "lots"',
    });
  });

  it('rejects a page size that is not a power of two', () => {
    const err = failure(lines('topology:', '  page_size: 6KiB', '  nodes: [{id: 0, memory: 1GiB}]'));
    expectOnly(err, {
      code: 'INVALID_VALUE',
      path: 'topology.page_size',
      file: MAIN,
      line: 2,
      col: 14,
      phrase: 'expected a power of two >= 4KiB, received 6144 bytes',
    });
  });
});

describe('topology semantics', () => {
  it('rejects unmovable_pageblocks that cannot hold the free pages, or with nothing to hold', () => {
    // 1445 pages need at least ceil(1445 / 512) = 3 pageblocks, and at most 1445.
    const few = failure(
      lines(
        'topology:',
        '  nodes:',
        '    - {id: 0, memory: 1GiB, unmovable_free_pages: 1445, unmovable_pageblocks: 2}',
      ),
    );
    expectOnly(few, {
      code: 'OUT_OF_RANGE',
      path: 'topology.nodes[0].unmovable_pageblocks',
      file: MAIN,
      line: 3,
      col: 79,
      phrase:
        'expected 3..1445 pageblocks for 1445 free pages (512 pages per pageblock, at least one free page each), received 2',
    });
    const auto = failure(
      lines(
        'topology:',
        '  nodes:',
        '    - {id: 0, memory: 1GiB, unmovable_free_pages: auto, unmovable_pageblocks: 4}',
      ),
    );
    expectOnly(auto, {
      code: 'INCONSISTENT',
      path: 'topology.nodes[0].unmovable_pageblocks',
      file: MAIN,
      line: 3,
      col: 79,
      phrase: 'needs a number of unmovable_free_pages',
    });
  });

  it('rejects a distance matrix that is not square', () => {
    const err = failure(lines(...TWO_NODES, '  distances:', '    - [10, 20]'));
    expectOnly(err, {
      code: 'INCONSISTENT',
      path: 'topology.distances',
      file: MAIN,
      line: 9,
      col: 3,
      phrase: 'expected a 2x2 matrix (one row per node), received 1 row(s)',
    });
  });

  it('rejects a distance below 10', () => {
    const err = failure(lines(...TWO_NODES, '  distances:', '    - [10, 5]', '    - [20, 10]'));
    expectOnly(err, {
      code: 'OUT_OF_RANGE',
      path: 'topology.distances[0][1]',
      file: MAIN,
      line: 10,
      col: 12,
      phrase: 'distance below 10',
    });
  });

  it('rejects a diagonal that is not 10', () => {
    const err = failure(lines(...TWO_NODES, '  distances:', '    - [10, 20]', '    - [20, 11]'));
    expectOnly(err, {
      code: 'INVALID_VALUE',
      path: 'topology.distances[1][1]',
      file: MAIN,
      line: 11,
      col: 12,
      phrase: 'must be exactly 10, received 11',
    });
  });

  it('rejects duplicated node ids, naming both places', () => {
    const err = failure(
      lines(
        'topology:',
        '  nodes:',
        '    - id: 0',
        '      memory: 1GiB',
        '    - id: 0',
        '      memory: 1GiB',
      ),
    );
    expectOnly(err, {
      code: 'INCONSISTENT',
      path: 'topology.nodes[1].id',
      file: MAIN,
      line: 5,
      col: 11,
      phrase: `node id 0 is used twice (also at ${MAIN}:3:11 (topology.nodes[0].id))`,
    });
  });

  it('rejects node ids with a gap', () => {
    const err = failure(
      lines(
        'topology:',
        '  nodes:',
        '    - id: 0',
        '      memory: 1GiB',
        '    - id: 2',
        '      memory: 1GiB',
      ),
    );
    expectOnly(err, {
      code: 'OUT_OF_RANGE',
      path: 'topology.nodes[1].id',
      file: MAIN,
      line: 5,
      col: 11,
      phrase: 'ids must be 0..1, each once (missing: 1)',
    });
  });

  it('rejects node memory smaller than a page', () => {
    const err = failure(lines('topology:', '  nodes:', '    - id: 0', '      memory: 1KiB'));
    expectOnly(err, {
      code: 'OUT_OF_RANGE',
      path: 'topology.nodes[0].memory',
      file: MAIN,
      line: 4,
      col: 15,
      phrase: 'expected at least one page (4 KiB), received 1 KiB',
    });
  });

  it('rejects watermark overrides out of order', () => {
    const err = failure(
      lines(
        'topology:',
        '  nodes:',
        '    - id: 0',
        '      memory: 1GiB',
        '      watermarks: {min: 10, low: 5, high: 20}',
      ),
    );
    expectOnly(err, {
      code: 'INCONSISTENT',
      path: 'topology.nodes[0].watermarks.low',
      file: MAIN,
      line: 5,
      col: 34,
      phrase: 'min <= low <= high <= promo, received min 10 > low 5',
    });
  });
});

describe('workload semantics', () => {
  const anon = ['      regions: [{kind: anon, size: 1MiB}]'];

  it('rejects a task pinned to a CPU that does not exist, listing the CPUs that do', () => {
    const err = failure(withWorkload('  tasks:', '    - name: app', '      cpus: [0, 4]', ...anon));
    expectOnly(err, {
      code: 'BAD_REFERENCE',
      path: 'workload.tasks[0].cpus[1]',
      file: MAIN,
      line: 12,
      col: 17,
      phrase: 'CPU 4 does not exist; CPU ids on this machine are 0..3 (node 0: 0..1, node 1: 2..3)',
    });
  });

  it('rejects a task with no CPUs, listing the CPUs that exist', () => {
    const err = failure(withWorkload('  tasks:', '    - name: app', '      cpus: []', ...anon));
    expectOnly(err, {
      code: 'BAD_REFERENCE',
      path: 'workload.tasks[0].cpus',
      file: MAIN,
      line: 12,
      col: 13,
      phrase: 'task "app" has no CPUs; CPU ids on this machine are 0..3',
    });
  });

  it('rejects a CPU used by two tasks', () => {
    const err = failure(
      withWorkload(
        '  tasks:',
        '    - name: a',
        '      cpus: [0, 1]',
        ...anon,
        '    - name: b',
        '      cpus: [1]',
        ...anon,
      ),
    );
    expectOnly(err, {
      code: 'INCONSISTENT',
      path: 'workload.tasks[1].cpus[0]',
      file: MAIN,
      line: 15,
      col: 14,
      phrase: `CPU 1 is already used at ${MAIN}:12:17 (workload.tasks[0].cpus[1]); one thread per CPU`,
    });
  });

  it('rejects two tasks with the same name', () => {
    const err = failure(
      withWorkload(
        '  tasks:',
        '    - name: a',
        '      cpus: [0]',
        ...anon,
        '    - name: a',
        '      cpus: [1]',
        ...anon,
      ),
    );
    expectOnly(err, {
      code: 'INCONSISTENT',
      path: 'workload.tasks[1].name',
      file: MAIN,
      line: 14,
      col: 13,
      phrase: 'task name "a" is used twice',
    });
  });

  it('rejects a workload on a machine without CPUs', () => {
    const err = failure(
      lines(
        'topology:',
        '  nodes: [{id: 0, memory: 1GiB}]',
        'workload:',
        '  tasks: [{name: a, cpus: [0], regions: [{kind: anon, size: 1MiB}]}]',
      ),
    );
    expectProblem(err, {
      code: 'INCONSISTENT',
      path: 'topology.nodes',
      file: MAIN,
      line: 2,
      col: 10,
      phrase: 'a workload needs at least one node with CPUs',
    });
    expectProblem(err, {
      code: 'BAD_REFERENCE',
      path: 'workload.tasks[0].cpus[0]',
      file: MAIN,
      line: 4,
      col: 28,
      phrase: 'this machine has no CPUs',
    });
  });

  it('rejects a file region naming an unknown file', () => {
    const err = failure(
      withWorkload(
        '  files: [{name: db, size: 1GiB}]',
        '  tasks:',
        '    - name: app',
        '      cpus: [0]',
        '      regions:',
        '        - kind: file',
        '          file: logs',
      ),
    );
    expectOnly(err, {
      code: 'BAD_REFERENCE',
      path: 'workload.tasks[0].regions[0].file',
      file: MAIN,
      line: 16,
      col: 17,
      phrase: 'no file named "logs" (files: "db")',
    });
  });

  it('rejects a region that exceeds its file', () => {
    const err = failure(
      withWorkload(
        '  files: [{name: db, size: 1GiB}]',
        '  tasks:',
        '    - name: app',
        '      cpus: [0]',
        '      regions:',
        '        - kind: file',
        '          file: db',
        '          offset: 512MiB',
        '          size: 768MiB',
      ),
    );
    expectOnly(err, {
      code: 'OUT_OF_RANGE',
      path: 'workload.tasks[0].regions[0].size',
      file: MAIN,
      line: 18,
      col: 17,
      phrase: 'the region exceeds its file: offset 512 MiB + size 768 MiB > size of file "db" (1 GiB)',
    });
  });

  it('rejects sync: fdatasync on a mapped file region (it follows write() calls)', () => {
    const err = failure(
      withWorkload(
        '  files: [{name: wal, size: 1MiB}]',
        '  tasks:',
        '    - name: app',
        '      cpus: [0]',
        '      regions:',
        '        - kind: file',
        '          file: wal',
        '          sync: fdatasync',
      ),
    );
    expectOnly(err, {
      code: 'INVALID_VALUE',
      path: 'workload.tasks[0].regions[0].sync',
      file: MAIN,
      line: 17,
      col: 17,
      phrase:
        'sync: fdatasync follows write() calls: it needs access: read (this region is mapped, access: mmap)',
    });
  });

  it('rejects file-only keys on an anon region, even when they equal the defaults', () => {
    const err = failure(
      withWorkload(
        '  tasks:',
        '    - name: app',
        '      cpus: [0]',
        '      regions:',
        '        - kind: anon',
        '          size: 1MiB',
        '          access: mmap',
      ),
    );
    expectOnly(err, {
      code: 'INVALID_VALUE',
      path: 'workload.tasks[0].regions[0].access',
      file: MAIN,
      line: 16,
      col: 19,
      phrase: '"access" is only for file regions',
    });
  });

  it('rejects an anon region without a size', () => {
    const err = failure(
      withWorkload(
        '  tasks:',
        '    - name: app',
        '      cpus: [0]',
        '      regions:',
        '        - kind: anon',
      ),
    );
    expectOnly(err, {
      code: 'MISSING_KEY',
      path: 'workload.tasks[0].regions[0]',
      file: MAIN,
      line: 14,
      col: 11,
      phrase: 'an anon region needs a size',
    });
  });

  it('rejects an action naming an unknown task', () => {
    const err = failure(
      withWorkload(
        '  tasks:',
        '    - name: app',
        '      cpus: [0]',
        ...anon,
        '  actions:',
        '    - at: 10ms',
        '      task: ap',
        '      do: madvise_pageout',
      ),
    );
    expectOnly(err, {
      code: 'BAD_REFERENCE',
      path: 'workload.actions[0].task',
      file: MAIN,
      line: 16,
      col: 13,
      phrase: 'no task named "ap" (tasks: "app")',
    });
  });

  it('rejects an action naming a region the task does not have', () => {
    const err = failure(
      withWorkload(
        '  tasks:',
        '    - name: app',
        '      cpus: [0]',
        ...anon,
        '  actions:',
        '    - {at: 10ms, task: app, do: madvise_pageout, region: 1}',
      ),
    );
    expectOnly(err, {
      code: 'BAD_REFERENCE',
      path: 'workload.actions[0].region',
      file: MAIN,
      line: 15,
      col: 58,
      phrase: 'task "app" has 1 region(s) (indices 0..0), received 1',
    });
  });
});

describe('run semantics', () => {
  it('rejects an epoch longer than the duration', () => {
    const err = failure(lines(...TWO_NODES, 'run:', '  duration: 1ms', '  epoch: 2ms'));
    expectOnly(err, {
      code: 'INCONSISTENT',
      path: 'run.epoch',
      file: MAIN,
      line: 11,
      col: 10,
      phrase: 'the epoch (2 ms) is longer than the run duration (1 ms)',
    });
  });

  it('rejects a zero epoch', () => {
    const err = failure(lines(...TWO_NODES, 'run:', '  epoch: 0'));
    expectOnly(err, {
      code: 'OUT_OF_RANGE',
      path: 'run.epoch',
      file: MAIN,
      line: 10,
      col: 10,
      phrase: 'expected a duration > 0',
    });
  });

  it('rejects lru_gen for a kernel before 6.1, located at the key', () => {
    const err = failure(lines(...TWO_NODES, 'kernel:', '  version: "5.15"', '  lru_gen: {enabled: false}'));
    expectOnly(err, {
      code: 'INCONSISTENT',
      path: 'kernel.lru_gen',
      file: MAIN,
      line: 11,
      col: 12,
      phrase: 'the multi-gen LRU (lru_gen) exists from kernel 6.1; kernel.version is 5.15',
    });
  });

  it('rejects kernel.lru_gen.enabled set on the command line for 6.0', () => {
    const err = failure(lines(...TWO_NODES, 'kernel: {version: "6.0"}'), {}, ['kernel.lru_gen.enabled=true']);
    expect(err.problems.map((p) => p.path)).toEqual(['kernel.lru_gen']);
  });

  it('rejects a sample interval shorter than the epoch (epoch defaulted: located at run)', () => {
    const err = failure(lines(...TWO_NODES, 'run:', '  sample_interval: 10us'));
    expectOnly(err, {
      code: 'INCONSISTENT',
      path: 'run.sample_interval',
      file: MAIN,
      line: 10,
      col: 20,
      phrase: 'expected at least one epoch (1 ms), received 10 us',
    });
  });
});

describe('includes', () => {
  const topo = lines('topology:', '  nodes:', '    - id: 0', '      cpus: 2', '      memory: 16Gb');

  it('locates an error in the included file, in that file', () => {
    const err = failure(lines('include: topo.yaml', 'run: {duration: 1s}'), { '/v/topo.yaml': topo });
    expectOnly(err, {
      code: 'BAD_UNIT',
      path: 'topology.nodes[0].memory',
      file: '/v/topo.yaml',
      line: 5,
      col: 15,
      phrase: 'received "16Gb"',
    });
  });

  it('locates an unknown key from a nested include in the deepest file', () => {
    const vfs = {
      '/v/topologies/base.yaml': lines('kernel:', '  version: "6.1"', '  swapiness: 10'),
      '/v/topologies/t.yaml': lines('include: base.yaml', 'topology:', '  nodes: [{id: 0, memory: 1GiB}]'),
    };
    const err = failure(lines('include: [topologies/t.yaml]'), vfs);
    expectOnly(err, {
      code: 'UNKNOWN_KEY',
      path: 'kernel.swapiness',
      file: '/v/topologies/base.yaml',
      line: 3,
      col: 3,
      phrase: 'did you mean "swappiness"?',
    });
  });

  it('reports a missing include at the include entry of the including file', () => {
    const err = failure(lines('description: x', 'include:', '  - topo.yaml', '  - ../missing.yaml'), {
      '/v/topo.yaml': lines('topology:', '  nodes: [{id: 0, memory: 1GiB}]'),
    });
    expectOnly(err, {
      code: 'FILE_NOT_FOUND',
      path: 'include[1]',
      file: MAIN,
      line: 4,
      col: 5,
      phrase: 'included file /missing.yaml does not exist',
    });
  });

  it('detects an include cycle', () => {
    const vfs = {
      '/v/a.yaml': lines('include: b.yaml', 'topology:', '  nodes: [{id: 0, memory: 1GiB}]'),
      '/v/b.yaml': lines('description: b', 'include: exp.yaml'),
    };
    const err = failure(lines('include: a.yaml'), vfs);
    expectOnly(err, {
      code: 'BAD_REFERENCE',
      path: 'include',
      file: '/v/b.yaml',
      line: 2,
      col: 10,
      phrase: 'include cycle: /v/exp.yaml -> /v/a.yaml -> /v/b.yaml -> /v/exp.yaml',
    });
  });

  it('reports a syntax error in an included file in that file', () => {
    const err = failure(lines('include: topo.yaml'), {
      '/v/topo.yaml': lines('topology:', '  nodes: [{id: 0, memory: @1}]'),
    });
    expectOnly(err, {
      code: 'YAML_SYNTAX',
      path: 'topology.nodes[0].memory',
      file: '/v/topo.yaml',
      line: 2,
      col: 27,
      phrase: 'reserved character @',
    });
  });

  it('rejects an included file that is not a mapping', () => {
    const err = failure(lines('include: list.yaml', 'topology: {nodes: [{id: 0, memory: 1GiB}]}'), {
      '/v/list.yaml': lines('- a', '- b'),
    });
    expectOnly(err, {
      code: 'INVALID_VALUE',
      path: '',
      file: '/v/list.yaml',
      line: 1,
      col: 1,
      phrase: 'an included file must be a mapping of config keys, received a list',
    });
  });

  it('rejects an include that is not a path', () => {
    const err = failure(lines('include: [1, {a: b}]', 'topology: {nodes: [{id: 0, memory: 1GiB}]}'));
    expect(err.problems.map((p) => [p.code, p.path, p.location?.col])).toEqual([
      ['INVALID_VALUE', 'include[0]', 11],
      ['INVALID_VALUE', 'include[1]', 14],
    ]);
    expect(err.problems[0]?.message).toContain(
      'expected a path (relative to /v/exp.yaml) or a list of paths, received 1',
    );
  });
});

describe('--set overrides', () => {
  const base = lines(...TWO_NODES);
  const SET = '--set';

  it('rejects an override without "="', () => {
    const err = failure(base, {}, ['topology.page_size']);
    expectOnly(err, {
      code: 'BAD_OVERRIDE',
      path: 'topology.page_size',
      file: SET,
      line: 1,
      col: 1,
      phrase: 'bad override "topology.page_size": expected path=value',
    });
  });

  it('rejects an override with an empty path', () => {
    const err = failure(base, {}, ['=4KiB']);
    expectOnly(err, {
      code: 'BAD_OVERRIDE',
      path: '',
      file: SET,
      line: 1,
      col: 1,
      phrase: 'the path before "=" is empty',
    });
  });

  it('rejects an index past the end of a list', () => {
    const err = failure(base, {}, ['topology.nodes.2.memory=1GiB']);
    expectOnly(err, {
      code: 'BAD_OVERRIDE',
      path: 'topology.nodes[2].memory',
      file: SET,
      line: 1,
      col: 1,
      phrase: 'topology.nodes has 2 item(s), so there is no item 2',
    });
  });

  it('fails on an unknown key exactly like a file does', () => {
    const err = failure(base, {}, ['topology.nodes[0].memroy=1GiB']);
    expectOnly(err, {
      code: 'UNKNOWN_KEY',
      path: 'topology.nodes[0].memroy',
      file: SET,
      line: 1,
      col: 1,
      phrase: 'unknown key "memroy"; did you mean "memory"?',
    });
  });

  it('fails on a wrong unit', () => {
    const err = failure(base, {}, ['topology.nodes.1.memory=16Gb']);
    expectOnly(err, {
      code: 'BAD_UNIT',
      path: 'topology.nodes[1].memory',
      file: SET,
      line: 1,
      col: 1,
      phrase: 'received "16Gb"',
    });
  });

  it('rejects setting include', () => {
    const err = failure(base, {}, ['include=x.yaml']);
    expectOnly(err, {
      code: 'BAD_OVERRIDE',
      path: 'include',
      file: SET,
      line: 1,
      col: 1,
      phrase: 'includes are resolved',
    });
  });
});

describe('error collection', () => {
  it('reports every schema problem at once, each located', () => {
    const err = failure(
      lines(
        'topology:',
        '  nodes:',
        '    - id: 0',
        '      memory: 16Gb',
        '      device: hbm',
        'kernel: {swappiness: -1}',
        'runn: {}',
      ),
    );
    expect(err.problems.map((p) => `${p.code} ${p.path} ${p.location?.line}:${p.location?.col}`)).toEqual([
      'BAD_UNIT topology.nodes[0].memory 4:15',
      'INVALID_VALUE topology.nodes[0].device 5:15',
      'OUT_OF_RANGE kernel.swappiness 6:22',
      'UNKNOWN_KEY runn 7:1',
    ]);
    expect(err.code).toBe('BAD_UNIT');
    expect(err.message.split('\n')).toHaveLength(4);
  });

  it('rejects an empty file', () => {
    const err = failure('');
    expect(err.problems).toEqual([
      {
        code: 'INVALID_VALUE',
        path: '',
        message: 'expected a mapping, received null (an empty value)',
        location: { file: MAIN, line: 1, col: 1 },
      },
    ]);
  });
});
