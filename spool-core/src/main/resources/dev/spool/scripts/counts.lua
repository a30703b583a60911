--[[ counts: the jobs of one queue by where they are, read in one atomic step so that a job
  moving between two of them is never counted twice or missed.
  KEYS[1] ready  KEYS[2] prio  KEYS[3] delayed  KEYS[4] active  KEYS[5] completed  KEYS[6] dead
  KEYS[7] pinned  SET of nodes with pinned jobs   KEYS[8] avoid  SET of nodes jobs avoid
  ARGV[1] queue prefix: the lists of pinned ({q}:ready:@<node>, {q}:ready:~<node>) and avoiding
  ({q}:ready:!<node>) jobs are found under it (work bounded by the number of nodes)
  Returns: {ready, delayed, processing, completed, dead} ]]
local qp = ARGV[1]
local ready = redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2])
for _, node in ipairs(redis.call('SMEMBERS', KEYS[7])) do
  ready = ready + redis.call('LLEN', qp .. 'ready:@' .. node) + redis.call('LLEN', qp .. 'ready:~' .. node)
end
for _, node in ipairs(redis.call('SMEMBERS', KEYS[8])) do
  ready = ready + redis.call('LLEN', qp .. 'ready:!' .. node)
end
return {
  ready,
  redis.call('ZCARD', KEYS[3]),
  redis.call('ZCARD', KEYS[4]),
  tonumber(redis.call('GET', KEYS[5]) or '0') or 0,
  redis.call('ZCARD', KEYS[6])
}
