--[[ batch-settle: settle batch parts whose enqueue got no answer, in the queue (or shard) they
  were sent to: a part the enqueue made keeps its job; any other is fenced off, so that the call,
  should it still reach Redis, makes no job for it (enqueue checks the same hash first).
  KEYS[1] {q}:bp:<batch token>  HASH  part -> job number, or 'g' once fenced off
  ARGV[1] the queue's key prefix ("<ns>:{q}:")   ARGV[2] the batch's ttl (s): the hash is kept as long,
  at most a day
  ARGV[3..] part numbers (a slice of the caller's, bounded by it)
  Returns: the part numbers given that have no job here (fenced now or by an earlier settle) ]]
local qp = ARGV[1]
local missing = {}
for i = 3, #ARGV do
  local made = onOwn(qp, 'HGET', KEYS[1], ARGV[i])
  if not made then
    redis.call('HSET', KEYS[1], ARGV[i], 'g')
    missing[#missing + 1] = ARGV[i]
  elseif not tonumber(made) then
    missing[#missing + 1] = ARGV[i]
  end
end
-- Fences matter while a late call could still come: minutes, not the batch's days.
redis.call('EXPIRE', KEYS[1], math.min(tonumber(ARGV[2]), 86400))
return missing
