/**
 * One zero-allocation scenario in its own process, its result as JSON on stdout:
 * node --import tsx [V8 flags] zero-gc-child.ts SCENARIO
 */
import { runZeroGcScenario, SCENARIOS, type ScenarioName } from './zero-gc-scenarios.js';

const name = process.argv[2] as ScenarioName;
if (!(name in SCENARIOS)) throw new Error(`unknown scenario ${name}`);
process.stdout.write(JSON.stringify(await runZeroGcScenario(name)) + '\n');
