--[[ queue-limit: set or remove a queue's own limits, and wake its idle nodes (a higher or removed
  limit may let them start jobs now).
  KEYS[1] {q}:climit  STRING  at most this many of the queue's jobs hold a lease at once
  KEYS[2] {q}:rlimit  STRING  "<max>|<per ms>": at most max starts in any window of per ms
  KEYS[3] {q}:signal  LIST    wake-up token for idle workers
  ARGV[1] the concurrency limit: a number, "" to keep it, "-" to remove it
  ARGV[2] the rate limit: "<max>|<per ms>", "" to keep it, "-" to remove it
  Returns: 1 ]]
local function apply(key, value)
  if value == '-' then redis.call('DEL', key)
  elseif value ~= '' then redis.call('SET', key, value) end
end
apply(KEYS[1], ARGV[1])
apply(KEYS[2], ARGV[2])
signal(string.sub(KEYS[3], 1, -7), KEYS[3]) -- qp: the key without 'signal'
return 1
