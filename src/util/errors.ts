/**
 * Typed, coded errors. Operating errors (bad input) are `ConfigError`s carrying where they come
 * from; programmer errors are assertion failures (see assert.ts) and are never caught.
 */

export type ConfigErrorCode =
  | 'YAML_SYNTAX'
  | 'UNKNOWN_KEY'
  | 'INVALID_VALUE'
  | 'MISSING_KEY'
  | 'BAD_UNIT'
  | 'OUT_OF_RANGE'
  | 'BAD_REFERENCE'
  | 'INCONSISTENT'
  | 'FILE_NOT_FOUND'
  | 'UNREADABLE_FILE'
  | 'BAD_OVERRIDE';

/** Where a value was written: a file (or `--set`) with a 1-based line and column, and its YAML path. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export interface ConfigProblem {
  code: ConfigErrorCode;
  /** Dotted YAML path with [i] for list items, e.g. `topology.nodes[2].memory`. */
  path: string;
  message: string;
  location?: SourceLocation | undefined;
}

/** One or more problems found in a configuration; the message lists every one, located. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }

  get code(): ConfigErrorCode {
    return this.problems[0]?.code ?? 'INVALID_VALUE';
  }
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.location ? `${p.location.file}:${p.location.line}:${p.location.col}` : '<config>';
  const path = p.path === '' ? '' : ` ${p.path}:`;
  return `${where}:${path} ${p.message}`;
}

/** A failure of the simulation protocol (barrier timeout, worker fault, ring overflow). */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** The simulated machine ran into a state the kernel would answer with an OOM kill. */
export class SimulationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationError';
  }
}
