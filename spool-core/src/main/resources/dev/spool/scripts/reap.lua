--[[ reap: return jobs whose lease expired (their node died or stalled) to the head of the
  queue with attempt + 1, or to the dead set when no attempt is left. Safe on every node.
  KEYS[1] {q}:active  ZSET  id -> lease deadline (ms)
  KEYS[2] {q}:ready   LIST  KEYS[3] {q}:prio  ZSET  KEYS[4] {q}:signal  LIST
  KEYS[5] {q}:dead    ZSET  id -> time of death (ms)
  ARGV[1] job key prefix   ARGV[2] now (ms)   ARGV[3] now (µs)   ARGV[4] max jobs
  ARGV[5] default attempts (for jobs whose options carry no retry policy)
  ARGV[6] type of the internal job that reports a batch part's end to its batch (another slot)
  The abandoned attempt is archived in the status's previous attempts.
  Returns: {jobs returned to ready, jobs moved to the dead set} ]]
local prefix, nowMs, nowUs = ARGV[1], ARGV[2], ARGV[3]
local defaultAttempts = tonumber(ARGV[5])
local qp = string.sub(prefix, 1, -5)
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. nowMs, 'LIMIT', 0, tonumber(ARGV[4]))
local requeued, dead = 0, 0
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[1], id)
  local key = prefix .. id
  local job = redis.call('HMGET', key, 's', 'w', 'n', 'p', 'o', 'b', 'er', 'pg', 'sta', 'pa', 'bt')
  if job[1] == 'started' then
    local attempt = tonumber(job[3]) + 1
    local allowed = defaultAttempts
    if job[5] then
      local options = cjson.decode(job[5])
      if options.retry and options.retry.attempts then allowed = options.retry.attempts end
    end
    local used = attempt - tonumber(job[6] or 0)
    local errTable = {message = 'lease expired on node \'' .. tostring(job[2]) ..
      '\' (node presumed dead)', type = 'LeaseExpired', attempt = tonumber(job[3])}
    local err = cjson.encode(errTable)
    local errors = job[7] and cjson.decode(job[7]) or {}
    errors[#errors + 1] = errTable
    if used >= allowed then
      redis.call('HSET', key, 's', 'failed', 'e', err, 'er', cjson.encode(errors))
      restate(qp, id, 'started', 'failed')
      stamp(qp, key, id, 'fai', nowUs)
      unlock(qp, key, id, 'WD')
      redis.call('ZADD', KEYS[5], nowMs, id)
      if job[11] then createJob(qp, ARGV[6], cjson.encode({part = job[11], outcome = 'ko'}), nowUs) end
      dead = dead + 1
      announce(qp, {id})
    else
      local previous = job[10] and cjson.decode(job[10]) or {}
      previous[#previous + 1] = {attempt = tonumber(job[3]), state = 'abandoned',
        started_at = present(job[9]), ended_at = nowUs, progress = present(job[8]),
        errors = nonEmpty(errors)}
      redis.call('HSET', key, 's', 'queued', 'n', attempt, 'e', err, 'pa', cjson.encode(previous))
      redis.call('HDEL', key, 'w', 'er', 'pg', 'sta')
      restate(qp, id, 'started', 'queued')
      unlock(qp, key, id, 'W')
      pushReady(qp, key, id, true)
      requeued = requeued + 1
    end
  end
end
return {requeued, dead}
