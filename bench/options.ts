import { parseArgs } from "node:util";
import { scaleCounts, type DatasetCounts } from "../src/sandbox/incidentio/scale";

const BENCH_SCALES = ["small", "medium", "large", "xl"] as const;
export type BenchScale = (typeof BENCH_SCALES)[number];

/**
 * The sandbox preset each scale serves a share of: `large` is issue 6's organisation (20k incidents,
 * 200k alerts, ...), `xl` issue 14's (100k incidents, 1M alerts, ...).
 */
const SCALE_SHARES: Readonly<Record<BenchScale, { readonly preset: "large" | "xl"; readonly factor: number }>> = {
  small: { preset: "large", factor: 0.02 },
  medium: { preset: "large", factor: 0.2 },
  large: { preset: "large", factor: 1 },
  xl: { preset: "xl", factor: 1 },
};

export interface BenchOptions {
  readonly scale: BenchScale;
  /** Shares of the scale to run the phases at, ascending: time and memory growth are read across them. */
  readonly fractions: readonly number[];
  /** Records sampled for the per-record jq baseline. */
  readonly jqSample: number;
  /** `--webhooks`: only the webhook phase (issue 15), at the scale (small unless given). */
  readonly webhooks: boolean;
  /** Where the JSON result goes; undefined means bench/results. */
  readonly outDir: string | undefined;
  readonly help: boolean;
}

export const BENCH_USAGE = `pnpm bench [--scale small|medium|large|xl] [--fraction 0.1,0.5,1] [--quick] [--webhooks] [--out DIR]

Runs the product against both sandboxes (served by a separate process) through four phases — a cold full
run, a no-change run, a 1%-change run and an incremental run — at each fraction of the scale, then the
baselines: per-record jq, Ocean's resync requests, sequential extract under 50 ms latency, and extract
under Incident.io's 1,200 requests a minute on a scaled clock. Prints a table; writes JSON to bench/results/.

--scale xl instead runs four whole runs (etl run) under 150 ms of Incident.io latency and its real budget
of 1,200 requests a minute, enforced: a cold full run, the hourly run with nothing changed, a run after 1%
changed, and a full refresh; then compares Port's entities with what the full refresh staged. It takes an
hour or more at 100%, and is kept out of CI.

--webhooks instead runs a cold etl run at the small scale, then etl serve, then makes 1,000 changes in
Incident.io at 50 a second, each posted to serve as a signed webhook; it reports receipt → Port write
(p50/p95/p99, from the inbox and from outside), events applied a second, the requests and serve's memory,
stops serve with SIGTERM, and compares Port with a full refresh. It takes about a minute; kept out of CI.

  --scale      small (2% of large), medium (20%), large (20k incidents, 200k alerts, ...; the default),
               or xl (100k incidents, 1M alerts, ...)
  --fraction   shares of the scale, comma-separated or repeated (default 0.1,0.5,1; xl: 1)
  --quick      small scale at fraction 1 with a 30-record jq sample: proves the harness in seconds
  --webhooks   the webhook phase only (issue 15), at the small scale unless --scale says otherwise
  --out DIR    write the JSON result to DIR instead of bench/results`;

/** A command line the benchmark cannot run with. */
export class BenchUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BenchUsageError";
  }
}

const DEFAULT_FRACTIONS = [0.1, 0.5, 1];
const DEFAULT_JQ_SAMPLE = 300;
const QUICK_JQ_SAMPLE = 30;

function parseFractions(values: readonly string[]): number[] {
  const fractions = values.flatMap((value) => value.split(",")).map((text) => text.trim()).filter(Boolean).map(Number);
  const bad = fractions.find((fraction) => !(fraction > 0 && fraction <= 1));
  if (bad !== undefined || fractions.length === 0) throw new BenchUsageError(`--fraction: each value must be above 0 and at most 1, got ${values.join(",")}`);
  return [...new Set(fractions)].sort((a, b) => a - b);
}

/** Reads the benchmark's command line; `--quick` changes the defaults, flags given with it still win. Throws BenchUsageError. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        scale: { type: "string" },
        fraction: { type: "string", multiple: true },
        quick: { type: "boolean" },
        webhooks: { type: "boolean" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  const quick = parsed.quick ?? false;
  const webhooks = parsed.webhooks ?? false;
  const scale = parsed.scale ?? (quick || webhooks ? "small" : "large");
  if (!(BENCH_SCALES as readonly string[]).includes(scale)) throw new BenchUsageError(`--scale: one of ${BENCH_SCALES.join(", ")}, got ${scale}`);
  return {
    scale: scale as BenchScale,
    fractions: parsed.fraction ? parseFractions(parsed.fraction) : quick || webhooks || scale === "xl" ? [1] : DEFAULT_FRACTIONS,
    jqSample: quick ? QUICK_JQ_SAMPLE : DEFAULT_JQ_SAMPLE,
    webhooks,
    outDir: parsed.out,
    help: parsed.help ?? false,
  };
}

/** The sandbox's record counts for `fraction` of `scale`. */
export function countsFor(scale: BenchScale, fraction: number): DatasetCounts {
  const { preset, factor } = SCALE_SHARES[scale];
  return scaleCounts(preset, factor * fraction);
}
