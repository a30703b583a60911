--[[ fetch: lease up to ARGV[5] ready jobs of one queue to a worker node, in this order: jobs
  pinned to this node, jobs of higher priority, plain jobs, jobs that avoid another node, jobs
  of lower priority.
  KEYS[1] {q}:ready    LIST  ids of ready jobs, default priority
  KEYS[2] {q}:prio     ZSET  ids of ready jobs with a priority (score < 0: before the list)
  KEYS[3] {q}:active   ZSET  id -> lease deadline (ms)
  KEYS[4] {q}:signal   LIST  wake-up token for idle workers
  KEYS[5] {q}:delayed  ZSET  id -> due time (ms), for unique jobs rescheduled on a conflict
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] now (µs)
  ARGV[4] lease deadline (ms)   ARGV[5] max jobs   ARGV[6] retention (s) of jobs killed here
  ARGV[7] channel that tells stagers of an earlier due time
  Unique jobs: an until-executing lock is released; a while-executing lock is taken, and if
  another job holds it the job is killed (reject), delayed without using an attempt
  (reschedule), or handed out with the holder so that its attempt fails (raise).
  Returns: flat array, 9 entries per job: id, type, args, attempt, first attempt of the
  current retry budget, options, recorded at (µs), holder of its lock on a 'raise' conflict,
  batch part ("" if none).
  Ids whose hash is gone or whose state is not 'queued' are dropped. ]]
local prefix, node, now, deadline, max = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local nowMs = math.floor(tonumber(now) / 1000)
local qp = string.sub(prefix, 1, -5)
local ids = {}
local function take(list)
  for _, id in ipairs(list) do ids[#ids + 1] = id end
end
local pinned = redis.call('LPOP', qp .. 'ready:@' .. node, max)
if pinned then take(pinned) end
if #ids < max then
  local urgent = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(0', 'LIMIT', 0, max - #ids)
  if #urgent > 0 then redis.call('ZREM', KEYS[2], unpack(urgent)); take(urgent) end
end
if #ids < max then
  local plain = redis.call('LPOP', KEYS[1], max - #ids)
  if plain then take(plain) end
end
if #ids < max then
  for _, avoided in ipairs(redis.call('SMEMBERS', qp .. 'avoid')) do
    if #ids >= max then break end
    if avoided ~= node then
      local list = qp .. 'ready:!' .. avoided
      local some = redis.call('LPOP', list, max - #ids)
      if some then take(some) end
      if redis.call('LLEN', list) == 0 then redis.call('SREM', qp .. 'avoid', avoided) end
    end
  end
end
if #ids < max then
  local low = redis.call('ZRANGEBYSCORE', KEYS[2], 0, '+inf', 'LIMIT', 0, max - #ids)
  if #low > 0 then redis.call('ZREM', KEYS[2], unpack(low)); take(low) end
end

-- Applies a unique lock at start; returns false if the job must not start, else the holder of
-- the lock on a 'raise' conflict, or '' when the job may run.
local function lockAtStart(key, id, u)
  local kind, conflict, ttl, resched, digest = string.match(u, '^(%a)|(%a+)|(%d+)|(%d+)|(%x+)$')
  local lockKey = qp .. 'lock:' .. digest
  if kind == 'E' then
    if redis.call('GET', lockKey) == id then redis.call('DEL', lockKey) end
    return ''
  end
  if kind ~= 'W' then return '' end
  local expiry = string.format('%.0f', nowMs + tonumber(ttl))
  if redis.call('SET', lockKey, id, 'NX', 'PXAT', expiry) then return '' end
  local holder = redis.call('GET', lockKey)
  if holder == id then return '' end
  if conflict == 'raise' then return holder end
  if conflict == 'reschedule' then
    local due = string.format('%.0f', nowMs + tonumber(resched))
    redis.call('HSET', key, 's', 'scheduled', 'due', due)
    restate(qp, id, 'queued', 'scheduled')
    stamp(qp, key, id, 'sch', now)
    redis.call('ZADD', KEYS[5], due, id)
    redis.call('PUBLISH', ARGV[7], due)
    return false
  end
  local reason = cjson.encode({type = 'UniqueJobConflict',
    message = 'rejected at start: job ' .. holder .. ' holds the while-executing lock'})
  redis.call('HSET', key, 'e', reason)
  endKilled(qp, key, id, 'queued', now, ARGV[6], nil) -- the lock is the other job's
  return false
end

local out = {}
for _, id in ipairs(ids) do
  local key = prefix .. id
  local job = redis.call('HMGET', key, 's', 't', 'a', 'n', 'b', 'o', 'rec', 'u', 'bt')
  if job[1] == 'queued' then
    local holder = ''
    if job[8] then holder = lockAtStart(key, id, job[8]) end
    if holder then
      redis.call('HSET', key, 's', 'started', 'w', node)
      restate(qp, id, 'queued', 'started')
      stamp(qp, key, id, 'sta', now)
      redis.call('ZADD', KEYS[3], deadline, id)
      out[#out + 1] = id
      out[#out + 1] = job[2]
      out[#out + 1] = job[3]
      out[#out + 1] = job[4]
      out[#out + 1] = job[5] or '0'
      out[#out + 1] = job[6] or ''
      out[#out + 1] = job[7] or ''
      out[#out + 1] = holder
      out[#out + 1] = job[9] or ''
    end
  end
end
-- More work left: make sure another idle node wakes up to share it.
if #ids == max and redis.call('LLEN', KEYS[4]) == 0 and
   (redis.call('LLEN', KEYS[1]) > 0 or redis.call('ZCARD', KEYS[2]) > 0) then
  redis.call('RPUSH', KEYS[4], 1)
end
return out
