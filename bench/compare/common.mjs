// What the BullMQ worker and enqueuer of `bin/spool bench compare` share: argument parsing, clocks
// and CPU time. The Java side (dev.spool.bench.compare) mirrors every name used here.
import { readFileSync } from 'node:fs';

/** "--name value" pairs into an object; every value is a string. */
export function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || i + 1 >= argv.length) {
      throw new Error(`expected --name value pairs, got '${a}'`);
    }
    args[a.slice(2)] = argv[++i];
  }
  return args;
}

/** A required argument, or an error naming it. */
export function required(args, name) {
  if (args[name] === undefined) {
    throw new Error(`--${name} is required`);
  }
  return args[name];
}

/**
 * Microseconds on CLOCK_MONOTONIC, the clock Java's System.nanoTime() reads too: the same across
 * the processes of one machine, so a Java enqueuer and a Node worker could compare them (each side
 * only compares with its own kind here, but the unit and clock are the same on both sides).
 */
export function monotonicMicros() {
  return Number(process.hrtime.bigint() / 1000n);
}

// Date.now() has milliseconds only: anchor the monotonic clock to the wall clock at the moment the
// millisecond ticks, so wall-clock readings get microseconds (as Java's Instant.now() has). A
// sample read late (the process was preempted between the two clock reads) can only come out
// too small, never too large: the largest of several samples is the closest.
let wallOffsetMicros;

/** Calibrates wallMicros(); spins about 20 ms, once, before the measured work. */
export function calibrateWallClock(samples = 20) {
  let best = -Infinity;
  for (let i = 0; i < samples; i++) {
    const start = Date.now();
    let now;
    while ((now = Date.now()) === start) {
      // less than 1 ms
    }
    best = Math.max(best, now * 1000 - monotonicMicros());
  }
  wallOffsetMicros = best;
}

/** Epoch microseconds (wall clock), to compare with due times in epoch milliseconds. */
export function wallMicros() {
  if (wallOffsetMicros === undefined) {
    throw new Error('calibrateWallClock() first');
  }
  return wallOffsetMicros + monotonicMicros();
}

/** User + system CPU time of this whole process (every thread), in microseconds. */
export function cpuMicros() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Peak resident set size of this process (VmHWM), in KiB, or -1. */
export function peakRssKb() {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : -1;
  } catch {
    return -1;
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Sleeps until monotonicMicros() reaches the target (no spinning: CPU is being measured). */
export async function sleepUntilMicros(target) {
  const left = target - monotonicMicros();
  if (left > 0) {
    await sleep(Math.floor(left / 1000));
  }
}

/** One JSON line on stdout: how the processes report to the harness. */
export function report(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

/** A Redis URL for ioredis from the harness's redis://host:port. */
export function redisOptions(url) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 6379) };
}
