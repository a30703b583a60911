--[[ cancel: remove a queued or scheduled job; its state becomes 'killed'.
  KEYS[1] {q}:ready  LIST   KEYS[2] {q}:prio  ZSET   KEYS[3] {q}:delayed  ZSET
  ARGV[1] job key   ARGV[2] id   ARGV[3] now (µs)   ARGV[4] retention (s)
  Returns: 1 cancelled, 0 no such job, -1 not cancellable (running or finished) ]]
local key, id = ARGV[1], ARGV[2]
local lockPrefix = string.sub(key, 1, -(#id + 5)) .. 'lock:'
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
local state = redis.call('HGET', key, 's')
if not state then return 0 end
if state == 'queued' then
  if redis.call('ZREM', KEYS[2], id) == 0 then redis.call('LREM', KEYS[1], 1, id) end
elseif state == 'scheduled' then
  redis.call('ZREM', KEYS[3], id)
else
  return -1
end
redis.call('HSET', key, 's', 'killed')
unlock(key, id, 'ED')
redis.call('HSETNX', key, 'kil', ARGV[3])
redis.call('EXPIRE', key, ARGV[4])
return 1
