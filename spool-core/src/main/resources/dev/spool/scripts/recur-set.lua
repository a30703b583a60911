--[[ recur-set: create or replace a recurring job of a queue.
  KEYS[1] {q}:recurring      HASH  name -> definition JSON (schedule, type, args, options, lock)
  KEYS[2] {q}:recurring:due  ZSET  name -> next run (ms)
  ARGV[1] name   ARGV[2] definition JSON   ARGV[3] next run (ms)
  ARGV[4] channel that tells stagers of an earlier due time
  Returns: 1 created, 0 replaced ]]
local created = redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('PUBLISH', ARGV[4], ARGV[3])
return created
