/**
 * The SPSC ring between two real worker threads: a producer writes a numbered sequence, a
 * consumer checks every record in order. The ring is small, so it fills, empties and wraps
 * around thousands of times while both threads run at once.
 */
import { ringWords } from '../../src/shm/ring.js';
import { spawnWorkerFile } from '../../src/control/spawn.js';
import { describe, expect, it } from 'vitest';

interface Report {
  role: string;
  done: number;
  errors: number;
}

function run(
  role: 'producer' | 'consumer',
  buffer: SharedArrayBuffer,
  capacity: number,
  count: number,
): Promise<Report> {
  const worker = spawnWorkerFile(new URL('./fixtures/ring-peer.worker.ts', import.meta.url), {
    workerData: { role, buffer, capacity, count },
  });
  return new Promise<Report>((resolve, reject) => {
    worker.once('message', (m: Report) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${role} exited with ${code}`));
    });
  }).finally(() => void worker.terminate());
}

describe('ring across threads', () => {
  it('delivers 200 000 records in order through a 64-slot ring', async () => {
    const capacity = 64;
    const count = 200_000;
    const buffer = new SharedArrayBuffer(ringWords(capacity, 3) * 4);
    const [producer, consumer] = await Promise.all([
      run('producer', buffer, capacity, count),
      run('consumer', buffer, capacity, count),
    ]);
    expect(producer.done).toBe(count);
    expect(consumer.done).toBe(count);
    expect(consumer.errors).toBe(0);
    const words = new Int32Array(buffer);
    expect(words[0]).toBe(count); // head = records consumed
  }, 60_000);
});
