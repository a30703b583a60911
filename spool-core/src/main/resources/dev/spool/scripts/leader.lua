--[[ leader: take or keep the lead of one maintenance duty (reap, route, prune, sweep) of one queue, so
  that one node does it while the others stand by and take over when its lead lapses.
  KEYS[1] {q}:leader:<duty>  STRING  name of the leading node; expires with its lead
  ARGV[1] node name   ARGV[2] lead (ms)
  A renewal is a PEXPIRE, which Redis allows at maxmemory (noeviction).
  Returns: 1 this node leads (taken or renewed), 0 another node does ]]
-- A key of another type there (garbage) is set aside (onOwn): it would stop the duty for good.
local qp = string.match(KEYS[1], '^(.*)leader:[^:]*$')
local holder = onOwn(qp, 'GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
