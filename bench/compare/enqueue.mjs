// The BullMQ enqueuer of `bin/spool bench compare`: a fresh process per run, as the Spool one
// (EnqueuerCommand.java), with the same modes, arguments and one JSON line of results on stdout.
//   node enqueue.mjs --mode bulk    --redis URL --jobs 100000 --chunk 1000 --name compare-incr --key K
//   node enqueue.mjs --mode rate    --redis URL --rate 500 --seconds 10 --warm 1000 --idle-ms 1000
//                                   --list L --warm-list W
//   node enqueue.mjs --mode delayed --redis URL --jobs 5000 --seconds 10 --lead-ms 1000 --warm 1000
//                                   --idle-ms 1000 --list L --warm-list W
//   node enqueue.mjs --mode single  --redis URL --jobs 20000 --warm 1000 --idle-ms 1000
//                                   --list L --warm-list W
// CPU time is this process's user + system time: cpuMicros over the measured phase only,
// processCpuMicros since the process started (start-up, connection and warm-up included).
import { Queue } from 'bullmq';
import {
  cpuMicros,
  monotonicMicros,
  parseArgs,
  redisOptions,
  report,
  required,
  sleep,
  sleepUntilMicros,
} from './common.mjs';

const args = parseArgs(process.argv.slice(2));
const mode = required(args, 'mode');
const queueName = args.queue ?? 'compare';
const queue = new Queue(queueName, { connection: redisOptions(required(args, 'redis')) });
// Completed jobs are removed, as the comparison's BullMQ worker is set up (removeOnComplete).
const jobOptions = { removeOnComplete: true };

function int(name, fallback) {
  const v = args[name] ?? fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`--${name} must be a whole number >= 0, got ${v}`);
  }
  return n;
}

/** W1's bulk enqueue: jobs in chunks through addBulk, one chunk at a time. */
async function bulk() {
  const jobs = int('jobs');
  const chunk = int('chunk', 1000);
  const name = required(args, 'name');
  const key = args.key;
  const cpu0 = cpuMicros();
  const t0 = monotonicMicros();
  for (let done = 0; done < jobs; ) {
    const n = Math.min(chunk, jobs - done);
    const items = new Array(n);
    for (let i = 0; i < n; i++) {
      const data = key === undefined ? { n: done + i } : { n: done + i, key };
      items[i] = { name, data, opts: jobOptions };
    }
    await queue.addBulk(items);
    done += n;
  }
  const seconds = (monotonicMicros() - t0) / 1e6;
  return { jobs, chunk, seconds, jobsPerSec: jobs / seconds, cpuMicros: cpuMicros() - cpu0 };
}

/** One single add of W2 or single: job `n`, stamped with its send time. */
function addLatencyJob(n, list) {
  return queue.add('compare-latency', { n, sentUs: monotonicMicros(), list }, jobOptions);
}

/**
 * Single adds paced at `rate` per second on an absolute schedule (a late send does not push the
 * later ones back); each job carries the monotonic time just before its add.
 */
async function paced(count, rate, list) {
  const start = monotonicMicros();
  let lateSends = 0;
  for (let i = 0; i < count; i++) {
    const target = start + Math.round((i * 1e6) / rate);
    await sleepUntilMicros(target);
    if (monotonicMicros() - target > 1000) {
      lateSends++;
    }
    await addLatencyJob(i, list);
  }
  return lateSends;
}

/** W2: warm-up jobs and a second of idle, then single adds at a fixed rate. */
async function rate() {
  const perSec = int('rate');
  const seconds = int('seconds');
  await paced(int('warm', 1000), perSec, required(args, 'warm-list'));
  await sleep(int('idle-ms', 1000));
  const count = perSec * seconds;
  const cpu0 = cpuMicros();
  const t0 = monotonicMicros();
  const lateSends = await paced(count, perSec, required(args, 'list'));
  const took = (monotonicMicros() - t0) / 1e6;
  return { sent: count, rate: perSec, seconds: took, lateSends, cpuMicros: cpuMicros() - cpu0 };
}

/** Single adds one after another, each awaited before the next; each carries its send time. */
async function backToBack(count, list) {
  for (let i = 0; i < count; i++) {
    await addLatencyJob(i, list);
  }
}

/**
 * Single adds back to back (the warm-up too), then the same idle as W2: the CPU of an add when the
 * process does not sleep between adds, only while each answer comes (a paced sender also sleeps
 * until each send time, and its CPU idles in between).
 */
async function single() {
  await backToBack(int('warm', 1000), required(args, 'warm-list'));
  await sleep(int('idle-ms', 1000));
  const count = int('jobs');
  const cpu0 = cpuMicros();
  const t0 = monotonicMicros();
  await backToBack(count, required(args, 'list'));
  const took = (monotonicMicros() - t0) / 1e6;
  return { sent: count, seconds: took, jobsPerSec: count / took, cpuMicros: cpuMicros() - cpu0 };
}

/** Schedules `jobs` delayed jobs due evenly over `seconds` from `leadMs` after now. */
async function schedule(jobs, seconds, leadMs, list) {
  const firstDue = Date.now() + leadMs;
  let enqueuedAfterDue = 0;
  let lastDue = firstDue;
  for (let i = 0; i < jobs; i++) {
    const due = firstDue + Math.floor((i * seconds * 1000) / jobs);
    const now = Date.now();
    if (now >= due) {
      enqueuedAfterDue++;
    }
    // timestamp + delay is the due time exactly (BullMQ adds them), not a later Date.now().
    const opts = { ...jobOptions, timestamp: now, delay: Math.max(0, due - now) };
    await queue.add('compare-delayed', { n: i, dueMs: due, list }, opts);
    lastDue = due;
  }
  return { enqueuedAfterDue, lastDue };
}

/** W3: warm-up jobs due over the next second and a second of idle, then the delayed jobs. */
async function delayed() {
  const warm = await schedule(int('warm', 1000), 1, 100, required(args, 'warm-list'));
  await sleep(warm.lastDue - Date.now() + int('idle-ms', 1000));
  const jobs = int('jobs');
  const cpu0 = cpuMicros();
  const t0 = monotonicMicros();
  const s = await schedule(jobs, int('seconds'), int('lead-ms', 1000), required(args, 'list'));
  return {
    scheduled: jobs,
    scheduleSeconds: (monotonicMicros() - t0) / 1e6,
    enqueuedAfterDue: s.enqueuedAfterDue,
    lastDueMs: s.lastDue,
    cpuMicros: cpuMicros() - cpu0,
  };
}

const modes = { bulk, rate, delayed, single };
if (!modes[mode]) {
  throw new Error(`--mode must be bulk, rate, delayed or single, got ${mode}`);
}
try {
  await queue.waitUntilReady();
  const result = await modes[mode]();
  report({ mode, ...result, processCpuMicros: cpuMicros() });
} finally {
  await queue.close();
}
