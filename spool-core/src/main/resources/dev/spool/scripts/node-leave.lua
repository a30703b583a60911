--[[ node-leave: a node that stops gracefully gives its name back.
  KEYS[1] {nodes}:name:<name>  STRING   KEYS[2] {nodes}:info  HASH
  KEYS[3] {nodes}:quiet  HASH  (a quiet asked of it goes with it)
  ARGV[1] name   ARGV[2] instance id
  Returns: 1 released, 0 the name was not held by this instance ]]
if redis.pcall('GET', KEYS[1]) ~= ARGV[2] then return 0 end -- garbage holds no name
redis.call('DEL', KEYS[1])
redis.pcall('HDEL', KEYS[2], ARGV[1]) -- info of another type: set aside by the next register
redis.pcall('HDEL', KEYS[3], ARGV[1])
return 1
