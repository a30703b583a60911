--[[ heartbeat: renew the leases of the jobs one node holds in one queue.
  KEYS[1] {q}:active  ZSET  id -> lease deadline (ms)
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] new lease deadline (ms)
  ARGV[4..] ids the node holds
  Only leases the node still owns are renewed.
  Returns: number of leases renewed ]]
local prefix, node, deadline = ARGV[1], ARGV[2], ARGV[3]
local renewed = 0
for i = 4, #ARGV do
  local id = ARGV[i]
  if redis.call('HGET', prefix .. id, 'w') == node then
    renewed = renewed + redis.call('ZADD', KEYS[1], 'XX', 'CH', deadline, id)
  end
end
return renewed
