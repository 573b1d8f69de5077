/**
 * Located errors for memory policies, cpusets and pgbench tasks (semantic checks).
 * TWO_NODES takes lines 1..8; the workload starts at line 9.
 */
import { describe, it } from 'vitest';
import { MAIN, TWO_NODES, expectProblem, failure, lines } from './helpers.js';

function task(...ls: string[]): string {
  return lines(...TWO_NODES, 'workload:', '  tasks:', '    - name: t', '      cpus: [0]', ...ls);
}

const REGION = '      regions: [{ kind: anon, size: 1MiB }]';

describe('memory policy errors', () => {
  it('a policy node that does not exist', () => {
    const err = failure(task(REGION, '      policy: { mode: bind, nodes: [0, 7] }'));
    expectProblem(err, {
      code: 'BAD_REFERENCE',
      path: 'workload.tasks[0].policy.nodes[1]',
      file: MAIN,
      line: 14,
      col: 40,
      phrase: 'node 7 does not exist (nodes 0..1)',
    });
  });

  it('preferred with two nodes', () => {
    const err = failure(task(REGION, '      policy: { mode: preferred, nodes: [0, 1] }'));
    expectProblem(err, {
      code: 'INCONSISTENT',
      path: 'workload.tasks[0].policy.nodes',
      file: MAIN,
      line: 14,
      col: 41,
      phrase: 'policy preferred takes one node',
    });
  });

  it('interleave without nodes', () => {
    const err = failure(task(REGION, '      policy: { mode: interleave }'));
    expectProblem(err, {
      code: 'MISSING_KEY',
      path: 'workload.tasks[0].policy.nodes',
      file: MAIN,
      line: 14,
      phrase: 'policy interleave needs a list of nodes',
    });
  });

  it('a bind policy entirely outside the cpuset', () => {
    const err = failure(task(REGION, '      policy: { mode: bind, nodes: [1] }', '      cpuset_mems: [0]'));
    expectProblem(err, {
      code: 'INCONSISTENT',
      path: 'workload.tasks[0].policy.nodes',
      file: MAIN,
      line: 14,
      phrase: 'no node of the policy is in cpuset_mems [0]',
    });
  });

  it('a task with neither regions nor pgbench', () => {
    const err = failure(task());
    expectProblem(err, {
      code: 'MISSING_KEY',
      path: 'workload.tasks[0].regions',
      file: MAIN,
      line: 11,
      phrase: 'needs at least one region (or a pgbench block)',
    });
  });

  it('a pgbench task that also lists regions', () => {
    const err = failure(task(REGION, '      pgbench: { scale: 1 }'));
    expectProblem(err, {
      code: 'INCONSISTENT',
      path: 'workload.tasks[0].regions',
      file: MAIN,
      line: 13,
      phrase: 'its regions are generated',
    });
  });
});
