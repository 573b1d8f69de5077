/**
 * The inline scheduler: the epoch program (epoch.ts) with every node on the calling thread. It
 * is the reference the threaded scheduler must match bit for bit, and what sweeps use.
 */
import { Coordinator, inlineThread, prepareRun, runEpochs } from './epoch.js';
import type { Simulation } from './simulation.js';

export interface RunHooks {
  /**
   * Called after each epoch with the number of epochs done. Returning `false` (or a promise of
   * it) stops the run after that epoch; the result then covers the epochs that finished.
   */
  afterEpoch?: (epochsDone: number) => boolean | Promise<boolean>;
}

export interface RunOutcome {
  epochsDone: number;
}

/** Step the simulation one epoch at a time (tests interleave simulations with it). */
export class InlineRunner {
  private readonly sim: Simulation;
  private readonly thread;
  private readonly coordinator: Coordinator;
  epochsDone = 0;

  constructor(sim: Simulation) {
    this.sim = sim;
    this.thread = inlineThread(sim);
    this.coordinator = new Coordinator(sim);
    prepareRun(sim);
  }

  step(): void {
    runEpochs(this.sim, this.thread, this.coordinator, this.epochsDone, this.epochsDone + 1);
    this.epochsDone++;
  }
}

export async function runInline(sim: Simulation, hooks: RunHooks = {}): Promise<RunOutcome> {
  const runner = new InlineRunner(sim);
  while (runner.epochsDone < sim.spec.epochs) {
    runner.step();
    if (hooks.afterEpoch !== undefined && !(await hooks.afterEpoch(runner.epochsDone))) break;
  }
  return { epochsDone: runner.epochsDone };
}
