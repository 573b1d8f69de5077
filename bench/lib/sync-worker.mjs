// Worker for bench/sync.bench.ts (plain JS, loads the built primitives from dist/).
// role "barrier": arrive `rounds` times at a shared barrier of `parties`.
// role "producer" / "consumer": push / pop `rounds` 8-word records through a shared ring.
import { parentPort, workerData } from 'node:worker_threads';

const { role, root, buffer, parties, rounds, capacity } = workerData;
const { Barrier } = await import(root + '/dist/src/shm/barrier.js');
const { Ring, RING_TAIL_WORD } = await import(root + '/dist/src/shm/ring.js');
const words = new Int32Array(buffer);
const t0 = performance.now();
if (role === 'barrier') {
  const barrier = new Barrier(words, 0, parties, 60_000, { check: () => undefined });
  for (let i = 0; i < rounds; i++) barrier.arrive('bench');
} else {
  const ring = new Ring(words, 0, capacity, 8);
  let sum = 0;
  for (let i = 0; i < rounds; i++) {
    if (role === 'producer') {
      let w = ring.reserve();
      while (w < 0) {
        Atomics.wait(words, 0, Atomics.load(words, 0), 1);
        w = ring.reserve();
      }
      for (let k = 0; k < 8; k++) words[w + k] = i + k;
      ring.commit();
      Atomics.notify(words, RING_TAIL_WORD);
    } else {
      let r = ring.peek();
      while (r < 0) {
        Atomics.wait(words, RING_TAIL_WORD, Atomics.load(words, RING_TAIL_WORD), 1);
        r = ring.peek();
      }
      sum += words[r];
      ring.release();
      Atomics.notify(words, 0);
    }
  }
  if (role === 'consumer' && sum !== (rounds * (rounds - 1)) / 2) throw new Error('ring lost records');
}
parentPort.postMessage(performance.now() - t0);
