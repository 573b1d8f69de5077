/** Entry point of a sweep pool thread (piscina): runs one experiment per task. */
export { runExperimentTask as default } from '../src/sweep/task.js';
