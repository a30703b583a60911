--[[ node-forget: drop the entry of a node that is dead (its name is held by no one) and has not
  been heard of for a long time; a node that registered again meanwhile is kept.
  KEYS[1] {nodes}:name:<name>  STRING   KEYS[2] {nodes}:info  HASH
  KEYS[3] {nodes}:quiet  HASH  (a quiet asked of it goes with it)
  ARGV[1] name   ARGV[2] the entry as the caller read it (unchanged since: not registered again)
  Returns: 1 dropped, 0 kept ]]
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.pcall('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end -- garbage: no node
redis.call('HDEL', KEYS[2], ARGV[1])
redis.pcall('HDEL', KEYS[3], ARGV[1])
return 1
