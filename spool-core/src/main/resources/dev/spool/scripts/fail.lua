--[[ fail: record a failed attempt; schedule a retry or move the job to the dead set.
  KEYS[1] {q}:active   ZSET  id -> lease deadline (ms)
  KEYS[2] {q}:delayed  ZSET  id -> due time (ms)
  KEYS[3] {q}:dead     ZSET  id -> time of death (ms)
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] id   ARGV[4] attempt
  ARGV[5] now (µs)   ARGV[6] now (ms)   ARGV[7] error JSON
  ARGV[8] retry at (ms), or "" when the job is dead
  ARGV[9] dead set max size   ARGV[10] dead jobs older than this (ms) are purged
  ARGV[11] channel that tells stagers of an earlier due time
  Returns: 1 retry scheduled, 2 dead, 0 stale (this node no longer holds this attempt) ]]
local prefix, node, id, attempt = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local nowUs, nowMs, err, retryAt = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local key = prefix .. id
local lockPrefix = string.sub(prefix, 1, -5) .. 'lock:'
-- Releases the job's unique lock if its kind is one of `kinds` and the job still owns it.
local function unlock(key, id, kinds)
  local u = redis.call('HGET', key, 'u')
  if u then
    local kind, digest = string.match(u, '^(%a)|.*|(%x+)$')
    if string.find(kinds, kind, 1, true) then
      local lockKey = lockPrefix .. digest
      if redis.call('GET', lockKey) == tostring(id) then redis.call('DEL', lockKey) end
    end
  end
end
local job = redis.call('HMGET', key, 's', 'w', 'n')
if not (job[1] == 'started' and job[2] == node and job[3] == attempt) then return 0 end
redis.call('ZREM', KEYS[1], id)
if retryAt ~= '' then
  unlock(key, id, 'W') -- a retry keeps an until-executed lock
  redis.call('HSET', key, 's', 'scheduled', 'n', tonumber(attempt) + 1, 'e', err, 'due', retryAt)
  redis.call('HSETNX', key, 'sch', nowUs)
  local earliest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2]
  redis.call('ZADD', KEYS[2], retryAt, id)
  if earliest == nil or tonumber(retryAt) < tonumber(earliest) then
    redis.call('PUBLISH', ARGV[11], retryAt)
  end
  return 1
end
redis.call('HSET', key, 's', 'failed', 'e', err)
unlock(key, id, 'WD')
redis.call('HSETNX', key, 'fai', nowUs)
redis.call('ZADD', KEYS[3], nowMs, id)
-- Keep the dead set bounded in age and size; dead jobs take their hashes with them.
local function purge(ids)
  for _, old in ipairs(ids) do redis.call('DEL', prefix .. old) end
  if #ids > 0 then redis.call('ZREM', KEYS[3], unpack(ids)) end
end
purge(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[10], 'LIMIT', 0, 1000))
local excess = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[9])
if excess > 0 then purge(redis.call('ZRANGE', KEYS[3], 0, excess - 1)) end
return 2
