--[[ prune: delete finished statuses older than the retention, with every index entry (the
  Pruner's step; safe on every node at once). It takes the oldest entries of {q}:finished, the
  list every script that ends a job outside the dead set writes to, so its work is bounded by
  ARGV[2] whatever the history holds. Failed jobs in the dead set are not on that list: the
  dead set's own bounds delete them.
  KEYS[1] {q}:finished  ZSET  id -> time it reached its final state (µs)
  ARGV[1] job key prefix   ARGV[2] cutoff (µs): statuses finished at or before it are deleted
  ARGV[3] max deletions this call
  Returns: statuses deleted (call again while it returns ARGV[3]) ]]
local prefix, cutoff, max = ARGV[1], ARGV[2], tonumber(ARGV[3])
local qp = string.sub(prefix, 1, -5)
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff, 'LIMIT', 0, max)
for _, id in ipairs(old) do
  local key = prefix .. id
  local state = int(id) and redis.pcall('HGET', key, 's')
  if type(state) == 'string' and not FINISHED_STATES[state] then
    -- A job that waits or runs: the entry is stray (written behind Spool's back), not the job's
    -- end. It leaves the list below; the job stays.
  elseif int(id) and forget(qp, key, id) == 0 then
    -- Its hash expired already: only its state index entry can be left. An index key of another
    -- type is set aside (onOwn): an error here would stop the queue's pruning for good.
    for s in pairs(FINISHED_STATES) do onOwn(qp, 'SREM', stateKey(qp, s, id), id) end
  end
end
if #old > 0 then redis.call('ZREM', KEYS[1], unpack(old)) end
-- A bucket left without statuses leaves the directory, with its timestamp bounds.
tidyForgotten(qp)
return #old
