--[[ node-register: claim a node name while the node lives, and publish what it is.
  KEYS[1] {nodes}:name:<name>  STRING  the instance that holds the name; expires after the
                                       node timeout unless renewed
  KEYS[2] {nodes}:info         HASH    name -> node info JSON
  KEYS[3] {nodes}:quiet        HASH    name -> when an operator asked the node to be quiet (ms):
                                       it fetches no new jobs while listed
  ARGV[1] name   ARGV[2] instance id   ARGV[3] node timeout (ms)   ARGV[4] info JSON
  ARGV[5] an instance proven dead by the caller, whose name it may take over ('' if none)
  ARGV[6] '1' when the node starts: a quiet asked of an earlier instance of the name is dropped
  The first write is an HDEL, which Redis allows at maxmemory (noeviction): a live node keeps
  its name when Redis is out of memory.
  Returns: {'ok', '1' if the node is asked to be quiet, else ''} claimed (or renewed by its
  holder); else {'held', holder instance, holder info JSON ('{}' when unknown)} ]]
-- Keys of another type (garbage) are set aside (onOwn), as <ns>:{nodes}:corrupt:info, say: a
-- node that cannot renew its name would stop, and every node with it.
local np = string.sub(KEYS[2], 1, -5) -- <ns>:{nodes}: (KEYS[2] without 'info')
local holder = onOwn(np, 'GET', KEYS[1])
if holder and holder ~= ARGV[2] and holder ~= ARGV[5] then
  return {'held', holder, onOwn(np, 'HGET', KEYS[2], ARGV[1]) or '{}'}
end
onOwn(np, 'HDEL', KEYS[2], ARGV[1])
if ARGV[6] == '1' then onOwn(np, 'HDEL', KEYS[3], ARGV[1]) end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
return {'ok', onOwn(np, 'HEXISTS', KEYS[3], ARGV[1]) == 1 and '1' or ''}
