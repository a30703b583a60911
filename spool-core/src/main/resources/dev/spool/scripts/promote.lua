--[[ promote: make a delayed job (or one waiting for its retry) ready at once ("run now").
  KEYS[1] {q}:delayed  ZSET  id -> due time (ms)
  ARGV[1] job key prefix   ARGV[2] id   ARGV[3] now (µs)
  A job that waited for its turn under a rate limit gives that turn back ('rr') and is admitted afresh
  when a node fetches it. Its due time ('due') becomes now: it is ready since now (the queue's
  latency counts from there).
  Returns: 1 promoted, 0 no such job, -1 not waiting (queued, running or finished) ]]
local prefix, id, now = ARGV[1], ARGV[2], ARGV[3]
local qp = string.sub(prefix, 1, -5)
local key = prefix .. id
local state = redis.call('HGET', key, 's')
if not state then return 0 end
if state ~= 'scheduled' or redis.call('ZREM', KEYS[1], id) == 0 then return -1 end
redis.call('HSET', key, 's', 'queued', 'due', string.format('%.0f', math.floor(tonumber(now) / 1000)))
settleReservation(qp, key, true)
restate(qp, id, 'scheduled', 'queued')
stamp(qp, key, id, 'que', now)
pushReady(qp, key, id, false)
return 1
