/**
 * A problem in a trace file: which file, where (line and column of a lackey text trace, or byte
 * offset of a binary one) and what was expected.
 */
export interface TracePosition {
  /** 1-based line of a text trace. */
  line?: number;
  /** 1-based byte column in that line. */
  col?: number;
  /** Byte offset in a binary trace. */
  offset?: number;
}

export class TraceError extends Error {
  readonly file: string;
  readonly position: TracePosition;
  /** The message without the location. */
  readonly detail: string;

  constructor(file: string, detail: string, position: TracePosition = {}) {
    super(`${file}${where(position)}: ${detail}`);
    this.name = 'TraceError';
    this.file = file;
    this.position = position;
    this.detail = detail;
  }
}

function where(p: TracePosition): string {
  if (p.line !== undefined) return p.col === undefined ? `:${p.line}` : `:${p.line}:${p.col}`;
  if (p.offset !== undefined) return `: byte ${p.offset}`;
  return '';
}
