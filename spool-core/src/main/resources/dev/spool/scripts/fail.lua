--[[ fail: record a failed (or killed) attempt: schedule a retry, move the job to the dead set,
  or end it as killed.
  KEYS[1] {q}:active   ZSET  id -> lease deadline (ms)
  KEYS[2] {q}:delayed  ZSET  id -> due time (ms)
  KEYS[3] {q}:dead     ZSET  id -> time of death (ms)
  KEYS[4] {q}:throughput:<minute of now>  HASH  per-minute counters ('failed' grows)
  KEYS[5] {q}:failed   STRING  count of failed attempts (retried or dead; a kill is no failure)
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] id   ARGV[4] attempt
  ARGV[5] now (µs)   ARGV[6] now (ms)   ARGV[7] error JSON
  ARGV[8] retry at (ms); "" when the job is dead; "killed" when a kill request ended it
  ARGV[9] dead set max size   ARGV[10] dead jobs older than this (ms) are purged
  ARGV[11] channel that tells stagers of an earlier due time
  ARGV[12] expiry (s) of a killed job's status
  ARGV[13] what the handler put, as JSON ("" for nothing): the job's result when the attempt ends
  it (dead or killed), as a success keeps it; a retry starts afresh
  ARGV[14] when the job was recorded (µs), as fetch gave it: with the number, it tells this job
  from another given the same number after Redis lost its data (holdsAttempt)
  ARGV[15] type of the internal job that reports a batch part's end: a retry that a kill request
  ('krq', made while the attempt ran) turns into a kill ends the part, reported as failed
  The error joins the status's errors. A retry archives the attempt (progress, errors, times)
  in 'pa', the previous attempts, and starts the next one afresh.
  A call that finds this attempt's failure recorded already (by an earlier call for the same
  outcome, which timed out on the node while Redis still held it and ran it later: the job is
  scheduled for the next attempt, dead or killed, by this node, at this recorded time, with this
  error) writes nothing and returns what that call did; the node's retry must not read as a lost
  lease.
  Returns: 1 retry scheduled, 2 dead, 3 killed, 0 stale (this node no longer holds this attempt) ]]
local prefix, node, id, attempt = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local nowUs, nowMs, err, retryAt = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local qp = string.sub(prefix, 1, -5)
local key = prefix .. id
local job = fieldsOf(key, 's', 'w', 'n', 'er', 'pg', 'sta', 'pa', 'da', 'lc', 'rec', 'krq', 'bt', 'e')
-- Everything is read and checked before the first write: a corrupt history ('er', 'pa') is
-- replaced, an error that is not JSON is kept as its text. The first write frees memory (the
-- lease), so a node can record its outcomes even at maxmemory.
if type(decodeJson(err)) ~= 'table' then err = cjson.encode({type = 'Error', message = err}) end
if not holdsAttempt(job, job and job[10], node, attempt, ARGV[14]) then
  -- Recorded already by an earlier call for this outcome? Its error, node and recorded time, at
  -- this attempt (dead, killed) or the next (a retry scheduled); anything else is stale.
  if not (job and job[13] == err) then return 0 end
  local function endedBy(state, at)
    return job[1] == state and holdsAttempt({'started', job[2], job[3]}, job[10], node, at, ARGV[14])
  end
  if endedBy('scheduled', tostring(tonumber(attempt) + 1)) then return 1 end
  if endedBy('failed', attempt) then return 2 end
  if endedBy('killed', attempt) then return 3 end
  return 0
end
local allErrors = appendJson(job[4], err)
onOwn(qp, 'ZREM', KEYS[1], id)
freeSlot(qp, id, job[9])
wakeIfLimited(qp)
if (retryAt == '' or retryAt == 'killed') and ARGV[13] ~= '' then
  redis.call('HSET', key, 'r', ARGV[13])
end
-- A kill asked for while the attempt ran, after the node had decided on a retry: the job ends
-- killed, as the request said, rather than run again.
local killedInstead = retryAt ~= '' and retryAt ~= 'killed' and job[11]
if retryAt == 'killed' or killedInstead then
  redis.call('HSET', key, 'e', err, 'er', allErrors)
  endKilled(qp, key, id, 'started', nowUs, ARGV[12], 'WD')
  if killedInstead then reportPartFailed(qp, job[12], ARGV[15], nowUs) end
  return 3
end
onOwn(qp, 'INCR', KEYS[5])
countThroughput(qp, KEYS[4], 'failed', 1)
if retryAt ~= '' then
  local entry = attemptEntry({attempt = tonumber(attempt), state = 'failed',
    started_at = present(job[6]), ended_at = nowUs, progress = present(job[5])},
    allErrors, archivedData(job[8]))
  redis.call('HSET', key, 's', 'scheduled', 'n', tonumber(attempt) + 1, 'e', err,
    'due', retryAt, 'pa', appendLatest(job[7], entry, MAX_ATTEMPTS_KEPT))
  -- The failed attempt's errors stay the status's own until the job starts again (fetch clears
  -- them), so a job waiting for its retry shows why at once; they are archived too.
  redis.call('HSET', key, 'er', allErrors)
  redis.call('HDEL', key, 'pg', 'sta', 'da')
  restate(qp, id, 'started', 'scheduled')
  stamp(qp, key, id, 'sch', nowUs)
  unlock(qp, key, id, 'W') -- a retry keeps an until-executed lock, until it has run
  keepLockUntil(qp, id, redis.call('HGET', key, 'u'), retryAt, nowMs)
  delayUntil(qp, KEYS[2], id, retryAt, ARGV[11])
  return 1
end
redis.call('HSET', key, 's', 'failed', 'e', err, 'er', allErrors)
restate(qp, id, 'started', 'failed')
stamp(qp, key, id, 'fai', nowUs)
unlock(qp, key, id, 'WD')
onOwn(qp, 'ZADD', KEYS[3], nowMs, id)
announce(qp, {id})
-- Keep the dead set bounded in age and size: each death deletes up to 20 of the oldest, more
-- than it adds. (Deaths elsewhere, and age alone, are the Pruner's: trim-dead.lua.)
trimDead(qp, KEYS[3], ARGV[9], ARGV[10], 20)
return 2
