--[[ complete: record the success of jobs a node holds.
  KEYS[1] {q}:active     ZSET    id -> lease deadline (ms)
  KEYS[2] {q}:completed  STRING  count of succeeded jobs
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] now (µs)   ARGV[4] expiry (s) of the
  status (the retention plus a grace period; the Pruner deletes it at the retention)
  ARGV[5..] triples: id, attempt, result JSON ("" = none)
  A job is completed only if this node still holds this attempt (its lease was not lost).
  Its unique lock, if any (while executing, until executed), is released, and it joins
  {q}:finished, the Pruner's list. The first write of each job frees memory (its lease), so a
  node records its successes even at maxmemory.
  Returns: number of jobs completed ]]
local prefix, node, now, expiry = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local qp = string.sub(prefix, 1, -5)
local done = 0
local finished = {}
for i = 5, #ARGV, 3 do
  local id, attempt, result = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local key = prefix .. id
  local job = fieldsOf(key, 's', 'w', 'n', 'u')
  if job and job[1] == 'started' and job[2] == node and job[3] == attempt then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HSET', key, 's', 'succeeded', 'pg', '1.0') -- as jobba: done is 100 %
    if result ~= '' then redis.call('HSET', key, 'r', result) end
    restate(qp, id, 'started', 'succeeded')
    stamp(qp, key, id, 'suc', now)
    finish(qp, id, now)
    unlock(qp, key, id, 'WD', job[4])
    redis.call('EXPIRE', key, expiry)
    done = done + 1
    finished[done] = id
  end
end
if done > 0 then redis.call('INCRBY', KEYS[2], done) end
announce(qp, finished)
return done
