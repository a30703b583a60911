--[[ stage: move delayed jobs that are due to ready (the Stager's step). Idempotent, so
  every node may run it at once.
  KEYS[1] {q}:delayed  ZSET  id -> due time (ms)
  KEYS[2] {q}:ready    LIST  KEYS[3] {q}:prio  ZSET  KEYS[4] {q}:signal  LIST
  ARGV[1] job key prefix   ARGV[2] now (ms)   ARGV[3] now (µs)   ARGV[4] max jobs
  Returns: {jobs moved, due time (ms) of the earliest job still delayed or -1} ]]
local prefix, nowMs, nowUs = ARGV[1], ARGV[2], ARGV[3]
local qp = string.sub(prefix, 1, -5)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', nowMs, 'LIMIT', 0, tonumber(ARGV[4]))
local moved = 0
for _, id in ipairs(due) do
  local key = prefix .. id
  local job = redis.call('HMGET', key, 's', 'p')
  if job[1] == 'scheduled' then
    redis.call('HSET', key, 's', 'queued')
    restate(qp, id, 'scheduled', 'queued')
    stamp(qp, key, id, 'que', nowUs)
    if job[2] then
      redis.call('ZADD', KEYS[3], string.format('%.0f', -tonumber(job[2]) * 4398046511104 + tonumber(id)), id)
    else
      redis.call('RPUSH', KEYS[2], id)
    end
    moved = moved + 1
  end
end
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
if moved > 0 and redis.call('LLEN', KEYS[4]) == 0 then redis.call('RPUSH', KEYS[4], 1) end
local next = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
return {moved, next or -1}
