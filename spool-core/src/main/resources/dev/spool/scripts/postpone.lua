--[[ postpone: end a running attempt whose handler asked to run later (RunLaterException): the job
  waits in the delayed set until then, as a retry waits, but records no error and leaves its retry
  budget as it was. The next run has a number of its own ('n' and the budget's start 'b' both go
  up by one), so that this run's late writes or a retried call of this script never pass for the
  next run's (holdsAttempt). Its progress and data start afresh.
  KEYS[1] {q}:active   ZSET  id -> lease deadline (ms)
  KEYS[2] {q}:delayed  ZSET  id -> due time (ms)
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] id   ARGV[4] attempt
  ARGV[5] when the job was recorded (µs), as fetch gave it (holdsAttempt)
  ARGV[6] now (µs)   ARGV[7] now (ms)   ARGV[8] due (ms)
  ARGV[9] channel that tells stagers of an earlier due time
  ARGV[10] expiry (s) of a killed job's status
  ARGV[11] type of the internal job that reports a batch part's end (a kill)
  A while-executing lock and a concurrency slot are given back, as at a retry; an until-executed
  lock is kept until the job has run. A kill requested meanwhile ends the job killed instead.
  A call that finds this attempt postponed or killed by an earlier call for the same outcome
  (which timed out on the node while Redis still held it and ran it later: scheduled at the next
  attempt, or killed at this one with this node's reason, at this recorded time) writes nothing
  and returns what that call did; the node's retry must not read as a lost lease.
  Returns: 1 postponed, 2 killed (its kill was requested), 0 stale (this node no longer holds
  this attempt) ]]
local prefix, node, id, attempt = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local nowUs, nowMs, due = ARGV[6], ARGV[7], ARGV[8]
local qp = string.sub(prefix, 1, -5)
local key = prefix .. id
local job = fieldsOf(key, 's', 'w', 'n', 'rec', 'lc', 'u', 'b', 'krq', 'bt', 'er', 'e')
local reason = cjson.encode({type = 'Killed', message = 'killed on request while node \'' ..
  node .. '\' postponed it'})
if not holdsAttempt(job, job and job[4], node, attempt, ARGV[5]) then
  if not job then return 0 end
  local function endedBy(state, at)
    return job[1] == state and holdsAttempt({'started', job[2], job[3]}, job[4], node, at, ARGV[5])
  end
  if endedBy('scheduled', tostring(tonumber(attempt) + 1)) then return 1 end
  if job[11] == reason and endedBy('killed', attempt) then return 2 end
  return 0
end
onOwn(qp, 'ZREM', KEYS[1], id)
freeSlot(qp, id, job[5])
wakeIfLimited(qp)
if job[8] then
  -- Its kill was requested while the handler ended: it ends killed, as a run would.
  redis.call('HSET', key, 'e', reason, 'er', appendJson(job[10], reason))
  endKilled(qp, key, id, 'started', nowUs, ARGV[10], 'WD')
  reportPartFailed(qp, job[9], ARGV[11], nowUs)
  return 2
end
-- 'b' passed fetch's checks (corruption) as a number, or is absent (0).
redis.call('HSET', key, 's', 'scheduled', 'due', due, 'n', tonumber(attempt) + 1,
  'b', (tonumber(job[7]) or 0) + 1)
redis.call('HDEL', key, 'pg', 'sta', 'da')
restate(qp, id, 'started', 'scheduled')
stamp(qp, key, id, 'sch', nowUs)
unlock(qp, key, id, 'W', job[6] or false)
keepLockUntil(qp, id, job[6], due, nowMs)
delayUntil(qp, KEYS[2], id, due, ARGV[9])
return 1
