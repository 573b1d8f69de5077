/**
 * zod issues → located ConfigProblems. zod knows the path and what was expected; the source map
 * knows where the value was written; the raw (pre-parse) data knows what was received. Each
 * problem gets a code the CLI and tests can match on, and a message of the form
 * "expected …, received …".
 */
import { z } from 'zod';
import type { ConfigErrorCode, ConfigProblem } from '../util/errors.js';
import { formatPath } from './source-map.js';
import type { SourceMap } from './source-map.js';

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

const CODES: ReadonlySet<string> = new Set<ConfigErrorCode>([
  'YAML_SYNTAX',
  'UNKNOWN_KEY',
  'INVALID_VALUE',
  'MISSING_KEY',
  'BAD_UNIT',
  'OUT_OF_RANGE',
  'BAD_REFERENCE',
  'INCONSISTENT',
  'FILE_NOT_FOUND',
  'UNREADABLE_FILE',
  'BAD_OVERRIDE',
]);

const NUMERIC_ORIGINS: ReadonlySet<string> = new Set(['number', 'int', 'bigint']);

/** Converts every issue; `raw` is the data zod was given, `schema` the root it was parsed with. */
export function issuesToProblems(
  issues: readonly Issue[],
  raw: unknown,
  schema: Schema,
  sourceMap: SourceMap,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // One problem per key, each pointing at the key itself.
      const allowed = allowedKeysAt(schema, issue.path, raw);
      for (const key of issue.keys) {
        const path = formatPath([...issue.path, key]);
        problems.push({
          code: 'UNKNOWN_KEY',
          path,
          message: unknownKeyMessage(key, allowed),
          location: sourceMap.locateKey(path) ?? sourceMap.locateNearest(issue.path),
        });
      }
      continue;
    }
    const path = formatPath(issue.path);
    const value = valueAt(raw, issue.path);
    if (value === undefined && issue.path.length > 0) {
      // zod reports a missing key as a wrong type at the key; report it at the object lacking it.
      const key = String(issue.path[issue.path.length - 1]);
      problems.push({
        code: 'MISSING_KEY',
        path,
        message: `missing required key "${key}"; expected ${expected(issue)}`,
        location: sourceMap.locateNearest(issue.path.slice(0, -1)),
      });
      continue;
    }
    problems.push({
      code: codeOf(issue),
      path,
      message: messageOf(issue, value),
      location: sourceMap.locateNearest(issue.path),
    });
  }
  return problems;
}

function codeOf(issue: Issue): ConfigErrorCode {
  if (issue.code === 'custom') {
    const code: unknown = issue.params?.['code'];
    return typeof code === 'string' && CODES.has(code) ? (code as ConfigErrorCode) : 'INVALID_VALUE';
  }
  if ((issue.code === 'too_big' || issue.code === 'too_small') && NUMERIC_ORIGINS.has(issue.origin)) {
    return 'OUT_OF_RANGE';
  }
  return 'INVALID_VALUE';
}

function messageOf(issue: Issue, value: unknown): string {
  // Custom messages from the schema (units) already say what was received.
  if (issue.code === 'custom' && /received/.test(issue.message)) return issue.message;
  return `expected ${expected(issue)}, received ${describeValue(value)}`;
}

/** What the schema wanted, as a phrase that reads after "expected". */
function expected(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return typeWord(issue.expected);
    case 'invalid_value':
      return oneOf(issue.values);
    case 'invalid_union': {
      if ('options' in issue && issue.options !== undefined) return oneOf(issue.options);
      // A schema-supplied union message ("expected a size such as …") beats a list of branches.
      if (issue.message.startsWith('expected ')) return issue.message.slice('expected '.length);
      const branches = issue.errors.map((errs) => {
        const first = errs[0];
        return first === undefined ? 'a value' : expected(first);
      });
      return [...new Set(branches)].join(' or ');
    }
    case 'too_small':
    case 'too_big':
      return boundPhrase(issue);
    case 'custom':
      return issue.message.replace(/^expected /, '').replace(/, received .*$/, '');
    default:
      return issue.message;
  }
}

function boundPhrase(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall): string {
  const small = issue.code === 'too_small';
  const bound = small ? issue.minimum : issue.maximum;
  const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
  switch (issue.origin) {
    case 'array':
      return small ? `a list of at least ${bound} item(s)` : `a list of at most ${bound} item(s)`;
    case 'string':
      return small
        ? `a string of at least ${bound} character(s)`
        : `a string of at most ${bound} character(s)`;
    case 'int':
      return `an integer ${op} ${bound}`;
    default:
      return `a number ${op} ${bound}`;
  }
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  null: 'null',
};

function typeWord(t: string): string {
  return TYPE_WORDS[t] ?? t;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length === 1 ? (shown[0] ?? '') : `one of ${shown.join(', ')}`;
}

/** How a received value is shown: scalars as written (strings quoted), collections by kind. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return `a list of ${value.length} item(s)`;
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? typeof value;
}

function unknownKeyMessage(key: string, allowed: readonly string[] | undefined): string {
  if (allowed === undefined) return `unknown key "${key}"`;
  const near = allowed.find((k) => editDistance(k, key) <= 2);
  const hint = near === undefined ? '' : `; did you mean "${near}"?`;
  return `unknown key "${key}"${hint} (allowed keys here: ${allowed.join(', ')})`;
}

/** Levenshtein distance; keys are short, so the quadratic table is fine. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, (prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The raw value at a path, or undefined when any step is missing. */
export function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(v, seg)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

/**
 * The keys the schema allows for the object at `path`, found by walking the schema alongside
 * the raw data (the data picks the branch of a discriminated union, e.g. a pattern's `type`).
 */
export function allowedKeysAt(
  schema: Schema,
  path: readonly PropertyKey[],
  raw: unknown,
): string[] | undefined {
  let s: Schema | undefined = schema;
  let v = raw;
  for (let i = 0; ; i++) {
    s = s === undefined ? undefined : unwrap(s, v);
    if (s === undefined) return undefined;
    if (i === path.length) {
      return s instanceof z.core.$ZodObject ? Object.keys(s._zod.def.shape) : undefined;
    }
    const seg = path[i];
    if (s instanceof z.core.$ZodObject && typeof seg === 'string') s = s._zod.def.shape[seg];
    else if (s instanceof z.core.$ZodArray) s = s._zod.def.element;
    else return undefined;
    v = valueAt(v, [seg ?? '']);
  }
}

/**
 * The schema under optional/nullable/default/prefault/pipe wrappers: what a written value is
 * checked against (a union is returned as it is, for the caller to choose among its branches).
 */
export function peelWrappers(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    if (
      s instanceof z.core.$ZodOptional ||
      s instanceof z.core.$ZodNullable ||
      s instanceof z.core.$ZodDefault ||
      s instanceof z.core.$ZodPrefault
    ) {
      s = s._zod.def.innerType;
    } else if (s instanceof z.core.$ZodPipe) {
      s = s._zod.def.in;
    } else {
      return s;
    }
  }
}

/** Peels wrappers and picks the union branch matching `value`, as often as they nest. */
function unwrap(schema: Schema, value: unknown): Schema | undefined {
  let s = peelWrappers(schema);
  while (s instanceof z.core.$ZodUnion) {
    const options = s._zod.def.options;
    const match = options.find((o) => matchesDiscriminator(o, value)) ?? options[0];
    if (match === undefined) return undefined;
    s = peelWrappers(match);
  }
  return s;
}

/** Whether an object branch's literal `type` (or other literal key) equals the value's. */
function matchesDiscriminator(option: Schema, value: unknown): boolean {
  if (!(option instanceof z.core.$ZodObject) || value === null || typeof value !== 'object') return false;
  const shape = option._zod.def.shape;
  return Object.entries(shape).some(
    ([k, field]) =>
      field instanceof z.core.$ZodLiteral &&
      field._zod.def.values.includes((value as Record<string, never>)[k]),
  );
}
