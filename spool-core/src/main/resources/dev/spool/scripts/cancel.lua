--[[ cancel: remove a queued or scheduled job; its state becomes 'killed'.
  KEYS[1] {q}:ready  LIST   KEYS[2] {q}:prio  ZSET   KEYS[3] {q}:delayed  ZSET
  ARGV[1] job key prefix   ARGV[2] id   ARGV[3] now (µs)   ARGV[4] expiry (s) of the status
  ARGV[5] type of the internal job that reports a batch part's end: a cancelled batch part is
  reported to its batch as failed
  Returns: 1 cancelled, 0 no such job, -1 not cancellable (running or finished) ]]
local prefix, id, now = ARGV[1], ARGV[2], ARGV[3]
local qp = string.sub(prefix, 1, -5)
local key = prefix .. id
local state = redis.call('HGET', key, 's')
if not state then return 0 end
if state == 'queued' then
  unready(qp, key, id)
elseif state == 'scheduled' then
  redis.call('ZREM', KEYS[3], id)
elseif state ~= 'unqueued' then
  return -1
end
endKilled(qp, key, id, state, now, ARGV[4], 'ED')
reportPartFailed(qp, redis.call('HGET', key, 'bt'), ARGV[5], now)
return 1
