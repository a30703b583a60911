--[[ purge-dead: delete every job of the dead set of one queue (status and index entries), in
  slices.
  KEYS[1] {q}:dead  ZSET
  ARGV[1] job key prefix   ARGV[2] max jobs this call
  Returns: number of jobs purged (call again while it returns ARGV[2]) ]]
local qp = string.sub(ARGV[1], 1, -5)
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
for _, id in ipairs(ids) do forget(qp, ARGV[1] .. id, id) end
if #ids > 0 then redis.call('ZREM', KEYS[1], unpack(ids)) end
tidyForgotten(qp)
return #ids
