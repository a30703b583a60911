--[[ dj-push: add parts to a distributed job, and close it when they are the last ones.
  KEYS[1] {dj:<token>}:parts  SET   the parts not done yet
  KEYS[2] {dj:<token>}:state  HASH  total (parts ever pushed), closed, stopped
  ARGV[1] ttl (s), refreshed on every change   ARGV[2] '1' to close the job   ARGV[3..] parts
  A part pushed twice counts once. A closed job takes no more parts (a pusher run again after it
  closed the job would reopen parts already done, and the job would end a second time).
  A state written behind Spool's back (a key of another type, a total that is no integer) is
  refused before the first write: the parts would be added, never counted nor closed.
  Returns: the number of new parts ]]
local refused = corruptTotalError(KEYS[2], 'distributed job')
if refused then return refused end
local added = 0
if redis.call('HGET', KEYS[2], 'closed') == '1' then return 0 end
if #ARGV >= 3 then
  added = redis.call('SADD', KEYS[1], unpack(ARGV, 3))
end
redis.call('HINCRBY', KEYS[2], 'total', added)
if ARGV[2] == '1' then redis.call('HSET', KEYS[2], 'closed', 1) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return added
