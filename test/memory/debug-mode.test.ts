/**
 * TIERSIM_DEBUG=1 runs the whole-state invariants (src/memory/invariants.ts) at the end of every
 * epoch, on both schedulers. Method: set the variable before the modules load (util/assert.ts
 * reads it once), then run a sound config (it passes every epoch's check) and the same config
 * with the state corrupted by one page before the first epoch (node 0's free count one too
 * high): the run must fail at the end of epoch 1 with the violation named, inline and on the
 * per-node scheduler (where the check runs in the leader's worker thread). debug-off.test.ts
 * shows the same corruption passes unnoticed when the variable is unset (the checks are off).
 */
import { describe, expect, it } from 'vitest';

process.env['TIERSIM_DEBUG'] = '1';
const { debugChecks } = await import('../../src/util/assert.js');
const { parseConfigText } = await import('../../src/config/load.js');
const { createSimulation } = await import('../../src/engine/simulation.js');
const { runScheduled } = await import('../../src/engine/scheduler.js');
const { runInline } = await import('../../src/engine/inline.js');
const { NODE_WORDS, W_FREE } = await import('../../src/memory/layout.js');
const { SMALL_515 } = await import('../helpers/configs.js');

const quiet = { onProgress: () => {}, shouldStop: () => false };

function corrupted() {
  const sim = createSimulation(parseConfigText(SMALL_515, '/virtual/debug.yaml').config);
  sim.s.nodeWords[0 * NODE_WORDS + W_FREE] += 1;
  return sim;
}

describe('TIERSIM_DEBUG=1', () => {
  it('is read at load', () => {
    expect(debugChecks).toBe(true);
  });

  it('a sound run passes the check of every one of its 80 epochs (inline)', async () => {
    const sim = createSimulation(parseConfigText(SMALL_515, '/virtual/debug.yaml').config);
    const outcome = await runInline(sim);
    expect(outcome.epochsDone).toBe(80);
  });

  it('inline: a corrupted free count fails the run at the end of epoch 1', async () => {
    await expect(runInline(corrupted())).rejects.toThrow(
      /invariants broken after epoch 1:\nnode 0: free count \d+ != free lists \d+ \+ \d+ \+ never used \d+/,
    );
  });

  it('per-node: the leader worker checks too, and the run fails naming the violation', async () => {
    const outcome = await runScheduled(corrupted(), 'per-node', quiet);
    expect(outcome.failure?.message).toMatch(/invariants broken after epoch 1:\nnode 0: free count/);
    expect(outcome.epochsDone).toBe(0);
  });

  it('per-node: a sound run passes every epoch', async () => {
    const sim = createSimulation(parseConfigText(SMALL_515, '/virtual/debug.yaml').config);
    const outcome = await runScheduled(sim, 'per-node', quiet);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.epochsDone).toBe(80);
  });
});
