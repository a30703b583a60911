// The BullMQ worker of `bin/spool bench compare`: one process, one Worker, until SIGTERM.
//   node worker.mjs --redis redis://127.0.0.1:PORT --queue compare --concurrency 200
// Prints {"event":"ready"} once connected, and {"event":"stopped",...} with its counts on SIGTERM.
// Jobs say what to do by name (the Spool handlers in CompareHandlers.java do the same):
//   compare-incr     INCR data.key on the handler's own ioredis connection
//   compare-noop     nothing
//   compare-latency  RPUSH data.list (now - data.sentUs), monotonic microseconds
//   compare-delayed  RPUSH data.list (now - data.dueMs), epoch microseconds
import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import {
  calibrateWallClock,
  monotonicMicros,
  parseArgs,
  peakRssKb,
  redisOptions,
  report,
  required,
  wallMicros,
} from './common.mjs';

const args = parseArgs(process.argv.slice(2));
const url = required(args, 'redis');
const queue = args.queue ?? 'compare';
const concurrency = Number(args.concurrency ?? 200);
calibrateWallClock();

// The handler's own client, apart from BullMQ's connections: what an application's job would use.
const handlerRedis = new IORedis(url);
let processed = 0;
let failed = 0;

async function processor(job) {
  switch (job.name) {
    case 'compare-incr':
      await handlerRedis.incr(job.data.key);
      break;
    case 'compare-noop':
      break;
    case 'compare-latency':
      await handlerRedis.rpush(job.data.list, monotonicMicros() - job.data.sentUs);
      break;
    case 'compare-delayed':
      await handlerRedis.rpush(job.data.list, wallMicros() - job.data.dueMs * 1000);
      break;
    default:
      throw new Error(`unknown job name ${job.name}`);
  }
  processed++;
}

const worker = new Worker(queue, processor, { connection: redisOptions(url), concurrency });
worker.on('failed', (job, error) => {
  if (failed++ < 3) {
    console.error(`job ${job?.id} failed: ${error?.stack ?? error}`);
  }
});
worker.on('error', (error) => console.error(`worker error: ${error?.stack ?? error}`));

let stopping = false;
process.on('SIGTERM', async () => {
  if (stopping) return;
  stopping = true;
  try {
    await worker.close();
    await handlerRedis.quit();
  } finally {
    report({ event: 'stopped', processed, failed, peakRssKb: peakRssKb() });
    process.exit(0);
  }
});

await worker.waitUntilReady();
report({ event: 'ready', pid: process.pid, queue, concurrency });
