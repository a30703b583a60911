--[[ batch-done: parts of a batch have run to an end (succeeded, or died / were killed). When
  the last open part of the closed batch is among them, the batch's callback jobs are created in
  its queue in the same step, so they are enqueued exactly once.
  KEYS[1] {bq}:batch:<token>:parts  SET   KEYS[2] {bq}:batch:<token>:state  HASH
    state fields: total, closed, stopped, ok, ko, policy ('stop' | 'keep'), ttl (s),
    oc / os: on-complete / on-success job as "type|args JSON", oco / oso: their stored options
    (retry policy, timeout; absent for a batch opened by an earlier version),
    parent: "<queue>|<token>|<part>",
    finished: when the last part ended (µs)
  ARGV[1] now (µs)   ARGV[2] the batch queue's key prefix ("<ns>:{bq}:")
  ARGV[3] type of the internal job that reports a part's end to its batch: here, that this
  child batch finished, to the part of the parent batch that opened it
  ARGV[4..] pairs: part, 'ok' or 'ko'
  Unknown or already recorded parts change nothing. The state is read and checked before the
  first write: a field written behind Spool's back (a counter that is no integer, a ttl or a
  callback spec that does not parse) must not fail the call after its parts left the open set,
  whose ends would then never be counted and the callbacks never come. A counter that is no
  integer counts from 0; a callback spec that does not parse creates no job, and the batch still
  finishes. A state or parts key of another type is set aside. A queue's job sequence of garbage
  ({bq}:seq of another type, or no number INCR takes) is mended as the callbacks are numbered
  (createJob): set aside, numbering going on after the newest stored job.
  Returns: 1 if this call finished the batch, else 0 ]]
local now, qp = ARGV[1], ARGV[2]
local state = redis.pcall('HMGET', KEYS[2], 'closed', 'policy', 'ko', 'oc', 'os', 'parent', 'ttl', 'ok',
  'oco', 'oso')
if state.err then
  setAside(qp, KEYS[2], string.sub(KEYS[2], #qp + 1))
  state = {}
end
local ok, ko = 0, 0
for i = 4, #ARGV, 2 do
  if onOwn(qp, 'SREM', KEYS[1], ARGV[i]) == 1 then
    if ARGV[i + 1] == 'ok' then ok = ok + 1 else ko = ko + 1 end
  end
end
if ok + ko == 0 then return 0 end
local kos = (int(state[3]) or 0) + ko
if ok > 0 then redis.call('HSET', KEYS[2], 'ok', (int(state[8]) or 0) + ok) end
if ko > 0 then redis.call('HSET', KEYS[2], 'ko', kos) end
if ko > 0 and state[2] == 'stop' then redis.call('HSET', KEYS[2], 'stopped', 1) end
-- A ttl as Spool writes it: 1 s to 100 years (Batch.Builder.ttl's bounds). Another (17 digits,
-- negative) would fail EXPIRE or delete the keys after the parts above left the open set.
local ttl = int(state[7])
if not ttl or ttl < 1 or ttl > 3155760000 then ttl = 604800 end
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
if redis.call('SCARD', KEYS[1]) > 0 or state[1] ~= '1' then return 0 end
local failed = kos > 0
local function callback(spec, options)
  local type, args = string.match(spec, '^([^|]+)|(.*)$')
  -- Options that are no JSON object would make the job dead when it runs: the type's own are lost.
  if type and options and not string.match(options, '^{.*}$') then options = nil end
  if type then createJob(qp, type, args, now, options or nil) end
end
if state[4] then callback(state[4], state[9]) end
if state[5] and not failed then callback(state[5], state[10]) end
if state[6] then
  createJob(qp, ARGV[3], cjson.encode({part = state[6], outcome = failed and 'ko' or 'ok'}), now)
end
redis.call('HSET', KEYS[2], 'finished', now)
return 1
