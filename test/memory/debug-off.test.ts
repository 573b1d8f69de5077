/**
 * Without TIERSIM_DEBUG the per-epoch invariant checks are off: the corruption that
 * debug-mode.test.ts sees fail a run at epoch 1 goes unnoticed here, and the run ends.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { runInline } from '../../src/engine/inline.js';
import { NODE_WORDS, W_FREE } from '../../src/memory/layout.js';
import { debugChecks } from '../../src/util/assert.js';
import { SMALL_515 } from '../helpers/configs.js';

describe('TIERSIM_DEBUG unset', () => {
  it('runs no invariant check', async () => {
    expect(process.env['TIERSIM_DEBUG']).toBeUndefined();
    expect(debugChecks).toBe(false);
    const sim = createSimulation(parseConfigText(SMALL_515, '/virtual/debug.yaml').config);
    sim.s.nodeWords[0 * NODE_WORDS + W_FREE] += 1;
    const outcome = await runInline(sim);
    expect(outcome.epochsDone).toBe(80);
  });
});
