--[[ route: release the jobs pinned to a node that is dead or has been saturated too long, so
  that any node may take them (non-strict affinity); strictly pinned jobs stay for their node.
  KEYS[1] {q}:ready:@<node>  LIST   KEYS[2] {q}:pinned  SET of nodes with pinned jobs
  ARGV[1] job key prefix   ARGV[2] node
  Returns: jobs released ]]
local prefix, node = ARGV[1], ARGV[2]
local qp = string.sub(prefix, 1, -5)
local moved = 0
for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local key = prefix .. id
  if redis.call('HGET', key, 'as') ~= '1' then
    redis.call('LREM', KEYS[1], 1, id)
    redis.call('HDEL', key, 'an') -- it falls back for good: any node may run it now
    pushReady(qp, key, id, false)
    moved = moved + 1
  end
end
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], node) end
return moved
