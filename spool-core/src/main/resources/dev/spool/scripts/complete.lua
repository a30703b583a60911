--[[ complete: record the success of jobs a node holds.
  KEYS[1] {q}:active     ZSET    id -> lease deadline (ms)
  KEYS[2] {q}:completed  STRING  count of succeeded jobs
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] now (µs)   ARGV[4] retention (s)
  ARGV[5..] pairs: id, attempt
  A job is completed only if this node still holds this attempt (its lease was not lost).
  Its unique lock, if any (while executing, until executed), is released.
  Returns: number of jobs completed ]]
local prefix, node, now, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
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
local done = 0
for i = 5, #ARGV, 2 do
  local id, attempt = ARGV[i], ARGV[i + 1]
  local key = prefix .. id
  local job = redis.call('HMGET', key, 's', 'w', 'n')
  if job[1] == 'started' and job[2] == node and job[3] == attempt then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HSET', key, 's', 'succeeded', 'suc', now)
    unlock(key, id, 'WD')
    redis.call('EXPIRE', key, retention)
    done = done + 1
  end
end
if done > 0 then redis.call('INCRBY', KEYS[2], done) end
return done
