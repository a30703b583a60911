--[[ dj-done: mark a part of a distributed job done.
  KEYS[1] {dj:<token>}:parts  SET   KEYS[2] {dj:<token>}:state  HASH
  ARGV[1] part   ARGV[2] ttl (s)
  Returns: 1 exactly once, for the call that removes the last open part of a closed job (that part
  is kept as the state's 'last', for DistributedJob.finishedBy: a part that runs again after its
  node died before acting on the answer finds out that it was the one); 0 otherwise, and nothing
  changes for an unknown or already done part ]]
-- The state is read before the first write: a state key of another type raises its error here,
-- with nothing changed, rather than after the part left the open set (it could never be done).
-- Such a job has lost whether it was closed, so it can never be known done: say so in words.
local read, closed = pcall(redis.call, 'HGET', KEYS[2], 'closed')
if not read then
  return redis.error_reply('ERR the state of distributed job ' .. KEYS[2] .. ' is not a hash' ..
    ' (written behind Spool\'s back): no part of it can be done; stop waiting for it')
end
if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
if redis.call('SCARD', KEYS[1]) == 0 and closed == '1' then
  redis.call('HSET', KEYS[2], 'last', ARGV[1])
  return 1
end
return 0
