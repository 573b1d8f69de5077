/**
 * Goal: the low-level memory primitives — the per-node frame allocator (takeFrame/giveFrame in
 * src/memory/frames.ts) and the intrusive LRU lists (lruAddHead/lruAddTail/lruDel/lruTail in
 * src/memory/lru.ts) — behave like plain arrays and sets.
 *
 * Method: model-based testing with fc.commands. The real system is a SimState built from a tiny
 * two-node config (node 1's frames start after node 0's padded range, so global frame numbers
 * are exercised); the model is a LIFO stack of freed frames, a bump pointer, a set of frames
 * held off every list and four arrays (head → tail). After every command the node's words and
 * link columns are compared with the model: list contents in both directions, head, tail and
 * size words, the free count, the free list (most recently freed first) and the bump pointer.
 * A frame handed out while it is still held or listed fails the run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { NR_LRU_LISTS } from '../../src/memory/flags.js';
import { freePages, frameNode, giveFrame, takeFrame } from '../../src/memory/frames.js';
import {
  NODE_WORDS,
  W_BUMP,
  W_FRAME_END,
  W_FRAME_START,
  W_FREE,
  W_FREE_HEAD,
  W_LRU_HEAD,
  W_LRU_TAIL,
} from '../../src/memory/layout.js';
import { lruAddHead, lruAddTail, lruDel, lruSize, lruTail } from '../../src/memory/lru.js';
import type { SimState } from '../../src/memory/state.js';

const TINY = `
topology:
  struct_page_size: 0
  nodes:
    - { id: 0, cpus: 1, memory: 160KiB, device: dram }
    - { id: 1, cpus: 0, memory: 96KiB, device: pmem }
`;

interface Model {
  nid: number;
  start: number;
  end: number;
  bump: number;
  /** Freed frames; the last one is handed out next. */
  freed: number[];
  /** Taken and on no list. */
  held: number[];
  /** The four LRU lists, head first. */
  lists: number[][];
}

interface Real {
  s: SimState;
}

function freshState(): SimState {
  return createSimulation(parseConfigText(TINY, '/virtual/model.yaml').config).s;
}

function modelOf(s: SimState, nid: number): Model {
  const w = nid * NODE_WORDS;
  return {
    nid,
    start: s.nodeWords[w + W_FRAME_START],
    end: s.nodeWords[w + W_FRAME_END],
    bump: s.nodeWords[w + W_FRAME_START],
    freed: [],
    held: [],
    lists: Array.from({ length: NR_LRU_LISTS }, () => []),
  };
}

function freeCount(m: Readonly<Model>): number {
  return m.freed.length + (m.end - m.bump);
}

/** Compare every word and link of the node with the model. */
function verify(m: Readonly<Model>, s: SimState): void {
  const w = m.nid * NODE_WORDS;
  for (let lru = 0; lru < NR_LRU_LISTS; lru++) {
    const list = m.lists[lru];
    const forward: number[] = [];
    for (let f = s.nodeWords[w + W_LRU_HEAD + lru]; f >= 0 && forward.length <= list.length; f = s.lruNext[f])
      forward.push(f);
    expect(forward, `list ${lru} head to tail`).toEqual(list);
    const backward: number[] = [];
    for (let f = lruTail(s, m.nid, lru); f >= 0 && backward.length <= list.length; f = s.lruPrev[f])
      backward.push(f);
    expect(backward, `list ${lru} tail to head`).toEqual([...list].reverse());
    expect(s.nodeWords[w + W_LRU_HEAD + lru]).toBe(list.length > 0 ? list[0] : -1);
    expect(s.nodeWords[w + W_LRU_TAIL + lru]).toBe(list.length > 0 ? list[list.length - 1] : -1);
    expect(lruSize(s, m.nid, lru), `size of list ${lru}`).toBe(list.length);
  }
  expect(freePages(s, m.nid), 'free count').toBe(freeCount(m));
  expect(s.nodeWords[w + W_BUMP], 'bump pointer').toBe(m.bump);
  const freeList: number[] = [];
  for (let f = s.nodeWords[w + W_FREE_HEAD]; f >= 0 && freeList.length <= m.freed.length; f = s.lruNext[f])
    freeList.push(f);
  expect(freeList, 'free list, most recently freed first').toEqual([...m.freed].reverse());
}

function listed(m: Readonly<Model>): number[] {
  return m.lists.flat();
}

class TakeCommand implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    const frame = takeFrame(r.s, m.nid);
    if (freeCount(m) === 0) {
      expect(frame).toBe(-1);
    } else {
      const expected = m.freed.length > 0 ? m.freed.pop()! : m.bump++;
      expect(frame).toBe(expected);
      expect(frame).toBeGreaterThanOrEqual(m.start);
      expect(frame).toBeLessThan(m.end);
      expect(frameNode(r.s, frame)).toBe(m.nid);
      expect(m.held.includes(frame) || listed(m).includes(frame), `frame ${frame} handed out twice`).toBe(
        false,
      );
      // Columns are reset for the new page.
      expect([
        r.s.frameFlags[frame],
        r.s.frameYoung[frame],
        r.s.frameDirty[frame],
        r.s.frameAccessed[frame],
      ]).toEqual([0, 0, 0, 0]);
      expect([r.s.lruPrev[frame], r.s.lruNext[frame]]).toEqual([-1, -1]);
      // Leave marks that giveFrame must clear.
      r.s.framePage[frame] = frame;
      r.s.frameDirty[frame] = 1;
      m.held.push(frame);
    }
    verify(m, r.s);
  }
  toString(): string {
    return 'take';
  }
}

class GiveCommand implements fc.Command<Model, Real> {
  readonly pick: number;
  constructor(pick: number) {
    this.pick = pick;
  }
  check(m: Readonly<Model>): boolean {
    return m.held.length > 0;
  }
  run(m: Model, r: Real): void {
    const [frame] = m.held.splice(this.pick % m.held.length, 1);
    giveFrame(r.s, m.nid, frame);
    expect(r.s.framePage[frame]).toBe(-1);
    expect(r.s.frameDirty[frame]).toBe(0);
    m.freed.push(frame);
    verify(m, r.s);
  }
  toString(): string {
    return `give(${this.pick})`;
  }
}

class AddCommand implements fc.Command<Model, Real> {
  readonly lru: number;
  readonly atTail: boolean;
  readonly pick: number;
  constructor(lru: number, atTail: boolean, pick: number) {
    this.lru = lru;
    this.atTail = atTail;
    this.pick = pick;
  }
  check(m: Readonly<Model>): boolean {
    return m.held.length > 0;
  }
  run(m: Model, r: Real): void {
    const [frame] = m.held.splice(this.pick % m.held.length, 1);
    if (this.atTail) {
      lruAddTail(r.s, m.nid, this.lru, frame);
      m.lists[this.lru].push(frame);
    } else {
      lruAddHead(r.s, m.nid, this.lru, frame);
      m.lists[this.lru].unshift(frame);
    }
    verify(m, r.s);
  }
  toString(): string {
    return `${this.atTail ? 'addTail' : 'addHead'}(lru ${this.lru}, ${this.pick})`;
  }
}

class DelCommand implements fc.Command<Model, Real> {
  readonly pick: number;
  constructor(pick: number) {
    this.pick = pick;
  }
  check(m: Readonly<Model>): boolean {
    return listed(m).length > 0;
  }
  run(m: Model, r: Real): void {
    const all = listed(m);
    const frame = all[this.pick % all.length];
    const lru = m.lists.findIndex((list) => list.includes(frame));
    lruDel(r.s, m.nid, lru, frame);
    m.lists[lru].splice(m.lists[lru].indexOf(frame), 1);
    expect([r.s.lruPrev[frame], r.s.lruNext[frame]]).toEqual([-1, -1]);
    m.held.push(frame);
    verify(m, r.s);
  }
  toString(): string {
    return `del(${this.pick})`;
  }
}

/** Take the tail of a list and put it back at the head (what reclaim's rotation does). */
class RotateCommand implements fc.Command<Model, Real> {
  readonly lru: number;
  constructor(lru: number) {
    this.lru = lru;
  }
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    const list = m.lists[this.lru];
    const tail = lruTail(r.s, m.nid, this.lru);
    expect(tail).toBe(list.length > 0 ? list[list.length - 1] : -1);
    if (tail >= 0) {
      lruDel(r.s, m.nid, this.lru, tail);
      lruAddHead(r.s, m.nid, this.lru, tail);
      list.unshift(list.pop()!);
    }
    verify(m, r.s);
  }
  toString(): string {
    return `rotate(lru ${this.lru})`;
  }
}

const lruArb = fc.integer({ min: 0, max: NR_LRU_LISTS - 1 });
const pickArb = fc.nat(1000);

const commandsArb = fc.commands(
  [
    fc.constant(new TakeCommand()),
    pickArb.map((k) => new GiveCommand(k)),
    fc.tuple(lruArb, fc.boolean(), pickArb).map(([lru, atTail, k]) => new AddCommand(lru, atTail, k)),
    pickArb.map((k) => new DelCommand(k)),
    lruArb.map((lru) => new RotateCommand(lru)),
  ],
  // The default size gives at most 10 commands per run, too few to exhaust a node or reuse frames.
  { maxCommands: 300, size: 'large' },
);

describe('frames and LRU lists against a reference model', () => {
  it('any sequence of take/give/add/del/rotate matches the model', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1), commandsArb, (nid, cmds) => {
        const s = freshState();
        fc.modelRun(() => ({ model: modelOf(s, nid), real: { s } }), cmds);
      }),
      { numRuns: 100 },
    );
  });

  it('operations on one node leave the other node untouched', () => {
    fc.assert(
      fc.property(commandsArb, (cmds) => {
        const s = freshState();
        const before = Array.from(s.nodeWords.subarray(1 * NODE_WORDS, 2 * NODE_WORDS));
        fc.modelRun(() => ({ model: modelOf(s, 0), real: { s } }), cmds);
        expect(Array.from(s.nodeWords.subarray(1 * NODE_WORDS, 2 * NODE_WORDS))).toEqual(before);
      }),
      { numRuns: 30 },
    );
  });

  it('a node hands out each of its frames exactly once, then -1, then freed frames LIFO', () => {
    const s = freshState();
    for (const nid of [0, 1]) {
      const w = nid * NODE_WORDS;
      const start = s.nodeWords[w + W_FRAME_START];
      const managed = s.layout.managedPages[nid];
      const taken: number[] = [];
      for (let i = 0; i < managed; i++) taken.push(takeFrame(s, nid));
      expect(taken).toEqual(Array.from({ length: managed }, (_, i) => start + i));
      expect(s.nodeWords[w + W_FREE]).toBe(0);
      expect(takeFrame(s, nid)).toBe(-1);
      const order = [3, 0, managed - 1, 7];
      for (const i of order) giveFrame(s, nid, taken[i]);
      expect(freePages(s, nid)).toBe(order.length);
      const again = order.map(() => takeFrame(s, nid));
      expect(again).toEqual(order.map((i) => taken[i]).reverse());
      expect(takeFrame(s, nid)).toBe(-1);
    }
    // Node 1's range starts on the chunk boundary after node 0's 40 frames.
    expect(s.layout.managedPages).toEqual([40, 24]);
    expect(s.nodeWords[NODE_WORDS + W_FRAME_START]).toBe(48);
  });
});
