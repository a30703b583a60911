--[[ dj-stop: mark a distributed job stopped; parts that ask will not run.
  KEYS[1] {dj:<token>}:parts  SET   KEYS[2] {dj:<token>}:state  HASH
  ARGV[1] ttl (s)
  Returns: 1 ]]
redis.call('HSET', KEYS[2], 'stopped', 1)
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1
