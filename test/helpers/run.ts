/**
 * Running a simulation from a test: load (text or file), run inline, build the result. Optional
 * per-epoch hook so property tests can check the whole state between epochs.
 */
import { loadConfig, parseConfigText, type LoadedConfig } from '../../src/config/load.js';
import { runInline } from '../../src/engine/inline.js';
import { collectResult } from '../../src/engine/results.js';
import { createSimulation, type Simulation } from '../../src/engine/simulation.js';
import type { RunResult } from '../../src/metrics/result.js';

export interface Run {
  loaded: LoadedConfig;
  sim: Simulation;
  result: RunResult;
}

/** Run a loaded config to its end; `afterEpoch` sees the state after every epoch. */
export async function runLoaded(
  loaded: LoadedConfig,
  afterEpoch?: (sim: Simulation, epochsDone: number) => void,
): Promise<Run> {
  const sim = createSimulation(loaded.config);
  const hooks =
    afterEpoch === undefined
      ? {}
      : {
          afterEpoch: (done: number) => {
            afterEpoch(sim, done);
            return true;
          },
        };
  await runInline(sim, hooks);
  return { loaded, sim, result: finalResult(sim, loaded) };
}

/** The result of a simulation that stopped cleanly between epochs (no wall-clock part). */
export function finalResult(sim: Simulation, loaded: LoadedConfig): RunResult {
  return collectResult(sim, { loaded, wall: undefined, stoppedBy: null, fromSnapshot: false });
}

export function runText(
  yamlText: string,
  afterEpoch?: (sim: Simulation, epochsDone: number) => void,
): Promise<Run> {
  return runLoaded(parseConfigText(yamlText, '/virtual/test.yaml'), afterEpoch);
}

export function runFile(file: string, set: readonly string[] = []): Promise<Run> {
  return runLoaded(loadConfig(file, { set }));
}
