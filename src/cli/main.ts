/**
 * The `tiersim` command. Exit codes: 0 success, 1 runtime or output failure, 2 bad config or
 * usage, 128 + the signal (129 SIGHUP, 130 SIGINT, 143 SIGTERM) stopped with partial results.
 */
import { availableParallelism } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, ProtocolError, SimulationError } from '../util/errors.js';
import { describeErrnoError, FsError, isErrnoError } from '../util/fs-errors.js';
import { TIERSIM_VERSION } from '../util/version.js';
import { SCHEDULERS, type SchedulerName } from '../engine/scheduler-names.js';
import { EXIT_CONFIG, EXIT_FAILURE } from './exit-codes.js';
import { Progress, progressWanted } from './progress.js';
import { IMPORT_FORMATS, type ImportFormat } from '../trace/import/formats.js';
import { TraceError } from '../workload/trace/errors.js';
import { resolveConfigArg } from '../config/bundled.js';
import { DEFAULT_TIME, SLURM_MAX_ARRAY_SIZE } from '../sweep/slurm-defaults.js';

// Each command's module is imported when that command runs, not before: `tiersim validate`
// should not load the engine, the sweep pool or the report's chart libraries (start-up time).

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseJobs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new InvalidArgumentError('--jobs is an integer from 1 to 256.');
  return n;
}

function parseIndex(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a point index is an integer >= 0.');
  return n;
}

const JOBS_HELP =
  'experiments run at once, one pool thread each (default: one per core, fewer if memory is short)';
const RECYCLE_HELP =
  "reuse pool threads across experiments instead of a fresh thread per experiment (V8 runs the access loop ~2x slower in a thread's second simulation)";

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer >= 1.');
  return n;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError('a seed is an integer from 0 to 4294967295.');
  return n;
}

const SET_HELP =
  'override a config key, e.g. --set kernel.demotion_enabled=false --set run.duration=500ms (repeatable; list items as nodes.0.memory or nodes[0].memory)';

/** How --set reads and where the keys are (the commands that take a config). */
const SET_SYNTAX = `
--set PATH=VALUE: PATH is a config key in YAML path form (kernel.swappiness, run.duration,
  topology.nodes.0.memory or topology.nodes[0].memory); VALUE is YAML (true, 60, 512MiB, 1ms,
  [0, 1], {mode: bind, nodes: [0]}). Sizes take KiB/MiB/GiB/TiB, times ns/us/ms/s. Repeatable;
  later ones win. The keys, with their kernel names, defaults and units: configs/schema.json
  (generated from src/config/schema.ts; editors complete from it), and the README's "Configs"
  section. \`npx tiersim validate CONFIG --set ...\` checks them without running.`;

/** What the exit codes mean (every command). */
const EXIT_CODES = `
Exit codes:
  0    success
  1    a run failed (a simulated OOM, a worker fault), or the output could not be written
       (one line naming the path and the errno: ENOSPC, EROFS, EACCES ...), or sweep points
       failed (merge: points missing, failed or interrupted)
  2    bad config or usage: every problem located (file:line:col: yaml.path: what was expected),
       nothing run or written
  129, 130, 143   stopped by SIGHUP, SIGINT (Ctrl-C) or SIGTERM at an epoch boundary: what ran
       is written, marked completed: false with stopped_by; a second signal exits at once`;

/** What every command that takes a config shares. */
const COMMON_HELP = `${SET_SYNTAX}
${EXIT_CODES}`;

function buildProgram(result: { code: number }, startedMs: number | undefined): Command {
  const program = new Command('tiersim')
    .description(
      'Simulate a tiered-memory Linux machine: demotion in lieu of discard, vmstat counters, workload scores.',
    )
    .version(TIERSIM_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  npx tiersim run configs/experiments/quickstart.yaml --out out/quick
  npx tiersim validate configs/experiments/quickstart.yaml --set run.epoch=500us
  npx tiersim topology configs/topologies/two-socket-optane.yaml
  npx tiersim sweep configs/sweeps/quickstart-dram.yaml --out out/s
  npx tiersim merge out/s && npx tiersim report out/s
  npx tiersim trace info ls.tstrace
  npx tiersim <command> --help      # options and examples of one command
${COMMON_HELP}`,
    );

  program
    .command('run')
    .description(
      'run an experiment and print its vmstat counters, per-node occupancy and score; a config with variants: runs them side by side',
    )
    .argument(
      '[config]',
      'experiment YAML, or a bundled config by name (`tiersim configs` lists them), e.g. quickstart',
    )
    .option('-o, --out <dir>', 'write result.json, vmstat, series.csv and per-node sysfs files into <dir>')
    .option('--seed <n>', 'root seed of every random stream (same as --set run.seed=<n>)', parseSeed)
    .option('--set <path=value>', SET_HELP, collect, [])
    .addOption(
      new Option(
        '--threads <mode>',
        'how nodes map to threads (same results, bit for bit, in every mode). auto: one worker per node with CPUs, at most one per core that other processes leave free (' +
          `${availableParallelism()} cores here; measured while the run starts, the choice printed in the summary's footer), CPU-less nodes on the worker of their nearest CPU node, and inline when that is one worker (one free core, or a single node with CPUs); ` +
          'per-node: one worker per node with CPUs, CPU-less nodes hosted likewise; every-node: one worker per NUMA node; inline: every node on this thread',
      )
        .choices(SCHEDULERS)
        .default('auto'),
    )
    .option(
      '--from <dir>',
      'replay one experiment of a sweep or comparison exactly (DIR/points/N, DIR/<variant>)',
    )
    .option(
      '--report',
      'also write <out>/report.html: charts of occupancy, demotion and score (needs --out)',
      false,
    )
    .option('-j, --jobs <n>', `variants: ${JOBS_HELP}`, parseJobs)
    .option('--no-recycle', `variants: ${RECYCLE_HELP}`)
    .option('--json', 'print result.json to stdout instead of the summary', false)
    .option('-q, --quiet', 'no summary and no progress bar', false)
    .addHelpText(
      'after',
      `
Examples:
  npx tiersim run configs/experiments/quickstart.yaml
  npx tiersim run configs/experiments/quickstart.yaml --out out/quick --seed 7 --report
  npx tiersim run configs/experiments/quickstart.yaml --set kernel.demotion_enabled=false
  npx tiersim run --from out/sweep/points/3                  # replay point 3 of a sweep

Output: the summary shows /proc/vmstat counters (pgdemote_kswapd, pgmajfault, ...) per node and in
total, numastat and meminfo per node, and where each CPU node's accesses were served. With --out,
DIR/result.json holds everything (including per-epoch series and a state digest), DIR/vmstat is
/proc/vmstat text, DIR/series.csv one row per sample and node, DIR/nodes/nodeN/ the sysfs files.

Variants: a config with \`variants:\` (named sets of overrides) runs each variant with the same seed
on a pool of threads (inline scheduler) and prints one column per variant with ratios against the
first; with --out, DIR/<variant>/ holds each variant's output and DIR/comparison.{json,csv,txt} the table.
--threads applies to one experiment: run one variant on per-node workers with
  npx tiersim run --from DIR/<variant> --threads per-node
${COMMON_HELP}`,
    )
    .action(
      async (
        config: string | undefined,
        opts: {
          out?: string;
          seed?: number;
          set: string[];
          threads: SchedulerName;
          from?: string;
          report: boolean;
          jobs?: number;
          recycle: boolean;
          json: boolean;
          quiet: boolean;
        },
        command: Command,
      ) => {
        // A line on the terminal before the engine's modules load (a second or more on a
        // loaded machine); the run goes on with the same bar.
        const progress = new Progress({ enabled: progressWanted(opts.quiet), total: 1, describe: () => '' });
        progress.phase('loading tiersim');
        try {
          const { runEntry } = await import('./variants-command.js');
          result.code = await runEntry(
            config === undefined ? undefined : resolveConfigArg(config, 'experiments'),
            {
              ...opts,
              threadsGiven: command.getOptionValueSource('threads') === 'cli',
              startedMs,
              progress,
            },
          );
        } finally {
          progress.stop();
        }
      },
    );

  program
    .command('sweep')
    .description(
      'run every point of a sweep (grid x zip x seeds over config keys) on a pool of threads; resumable',
    )
    .argument(
      '<config>',
      'experiment YAML with a sweep: section, or a bundled sweep by name (e.g. quickstart-dram)',
    )
    .option('-o, --out <dir>', 'sweep directory: manifest.json, points/N/, summary.csv, summary.json')
    .option('-j, --jobs <n>', JOBS_HELP, parseJobs)
    .option(
      '--set <path=value>',
      `${SET_HELP}; applied to every point (a point's own values win)`,
      collect,
      [],
    )
    .option('--index <n>', 'run only point <n>, on this thread (one Slurm array task)', parseIndex)
    .option(
      '--task <t>',
      'run only the points of array task <t>: t*K .. t*K+K-1 with K = --points-per-task (a Slurm array task of a large sweep)',
      parseIndex,
    )
    .option(
      '--points-per-task <k>',
      `points per array task (with --task, and --emit slurm; default for --emit: as few as keep the array within --max-array-size)`,
      parsePositive,
    )
    .option(
      '--time <limit>',
      `--emit slurm: each task's time limit, in sbatch's format (default ${DEFAULT_TIME})`,
    )
    .option(
      '--max-array-size <n>',
      `--emit slurm: the cluster's MaxArraySize (scontrol show config; default ${SLURM_MAX_ARRAY_SIZE})`,
      parsePositive,
    )
    .addOption(
      new Option(
        '--emit <kind>',
        'write a job script to <out> instead of running (slurm: an sbatch array)',
      ).choices(['slurm']),
    )
    .option('--report', 'also write <out>/report.html: score and counters against each swept key', false)
    .option('--dry-run', 'list the points (after checking every one of them) and run nothing', false)
    .option('--no-recycle', RECYCLE_HELP)
    .option('-q, --quiet', 'no tables and no progress bar', false)
    .addHelpText(
      'after',
      `
Examples:
  npx tiersim sweep configs/sweeps/quickstart-dram.yaml --dry-run
  npx tiersim sweep configs/sweeps/quickstart-dram.yaml --out out/s --report     # rerun: skips finished points
  npx tiersim sweep configs/sweeps/quickstart-dram.yaml --out out/s --emit slurm # then: sbatch out/s/sweep.sbatch
  npx tiersim merge out/s

Points are numbered in loop order: variants x grid keys (as written) x zip x seeds, the last
varying fastest. Each finished point is in <out>/points/N/ (config.json, result.json, ...,
point.json); a failed point is reported and does not stop the others; rerunning the command
skips finished points and reruns failed ones.
${COMMON_HELP}`,
    )
    .action(
      async (
        config: string,
        opts: {
          out?: string;
          jobs?: number;
          set: string[];
          index?: number;
          task?: number;
          pointsPerTask?: number;
          time?: string;
          maxArraySize?: number;
          emit?: string;
          report: boolean;
          dryRun: boolean;
          recycle: boolean;
          quiet: boolean;
        },
      ) => {
        const { sweepCommand } = await import('./sweep-command.js');
        result.code = await sweepCommand(resolveConfigArg(config, 'sweeps'), opts);
      },
    );

  program
    .command('merge')
    .description(
      'build summary.csv, summary.json and the seed-group table from the points a sweep directory holds; exits 1 listing the failed, interrupted and missing points and the sbatch --array=... line that reruns them',
    )
    .argument('<dir>', 'sweep directory (with manifest.json)')
    .option('--report', 'also write <dir>/report.html', false)
    .option('-q, --quiet', 'no table', false)
    .addHelpText(
      'after',
      `
Example:
  npx tiersim merge out/s --report     # after a sweep or while a Slurm array runs
${EXIT_CODES}`,
    )
    .action(async (dir: string, opts: { report: boolean; quiet: boolean }) => {
      const { mergeCommand } = await import('./merge-command.js');
      result.code = await mergeCommand(dir, opts);
    });

  program
    .command('report')
    .description(
      'write one self-contained HTML report with charts (SVG) for a run, comparison or sweep directory',
    )
    .argument('<dir>', 'output directory of tiersim run --out, a comparison of variants, or tiersim sweep')
    .option('-o, --output <file>', 'where to write the report (default: <dir>/report.html)')
    .addHelpText(
      'after',
      `
Examples:
  npx tiersim run quickstart --out out/quick && npx tiersim report out/quick   # out/quick/report.html
  npx tiersim report out/s -o /tmp/sweep.html

The report is one self-contained HTML file (inline SVG, no scripts): per-node rates with a
colour per node, symlog scales with a note where a spike would flatten a chart, "no events" for
counters that stayed 0, and a banner for a run, comparison or sweep that did not finish
(docs/sweeps.md, "The HTML report").
${EXIT_CODES}`,
    )
    .action(async (dir: string, opts: { output?: string }) => {
      const { reportCommand } = await import('./report-command.js');
      result.code = await reportCommand(dir, opts);
    });

  program
    .command('topology')
    .description(
      'show what the kernel derives from a machine: numactl -H, memory tiers, demotion targets, zonelists, watermarks',
    )
    .argument('<config>', 'topology or experiment YAML, or a bundled one by name (e.g. two-socket-optane)')
    .option(
      '--json',
      'print {"nodes":[{"id","tier","zonelist","demotion":{"preferred","allowed"},"watermarks":{...}}]} (watermarks in pages)',
      false,
    )
    .option('--set <path=value>', SET_HELP, collect, [])
    .addHelpText(
      'after',
      `
Examples:
  npx tiersim topology two-socket-optane
  npx tiersim topology configs/topologies/four-socket-optane.yaml --json --set kernel.version=5.15
${COMMON_HELP}`,
    )
    .action(async (config: string, opts: { json: boolean; set: string[] }) => {
      const { topologyCommand } = await import('./topology-command.js');
      result.code = topologyCommand(resolveConfigArg(config, 'topologies'), opts);
    });

  program
    .command('validate')
    .description(
      'check a config (includes, --set overrides, every key, units and cross-references) without running it',
    )
    .argument('<config>', 'topology or experiment YAML')
    .option('--set <path=value>', SET_HELP, collect, [])
    .addHelpText(
      'after',
      `
Example:
  npx tiersim validate configs/experiments/quickstart.yaml --set topology.nodes.0.memory=128MiB
${COMMON_HELP}`,
    )
    .action(async (config: string, opts: { set: string[] }) => {
      const { validateCommand } = await import('./validate-command.js');
      result.code = validateCommand(resolveConfigArg(config, 'experiments'), opts);
    });

  program
    .command('configs')
    .description('list the bundled configs: experiments, sweeps and topologies, each runnable by its name')
    .option('--paths', 'print the absolute path of each file instead of its summary', false)
    .addHelpText(
      'after',
      `
Examples:
  npx tiersim configs                 # names and one-line descriptions
  npx tiersim run quickstart          # any listed name runs as it is (or sweep, topology)
  npx tiersim configs --paths | grep quickstart   # where the file is, to copy and edit
${EXIT_CODES}`,
    )
    .action(async (opts: { paths: boolean }) => {
      const { configsCommand } = await import('./configs-command.js');
      result.code = configsCommand(opts);
    });

  const trace = program
    .command('trace')
    .description(
      'memory traces for `pattern: trace`: convert valgrind lackey output or import perf, Pin and DAMON recordings, inspect a trace',
    )
    .addHelpText(
      'after',
      `
Examples:
  npx tiersim trace convert ls.lackey ls.tstrace
  npx tiersim trace info ls.tstrace
  npx tiersim trace convert --help     # the formats, with a recording command for each
${EXIT_CODES}`,
    );
  trace
    .command('convert')
    .description(
      "convert a trace (valgrind lackey text, a binary trace, or with --from a perf, Pin or DAMON recording; plain or gzip, a file or -) to tiersim's compact binary format; OUT is written atomically (nothing on an error)",
    )
    .argument(
      '<in>',
      'the input: lackey output (valgrind --tool=lackey --trace-mem=yes --log-file=IN PROGRAM), or as --from says; - for standard input',
    )
    .argument('<out>', 'binary trace to write (name it *.tstrace so configs recognise it)')
    .option(
      '--page-size <size>',
      'page size hint stored in the header; --from damon: the page stride of the replay (default 4KiB)',
    )
    .addOption(
      new Option(
        '--from <format>',
        "the input's format: lackey (valgrind; default, a binary trace is told by its magic), perf (perf script samples with data addresses), pin (pinatrace), damon (damo record)",
      ).choices(IMPORT_FORMATS),
    )
    .option(
      '--period-unit <n>',
      '--from perf: the sample period one record stands for (default: the smallest period in the file)',
      parsePositive,
    )
    .option('-q, --quiet', 'no summary and no progress bar', false)
    .addHelpText(
      'after',
      `
Inputs may be gzip-compressed, and - (standard input), a pipe or <(...) are read without seeking.

Examples:
  valgrind --tool=lackey --trace-mem=yes --log-file=ls.lackey ls /
  npx tiersim trace convert ls.lackey ls.tstrace
  npx tiersim trace info ls.tstrace
  perf mem record -o perf.data ./prog && perf script -i perf.data -F event,period,addr > prog.perf
  npx tiersim trace convert --from perf prog.perf prog.tstrace
  pin -t obj-intel64/pinatrace.so -- ./prog && npx tiersim trace convert --from pin pinatrace.out prog.tstrace
  damo record -o damon.json --output_type json ./prog && npx tiersim trace convert --from damon damon.json prog.tstrace
${EXIT_CODES}`,
    )
    .action(
      async (
        input: string,
        output: string,
        opts: { pageSize?: string; from?: ImportFormat; periodUnit?: number; quiet: boolean },
      ) => {
        const { traceConvertCommand } = await import('./trace-command.js');
        result.code = traceConvertCommand(input, output, opts);
      },
    );
  trace
    .command('info')
    .description('print record counts, load/store mix, address range and distinct pages of a trace')
    .argument('<file>', 'lackey text or binary trace (told apart by the first bytes)')
    .option('--page-size <size>', 'page size for the page figures (default: the header hint, else 4KiB)')
    .addOption(new Option('--format <format>', 'read as this format').choices(['lackey', 'tiersim']))
    .option('--json', 'print the figures as JSON', false)
    .option('-q, --quiet', 'no progress bar', false)
    .addHelpText(
      'after',
      `
Examples:
  npx tiersim trace info ls.tstrace
  npx tiersim trace info ls.lackey --json --page-size 2MiB
${EXIT_CODES}`,
    )
    .action(
      async (
        file: string,
        opts: { pageSize?: string; format?: 'lackey' | 'tiersim'; json: boolean; quiet: boolean },
      ) => {
        const { traceInfoCommand } = await import('./trace-command.js');
        result.code = traceInfoCommand(file, opts);
      },
    );
  return program;
}

/**
 * Run the command line `argv`. `startedMs` is when the command started on performance.now()'s
 * clock (bin/tiersim.js passes 0, the process start), so `run`'s printed rate covers start-up.
 */
export async function main(argv: readonly string[], startedMs?: number): Promise<number> {
  const result = { code: 0 };
  const program = buildProgram(result, startedMs);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return result.code;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed the message (or the help / version text).
    return error.exitCode === 0 ? 0 : EXIT_CONFIG;
  }
  if (error instanceof ConfigError) {
    const n = error.problems.length;
    process.stderr.write(
      `${error.message}\ntiersim: ${n} problem${n === 1 ? '' : 's'} in the config; nothing was run or written.\n`,
    );
    return EXIT_CONFIG;
  }
  if (
    error instanceof ProtocolError ||
    error instanceof SimulationError ||
    error instanceof TraceError ||
    error instanceof FsError
  ) {
    process.stderr.write(`tiersim: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  // A filesystem error no caller named: still one line, with the syscall and path.
  if (isErrnoError(error)) {
    process.stderr.write(`tiersim: ${describeErrnoError(error)}\n`);
    return EXIT_FAILURE;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`tiersim: internal error: ${message}\n`);
  return EXIT_FAILURE;
}
