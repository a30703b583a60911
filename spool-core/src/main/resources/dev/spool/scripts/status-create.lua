--[[ status-create: a new status, unqueued, for work run by anything.
  KEYS[1] {q}:seq  STRING  job id sequence
  ARGV[1] job key prefix   ARGV[2] now (µs)
  Returns: the new job number ]]
local prefix, now = ARGV[1], ARGV[2]
local qp = string.sub(prefix, 1, -5)
seqRefusal(qp) -- a sequence of garbage is mended first; numbers used up are found below
local id = redis.call('INCR', KEYS[1])
if id >= 1e14 then -- job numbers have 14 digits at most (jobNumber), as in enqueue
  redis.call('DECR', KEYS[1])
  return redis.error_reply('ERR the job numbers of this queue are used up (seq ' .. id .. ')')
end
newQueue(qp, id)
local key = prefix .. id
redis.call('HSET', key, 's', 'unqueued', 'n', 0, 'rec', now)
restate(qp, id, nil, 'unqueued')
bound(qp, id, 'rec', now)
return id
