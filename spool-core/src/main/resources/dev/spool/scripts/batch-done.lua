--[[ batch-done: parts of a batch have run to an end (succeeded, or died / were killed). When
  the last open part of the closed batch is among them, the batch's callback jobs are created in
  its queue in the same step, so they are enqueued exactly once.
  KEYS[1] {bq}:batch:<token>:parts  SET   KEYS[2] {bq}:batch:<token>:state  HASH
    state fields: total, closed, stopped, ok, ko, policy ('stop' | 'keep'), ttl (s),
    oc / os: on-complete / on-success job as "type|args JSON", parent: "<queue>|<token>|<part>",
    finished: when the last part ended (µs)
  ARGV[1] now (µs)   ARGV[2] the batch queue's key prefix ("<ns>:{bq}:")
  ARGV[3] type of the internal job that reports a part's end to its batch: here, that this
  child batch finished, to the part of the parent batch that opened it
  ARGV[4..] pairs: part, 'ok' or 'ko'
  Unknown or already recorded parts change nothing.
  Returns: 1 if this call finished the batch, else 0 ]]
local now, qp = ARGV[1], ARGV[2]
local ok, ko = 0, 0
for i = 4, #ARGV, 2 do
  if redis.call('SREM', KEYS[1], ARGV[i]) == 1 then
    if ARGV[i + 1] == 'ok' then ok = ok + 1 else ko = ko + 1 end
  end
end
if ok + ko == 0 then return 0 end
if ok > 0 then redis.call('HINCRBY', KEYS[2], 'ok', ok) end
if ko > 0 then redis.call('HINCRBY', KEYS[2], 'ko', ko) end
local state = redis.call('HMGET', KEYS[2], 'closed', 'policy', 'ko', 'oc', 'os', 'parent', 'ttl')
if ko > 0 and state[2] == 'stop' then redis.call('HSET', KEYS[2], 'stopped', 1) end
local ttl = state[7] or '604800'
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
  createJob(qp, ARGV[3], cjson.encode({part = state[6], outcome = failed and 'ko' or 'ok'}), now)
end
redis.call('HSET', KEYS[2], 'finished', now)
return 1
