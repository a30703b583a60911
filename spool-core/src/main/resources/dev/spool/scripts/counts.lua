--[[ counts: the jobs of one queue by where they are, read in one atomic step so that a job
  moving between two of them is never counted twice or missed.
  KEYS[1] ready  KEYS[2] prio  KEYS[3] delayed  KEYS[4] active  KEYS[5] completed  KEYS[6] dead
  Returns: {ready, delayed, processing, completed, dead} ]]
return {
  redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2]),
  redis.call('ZCARD', KEYS[3]),
  redis.call('ZCARD', KEYS[4]),
  tonumber(redis.call('GET', KEYS[5]) or '0'),
  redis.call('ZCARD', KEYS[6])
}
