--[[ recur-cancel: remove a recurring job of a queue (jobs it already enqueued stay).
  KEYS[1] {q}:recurring  HASH   KEYS[2] {q}:recurring:due  ZSET   KEYS[3] {q}:recurring:last  HASH
  ARGV[1] name
  Returns: 1 removed, 0 unknown ]]
local qp = string.sub(KEYS[1], 1, -#'recurring' - 1)
redis.call('ZREM', KEYS[2], ARGV[1])
-- After the first write: a last-run key of another type is set aside, not a half-done cancel.
onOwn(qp, 'HDEL', KEYS[3], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])
