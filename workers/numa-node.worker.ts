/** Entry point of a NUMA-node worker thread: one per node of the simulated machine. */
import { exposeNodeWorker } from '../src/control/node-endpoint.js';

exposeNodeWorker();
