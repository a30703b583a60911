--[[ node-register: claim a node name while the node lives, and publish what it is.
  KEYS[1] {nodes}:name:<name>  STRING  the instance that holds the name; expires with the lease
  KEYS[2] {nodes}:info         HASH    name -> node info JSON
  ARGV[1] name   ARGV[2] instance id   ARGV[3] lease (ms)   ARGV[4] info JSON
  Returns: 'ok' claimed (or renewed by its holder); else the info JSON of the live holder ]]
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[2] then
  return redis.call('HGET', KEYS[2], ARGV[1]) or '{}'
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
return 'ok'
