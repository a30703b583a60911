--[[ batch-open: configure a batch and push a slice of its parts; the last slice closes it, so
  the batch knows its total before any part can finish.
  KEYS[1] {bq}:batch:<token>:parts  SET   KEYS[2] {bq}:batch:<token>:state  HASH
  ARGV[1] ttl (s)   ARGV[2] '1' to close   ARGV[3] number N of state field/value pairs that
  follow (policy, oc, os, parent, ttl), then the parts
  Returns: the number of new parts ]]
local n = tonumber(ARGV[3])
for i = 4, 3 + 2 * n, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
local added = 0
if #ARGV >= 4 + 2 * n then added = redis.call('SADD', KEYS[1], unpack(ARGV, 4 + 2 * n)) end
redis.call('HINCRBY', KEYS[2], 'total', added)
if ARGV[2] == '1' then redis.call('HSET', KEYS[2], 'closed', 1) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return added
