--[[ enqueue: add jobs to one queue, ready at once or delayed, with their statuses.
  KEYS[1] {q}:seq      STRING  job id sequence
  KEYS[2] {q}:ready    LIST    ids of ready jobs, default priority, FIFO
  KEYS[3] {q}:prio     ZSET    ids of ready jobs with a priority -> ordering score
  KEYS[4] {q}:delayed  ZSET    ids of delayed jobs -> due time (ms)
  KEYS[5] {q}:signal   LIST    wake-up token for idle workers (at most one element)
  ARGV[1] job key prefix ("<ns>:{q}:job:")
  ARGV[2] now (µs)
  ARGV[3] channel that tells stagers of an earlier due time
  ARGV[4] number of jobs N, then N groups of 9:
          type, args JSON, priority ("0" = default), due (ms, "" = now), options JSON ("" = none),
          unique lock spec ("" = not unique; see LockSpec), lock expiry (ms, "" = taken later),
          batch part ("<batch queue>|<batch token>|<part>", "" = none),
          affinity ("<node>|<strict 0/1>|<not node>", "" = none)
  A job whose unique lock is held by another job is not created.
  Returns: array, in order, of the new job numbers, or of minus the number of the job that
  holds the lock for a job not created ]]
local prefix, now, channel, n = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local qp = string.sub(prefix, 1, -5)
local last = redis.call('INCRBY', KEYS[1], n)
local first = last - n + 1
local ids = {}
local readyIds = {}
local earliest = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')[2]
local newEarliest = nil
for i = 0, n - 1 do
  local base = 5 + i * 9
  local id = first + i
  local key = prefix .. id
  local priority, due, options = ARGV[base + 2], ARGV[base + 3], ARGV[base + 4]
  local lock, lockExpiry = ARGV[base + 5], ARGV[base + 6]
  local holder = nil
  if lockExpiry ~= '' then
    local lockKey = qp .. 'lock:' .. string.match(lock, '([%x]+)$')
    if not redis.call('SET', lockKey, id, 'NX', 'PXAT', lockExpiry) then
      holder = redis.call('GET', lockKey)
    end
  end
  if holder then
    ids[#ids + 1] = -tonumber(holder)
  else
    if due ~= '' then
      redis.call('HSET', key, 't', ARGV[base], 'a', ARGV[base + 1], 's', 'scheduled', 'n', 0,
        'rec', now, 'sch', now, 'due', due)
      restate(qp, id, nil, 'scheduled')
      bound(qp, id, 'sch', now)
      redis.call('ZADD', KEYS[4], due, id)
      if (earliest == nil or tonumber(due) < tonumber(earliest)) and
         (newEarliest == nil or tonumber(due) < tonumber(newEarliest)) then
        newEarliest = due
      end
    else
      redis.call('HSET', key, 't', ARGV[base], 'a', ARGV[base + 1], 's', 'queued', 'n', 0,
        'rec', now, 'que', now)
      restate(qp, id, nil, 'queued')
      bound(qp, id, 'que', now)
    end
    bound(qp, id, 'rec', now)
    if priority ~= '0' then redis.call('HSET', key, 'p', priority) end
    if options ~= '' then redis.call('HSET', key, 'o', options) end
    if lock ~= '' then redis.call('HSET', key, 'u', lock) end
    if ARGV[base + 7] ~= '' then redis.call('HSET', key, 'bt', ARGV[base + 7]) end
    local affinity = ARGV[base + 8]
    if affinity ~= '' then
      local node, strict, avoid = string.match(affinity, '^([^|]*)|([01])|(.*)$')
      if node ~= '' then redis.call('HSET', key, 'an', node) end
      if strict == '1' then redis.call('HSET', key, 'as', 1) end
      if avoid ~= '' then redis.call('HSET', key, 'ax', avoid) end
    end
    -- The indexes a new job joins, from what is at hand (indexLabels would read them back).
    redis.call('SADD', qp .. 'ix:n:' .. ARGV[base] .. ':' .. bucketOf(id), id)
    if ARGV[base + 7] ~= '' then
      local token = string.match(ARGV[base + 7], '^[^|]*|([^|]*)|')
      redis.call('SADD', qp .. 'ix:b:' .. token .. ':' .. bucketOf(id), id)
    end
    if due == '' then
      if priority == '0' and affinity == '' then
        readyIds[#readyIds + 1] = id -- plain jobs go to the list in one RPUSH below
      else
        pushReady(qp, key, id, false)
      end
    end
    ids[#ids + 1] = id
  end
end
for i = 1, #readyIds, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(readyIds, i, math.min(i + 999, #readyIds)))
end
if #readyIds > 0 or redis.call('ZCARD', KEYS[3]) > 0 then
  if redis.call('LLEN', KEYS[5]) == 0 then redis.call('RPUSH', KEYS[5], 1) end
end
if newEarliest ~= nil then redis.call('PUBLISH', channel, newEarliest) end
return ids
