--[[ prune: delete finished statuses older than the retention, with every index entry (the
  Pruner's step; safe on every node at once). Failed jobs still in the dead set are kept: the
  dead set has bounds of its own.
  KEYS[1] {q}:seq    STRING  job id sequence (tells the highest bucket)
  KEYS[2] {q}:dead   ZSET
  KEYS[3] {q}:prune  STRING  the lowest bucket that may still hold statuses
  ARGV[1] job key prefix   ARGV[2] cutoff (µs): statuses finished before are deleted
  ARGV[3] max deletions this call
  Returns: statuses deleted (call again while it returns ARGV[3]) ]]
local prefix, cutoff, max = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local qp = string.sub(prefix, 1, -5)
local FINISHED = {succeeded = 'suc', killed = 'kil', failed = 'fai'}
local ALL_STATES = {'unqueued', 'scheduled', 'queued', 'started', 'succeeded', 'failed', 'killed'}
local top = math.floor(tonumber(redis.call('GET', KEYS[1]) or '0') / BUCKET)
local cursor = tonumber(redis.call('GET', KEYS[3]) or '0')
local deleted = 0
local leading = true
for b = cursor, top do
  local boundsKey = qp .. 'ix:t:' .. b
  for state, field in pairs(FINISHED) do
    local oldest = tonumber(redis.call('HGET', boundsKey, field .. '0'))
    if oldest and oldest <= cutoff then
      for _, id in ipairs(redis.call('SMEMBERS', qp .. 'ix:s:' .. state .. ':' .. b)) do
        local key = prefix .. id
        local at = tonumber(redis.call('HGET', key, field))
        local keep = at and at > cutoff
        if not keep and state == 'failed' and redis.call('ZSCORE', KEYS[2], id) then keep = true end
        if not keep then
          if at then
            forget(qp, key, id)
          else
            redis.call('SREM', qp .. 'ix:s:' .. state .. ':' .. b, id) -- its hash expired already
          end
          deleted = deleted + 1
          if deleted >= max then return deleted end
        end
      end
    end
  end
  if leading then
    local empty = true
    for _, state in ipairs(ALL_STATES) do
      if redis.call('EXISTS', qp .. 'ix:s:' .. state .. ':' .. b) == 1 then empty = false; break end
    end
    if empty then
      redis.call('DEL', boundsKey)
      -- The highest bucket may still receive new jobs: the cursor never passes it.
      if b < top then redis.call('SET', KEYS[3], b + 1) end
    else
      leading = false
    end
  end
end
return deleted
