--[[ fetch: lease up to ARGV[5] ready jobs of one queue to a worker node.
  KEYS[1] {q}:ready    LIST  ids of ready jobs, default priority
  KEYS[2] {q}:prio     ZSET  ids of ready jobs with a priority (score < 0: before the list)
  KEYS[3] {q}:active   ZSET  id -> lease deadline (ms)
  KEYS[4] {q}:signal   LIST  wake-up token for idle workers
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] now (µs)
  ARGV[4] lease deadline (ms)   ARGV[5] max jobs
  Returns: flat array, 7 entries per job: id, type, args, attempt, first attempt of the
  current retry budget, options, recorded at (µs).
  Ids whose hash is gone or whose state is not 'queued' are dropped. ]]
local prefix, node, now, deadline, max = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local ids = {}
local function take(list)
  for _, id in ipairs(list) do ids[#ids + 1] = id end
end
local urgent = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(0', 'LIMIT', 0, max)
if #urgent > 0 then redis.call('ZREM', KEYS[2], unpack(urgent)); take(urgent) end
if #ids < max then
  local plain = redis.call('LPOP', KEYS[1], max - #ids)
  if plain then take(plain) end
end
if #ids < max then
  local low = redis.call('ZRANGEBYSCORE', KEYS[2], 0, '+inf', 'LIMIT', 0, max - #ids)
  if #low > 0 then redis.call('ZREM', KEYS[2], unpack(low)); take(low) end
end
local out = {}
for _, id in ipairs(ids) do
  local key = prefix .. id
  local job = redis.call('HMGET', key, 's', 't', 'a', 'n', 'b', 'o', 'rec')
  if job[1] == 'queued' then
    redis.call('HSET', key, 's', 'started', 'w', node)
    redis.call('HSETNX', key, 'sta', now)
    redis.call('ZADD', KEYS[3], deadline, id)
    out[#out + 1] = id
    out[#out + 1] = job[2]
    out[#out + 1] = job[3]
    out[#out + 1] = job[4]
    out[#out + 1] = job[5] or '0'
    out[#out + 1] = job[6] or ''
    out[#out + 1] = job[7] or ''
  end
end
-- More work left: make sure another idle node wakes up to share it.
if #ids == max and redis.call('LLEN', KEYS[4]) == 0 and
   (redis.call('LLEN', KEYS[1]) > 0 or redis.call('ZCARD', KEYS[2]) > 0) then
  redis.call('RPUSH', KEYS[4], 1)
end
return out
