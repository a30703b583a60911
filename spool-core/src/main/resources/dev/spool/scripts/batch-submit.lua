--[[ batch-submit: move on or end a batch submit's deadline, only if it is still the one the
  caller last saw: the submitting process renews it and ends it; a queue's maintenance claims a
  submit whose deadline passed (its process died or stalled), and ends it once settled. Whoever
  finds the deadline changed knows another has the submit now.
  KEYS[1] {bq}:batch-submits  ZSET  token -> deadline (ms)
  ARGV[1] token   ARGV[2] the deadline the caller last saw (ms)   ARGV[3] the new one (ms), or ''
  to end the submit (remove it)
  Returns: 1 if changed, 0 if the deadline was another (or the submit is not listed) ]]
local seen = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not seen or tonumber(seen) ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
end
return 1
