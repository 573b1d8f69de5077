/**
 * Every error message, whatever stage found it, reads `file:line:col: path: message`, so an
 * editor or CI log can jump to it and a reader knows which key is meant.
 */
import { describe, expect, it } from 'vitest';
import { TWO_NODES, failure, lines } from './helpers.js';

const SHAPE =
  /^(?<file>[^:\n]+):(?<line>[1-9]\d*):(?<col>[1-9]\d*): (?<path>[A-Za-z_]\w*(?:\.\w+|\[\d+\])*): (?<msg>\S.*)$/;

const topo = lines(...TWO_NODES);
const task = (cpus: string) => [
  '  tasks:',
  '    - name: app',
  `      cpus: ${cpus}`,
  '      regions: [{kind: anon, size: 1MiB}]',
];

const BAD: [name: string, main: string, set?: string[]][] = [
  ['syntax', lines('topology:', '  nodes: [{id: 0, memory: 1GiB}]', 'run: {seed: @1}')],
  ['duplicate key', lines('topology:', '  nodes: []', '  nodes: []')],
  ['unknown key', lines(...TWO_NODES, 'extra: 1')],
  ['missing key', lines('topology:', '  nodes: [{id: 0}]')],
  ['bad unit', lines('topology:', '  nodes: [{id: 0, memory: 16Gb}]')],
  ['wrong type', lines('topology:', '  nodes: [{id: zero, memory: [1]}]')],
  ['enum', lines(...TWO_NODES, 'kernel: {version: "6.3"}')],
  ['distances', lines(...TWO_NODES, '  distances: [[10, 9], [22, 11], [1]]')],
  ['node ids', lines('topology:', '  nodes: [{id: 1, memory: 1GiB}, {id: 1, memory: 1GiB}]')],
  ['cpus', lines(...topo.trimEnd().split('\n'), 'workload:', ...task('[7, 7]'))],
  ['run', lines(...TWO_NODES, 'run: {duration: 1ms, epoch: 2ms}')],
  ['include missing', lines('include: nowhere.yaml')],
  ['set malformed', topo, ['run.seed']],
  ['set unknown', topo, ['run.sed=1']],
  ['set unit', topo, ['run.epoch=1 fortnight']],
];

describe('error message shape', () => {
  it.each(BAD)('%s', (_name, main, set) => {
    const err = failure(main, {}, set);
    expect(err.problems.length).toBeGreaterThan(0);
    const messageLines = err.message.split('\n');
    expect(messageLines).toHaveLength(err.problems.length);
    messageLines.forEach((line, i) => {
      const m = SHAPE.exec(line);
      expect(m, line).not.toBeNull();
      const p = err.problems[i];
      expect(m?.groups?.['path']).toBe(p?.path);
      expect(`${m?.groups?.['file']}:${m?.groups?.['line']}:${m?.groups?.['col']}`).toBe(
        `${p?.location?.file}:${p?.location?.line}:${p?.location?.col}`,
      );
    });
  });
});
