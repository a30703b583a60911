--[[ node-leave: a node that stops gracefully gives its name back.
  KEYS[1] {nodes}:name:<name>  STRING   KEYS[2] {nodes}:info  HASH
  ARGV[1] name   ARGV[2] instance id
  Returns: 1 released, 0 the name was not held by this instance ]]
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
