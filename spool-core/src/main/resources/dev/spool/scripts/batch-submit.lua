--[[ batch-submit: the deadlines of batch submits, on Redis's clock, in the batch queue's
  {bq}:batch-submits (token -> ms). The submitting process renews its deadline and ends it; the
  queue's maintenance claims a submit whose deadline passed (its process died or stalled) and
  settles it. Every change but a claim is a compare-and-set on the deadline the caller last saw
  (as ZSCORE writes it), so whoever finds it changed knows another has the submit now. A
  settler's deadlines have a half millisecond, a submitter's none: the two never match.
  KEYS[1] {bq}:batch-submits  ZSET
  ARGV[1] op, then:
    'renew' token seen lease(ms): the deadline moves to now + lease; returns the new one, or 0
    'end' token seen: the submit leaves the set; returns 1, or 0
    'claim' claim(ms): the first submit whose deadline passed gets now + claim + 0.5; its batch
      is closed if it was not (a submit that died while recording it: no slice may join it now,
      batch-open checks the deadline); returns {token, new deadline, the batch state's sq, ttl,
      sc}, or {} if none is due
    'again' token seen cursor: a claimed submit with more parts to settle is due again at once,
      from the SSCAN cursor (kept in the batch's state while it exists); returns 1, or 0
  ]]
local op = ARGV[1]
local qp = string.sub(KEYS[1], 1, -#'batch-submits' - 1)
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function listed(token, seen)
  local score = redis.pcall('ZSCORE', KEYS[1], token)
  return type(score) == 'string' and score == seen
end
local function state(token)
  return qp .. 'batch:' .. token .. ':state'
end

if op == 'renew' then
  if not listed(ARGV[2], ARGV[3]) then return 0 end
  local deadline = nowMs() + tonumber(ARGV[4])
  redis.call('ZADD', KEYS[1], deadline, ARGV[2])
  return deadline
elseif op == 'end' then
  if not listed(ARGV[2], ARGV[3]) then return 0 end
  redis.call('ZREM', KEYS[1], ARGV[2])
  return 1
elseif op == 'claim' then
  local now = nowMs()
  local due = onOwn(qp, 'ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1)
  if #due == 0 then return {} end
  local token = due[1]
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]) + 0.5, token)
  local f = {false, false, false}
  if redis.call('TYPE', state(token)).ok == 'hash' then
    if redis.call('HGET', state(token), 'closed') ~= '1' then
      redis.call('HSET', state(token), 'closed', 1)
    end
    f = redis.call('HMGET', state(token), 'sq', 'ttl', 'sc')
  end
  return {token, redis.call('ZSCORE', KEYS[1], token), f[1] or '', f[2] or '', f[3] or ''}
elseif op == 'again' then
  if not listed(ARGV[2], ARGV[3]) then return 0 end
  redis.call('ZADD', KEYS[1], nowMs() - 0.5, ARGV[2])
  if redis.call('TYPE', state(ARGV[2])).ok == 'hash' then
    redis.call('HSET', state(ARGV[2]), 'sc', ARGV[4])
  end
  return 1
end
return redis.error_reply('ERR batch-submit: unknown op ' .. tostring(op))
