--[[ postpone: end a running attempt whose handler asked to run later (RunLaterException): the job
  waits in the delayed set until then, as a retry waits, but uses no attempt and records no error
  (it keeps its attempt number and its retry budget; its progress and data start afresh).
  KEYS[1] {q}:active   ZSET  id -> lease deadline (ms)
  KEYS[2] {q}:delayed  ZSET  id -> due time (ms)
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] id   ARGV[4] attempt
  ARGV[5] when the job was recorded (µs), as fetch gave it (holdsAttempt)
  ARGV[6] now (µs)   ARGV[7] now (ms)   ARGV[8] due (ms)
  ARGV[9] channel that tells stagers of an earlier due time
  A while-executing lock and a concurrency slot are given back, as at a retry; an until-executed
  lock is kept until the job has run.
  Returns: 1 postponed, 0 stale (this node no longer holds this attempt) ]]
local prefix, node, id, attempt = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local nowUs, nowMs, due = ARGV[6], ARGV[7], ARGV[8]
local qp = string.sub(prefix, 1, -5)
local key = prefix .. id
local job = fieldsOf(key, 's', 'w', 'n', 'rec', 'lc', 'u')
if not holdsAttempt(job, job and job[4], node, attempt, ARGV[5]) then return 0 end
onOwn(qp, 'ZREM', KEYS[1], id)
freeSlot(qp, id, job[5])
wakeIfLimited(qp)
redis.call('HSET', key, 's', 'scheduled', 'due', due)
redis.call('HDEL', key, 'pg', 'sta', 'da')
restate(qp, id, 'started', 'scheduled')
stamp(qp, key, id, 'sch', nowUs)
unlock(qp, key, id, 'W', job[6] or false)
keepLockUntil(qp, id, job[6], due, nowMs)
delayUntil(qp, KEYS[2], id, due, ARGV[9])
return 1
