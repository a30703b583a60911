--[[ batch-open: configure a batch and push a slice of its parts; the last slice closes it, so
  the batch knows its total before any part can finish.
  KEYS[1] {bq}:batch:<token>:parts  SET   KEYS[2] {bq}:batch:<token>:state  HASH
  KEYS[3] {bq}:batch-submits  ZSET  token -> when its submit is given up for dead (ms)
  ARGV[1] ttl (s)   ARGV[2] '1' to close   ARGV[3] the submit's deadline (ms; given with the
  first slice, '' after: batch-submit renews it)   ARGV[4] the batch's token   ARGV[5] number N
  of state field/value pairs that follow (policy, oc, os, parent, ttl, sq), then the parts
  A submit whose deadline passes while it is listed (its process died or stalled) is settled by
  the batch queue's maintenance: its parts not enqueued count as failed (StalledSubmits).
  Returns: the number of new parts ]]
local n = tonumber(ARGV[5])
for i = 6, 5 + 2 * n, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
local added = 0
if #ARGV >= 6 + 2 * n then added = redis.call('SADD', KEYS[1], unpack(ARGV, 6 + 2 * n)) end
redis.call('HINCRBY', KEYS[2], 'total', added)
if ARGV[2] == '1' then redis.call('HSET', KEYS[2], 'closed', 1) end
if ARGV[3] ~= '' then
  local qp = string.sub(KEYS[3], 1, -#'batch-submits' - 1)
  onOwn(qp, 'ZADD', KEYS[3], ARGV[3], ARGV[4])
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return added
