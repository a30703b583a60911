--[[ batch-done: a part of a batch has run (succeeded, or died / was killed). When it was the
  last open part of the closed batch, its callback jobs are created in the batch's queue in the
  same step, so they are enqueued exactly once.
  KEYS[1] {bq}:batch:<token>:parts  SET   KEYS[2] {bq}:batch:<token>:state  HASH
    state fields: total, closed, stopped, ok, ko, policy ('stop' | 'keep'), ttl (s),
    oc / os: on-complete / on-success job as "type|args JSON", parent: "<queue>|<token>|<part>"
  ARGV[1] part   ARGV[2] 'ok' or 'ko'   ARGV[3] (unused)   ARGV[4] now (µs)
  ARGV[5] the batch queue's key prefix ("<ns>:{bq}:")
  ARGV[6] type of the internal job that reports a part's end to its batch: here, that this
  child batch finished, to the part of the parent batch that opened it
  Returns: 1 the batch finished with this part, 0 other part, -1 unknown or already done part ]]
local part, outcome, now, qp = ARGV[1], ARGV[2], ARGV[4], ARGV[5]
if redis.call('SREM', KEYS[1], part) == 0 then return -1 end
local ttl = redis.call('HGET', KEYS[2], 'ttl') or '604800'
redis.call('HINCRBY', KEYS[2], outcome, 1)
local state = redis.call('HMGET', KEYS[2], 'closed', 'policy', 'ko', 'oc', 'os', 'parent')
if outcome == 'ko' and state[2] == 'stop' then redis.call('HSET', KEYS[2], 'stopped', 1) end
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
if redis.call('SCARD', KEYS[1]) > 0 or state[1] ~= '1' then return 0 end
local failed = tonumber(state[3] or '0') > 0
local function callback(spec)
  local type, args = string.match(spec, '^([^|]*)|(.*)$')
  createJob(qp, type, args, now)
end
if state[4] then callback(state[4]) end
if state[5] and not failed then callback(state[5]) end
if state[6] then
  createJob(qp, ARGV[6], cjson.encode({part = state[6], outcome = failed and 'ko' or 'ok'}), now)
end
redis.call('HSET', KEYS[2], 'finished', now)
return 1
