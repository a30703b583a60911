--[[ release: a node hands jobs it holds back to the head of the queue (graceful shutdown).
  The attempt is not used up: the job did not fail. The interrupted run is archived in the
  status's previous attempts (state 'handed back', with its times, progress, errors and data),
  which are then reset, so that the queued job does not show a half-done run as its own.
  KEYS[1] {q}:ready   LIST   KEYS[2] {q}:prio  ZSET   KEYS[3] {q}:active  ZSET
  KEYS[4] {q}:signal  LIST
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] now (µs)   ARGV[4] expiry (s) of a killed
  job's status   ARGV[5] type of the internal job that reports a batch part's end
  ARGV[6..] triples: id, attempt, when the job was recorded (µs, as fetch gave it; see holdsAttempt)
  A job whose kill was requested ('krq') is not handed back: it ends killed, its batch part, if
  any, reported to its batch as failed.
  Returns: {jobs handed back, jobs ended killed} ]]
local prefix, node, now = ARGV[1], ARGV[2], ARGV[3]
local nowMs = string.format('%.0f', math.floor(tonumber(now) / 1000))
local qp = string.sub(prefix, 1, -5)
local released, killed, freed = 0, 0, false
local expiry, partDone = ARGV[4], ARGV[5]
for i = 6, #ARGV, 3 do
  local id, attempt, recorded = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local key = prefix .. id
  local job = fieldsOf(key, 's', 'w', 'n', 'sta', 'pg', 'er', 'pa', 'da', 'lc', 'rec', 'krq', 'bt')
  local holds = holdsAttempt(job, job and job[10], node, attempt, recorded)
  if holds then
    redis.call('ZREM', KEYS[3], id)
    freeSlot(qp, id, job[9])
    freed = true
  end
  if holds and job[11] then
    local reason = cjson.encode({type = 'Killed', message = 'killed on request while node \'' ..
      node .. '\' stopped'})
    redis.call('HSET', key, 'e', reason, 'er', appendJson(job[6], reason))
    endKilled(qp, key, id, 'started', now, expiry, 'WD')
    reportPartFailed(qp, job[12], partDone, now)
    killed = killed + 1
  elseif holds then
    local entry = attemptEntry({attempt = int(job[3]), state = 'handed back',
      started_at = present(job[4]), ended_at = now, progress = present(job[5])},
      storedList(job[6]), archivedData(job[8]))
    -- Ready again since now ('due'), for the queue's latency.
    redis.call('HSET', key, 's', 'queued', 'pa', appendLatest(job[7], entry, MAX_ATTEMPTS_KEPT), 'due', nowMs)
    redis.call('HDEL', key, 'w', 'sta', 'pg', 'er', 'da')
    restate(qp, id, 'started', 'queued')
    unlock(qp, key, id, 'W')
    keepLockUntil(qp, id, redis.call('HGET', key, 'u'), nowMs, nowMs) -- due again now, as reap's
    pushReady(qp, key, id, true)
    released = released + 1
  end
end
if freed then wakeIfLimited(qp) end
return {released, killed}
