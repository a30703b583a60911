--[[ request-kill: ask for a job to be killed. A queued or scheduled engine job is removed at
  once and killed; otherwise the request is recorded and announced, so that the node running
  the job interrupts it (the job becomes killed when its handler stops).
  KEYS[1] {q}:ready  LIST   KEYS[2] {q}:prio  ZSET   KEYS[3] {q}:delayed  ZSET
  ARGV[1] job key prefix   ARGV[2] id   ARGV[3] now (µs)   ARGV[4] expiry (s) of a killed status
  ARGV[5] channel of kill requests   ARGV[6] the job id as announced ("<queue>:<number>")
  ARGV[7] type of the internal job that reports a batch part's end: a batch part killed before
  it runs (queued, or waiting for its retry) is reported to its batch as failed
  Returns: 2 killed at once, 1 requested, 0 no such status, -1 already finished ]]
local prefix, id, now = ARGV[1], ARGV[2], ARGV[3]
local qp = string.sub(prefix, 1, -5)
local key = prefix .. id
local state = redis.call('HGET', key, 's')
if not state then return 0 end
if state == 'succeeded' or state == 'failed' or state == 'killed' then return -1 end
redis.call('HSETNX', key, 'krq', now)
local removed = false
if state == 'queued' then
  removed = unready(qp, key, id)
elseif state == 'scheduled' then
  removed = redis.call('ZREM', KEYS[3], id) == 1
end
if removed then
  endKilled(qp, key, id, state, now, ARGV[4], 'ED')
  reportPartFailed(qp, redis.call('HGET', key, 'bt'), ARGV[7], now)
  return 2
end
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 1
