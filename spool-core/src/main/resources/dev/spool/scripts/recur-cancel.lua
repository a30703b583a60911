--[[ recur-cancel: remove a recurring job of a queue (jobs it already enqueued stay).
  KEYS[1] {q}:recurring  HASH   KEYS[2] {q}:recurring:due  ZSET   KEYS[3] {q}:recurring:last  HASH
  ARGV[1] name
  Returns: 1 removed, 0 unknown ]]
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])
