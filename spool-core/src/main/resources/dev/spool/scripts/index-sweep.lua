--[[ index-sweep: one step of the sweep that keeps a queue's bucket directory whole (lib's
  header; a maintenance duty of its own, safe on every node at once). It checks a slice of buckets, from the
  newest down to 0, listing those that hold statuses and unlisting the others. The first sweep of
  a queue from before the directory makes it trusted, slice by slice; later sweeps, one each
  period, repair what older nodes wrote during a rolling upgrade, or a hand, without telling it.
  KEYS[1] {q}:seq  STRING  job id sequence (tells the newest bucket)
  ARGV[1] queue prefix   ARGV[2] buckets per call   ARGV[3] ms from the end of a sweep to the
  start of the next
  {q}:ix:dir:scan   STRING  the next bucket to check (absent: no sweep under way)
  {q}:ix:dir:swept  STRING  when the last sweep ended (ms, Redis's clock)
  Returns: buckets checked (0: no sweep is due, or Redis is at maxmemory) ]]
local qp, per, period = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local scanKey, lowKey, sweptKey = qp .. 'ix:dir:scan', qp .. 'ix:dir:low', qp .. 'ix:dir:swept'
-- Repair work waits while Redis is at maxmemory (noeviction): the guard write is refused first.
local guard = redis.pcall('SET', qp .. 'maxmemory-guard', '', 'XX')
if type(guard) == 'table' and guard.err then return 0 end
local now = serverMs()
local newest = bucketOf(int(redis.pcall('GET', KEYS[1])) or 0)
local from = int(redis.pcall('GET', scanKey))
if not from or from < 0 or from > newest then -- none under way (or a cursor written by a hand)
  local ended = int(redis.pcall('GET', sweptKey))
  -- Due when the last sweep ended a period ago, or never, or at a time yet to come (garbage).
  if ended and ended <= now and now - ended < period then return 0 end
  from = newest
end
local to = math.max(0, from - per + 1)
-- Each bucket's seven state keys, built from prefixes made once: building strings is most of
-- the time a bucket takes.
local prefixes, keys = {}, {}
for i, state in ipairs(STATES) do prefixes[i] = qp .. 'ix:s:' .. state .. ':' end
local full, empty, emptyBounds = {}, {}, {}
for b = from, to, -1 do
  local suffix = tostring(b)
  for i = 1, #prefixes do keys[i] = prefixes[i] .. suffix end
  if redis.call('EXISTS', unpack(keys)) > 0 then
    full[#full + 1] = b
  else
    empty[#empty + 1] = b
    emptyBounds[#emptyBounds + 1] = qp .. 'ix:t:' .. suffix
  end
end
if #empty > 0 then
  redis.pcall('ZREM', qp .. 'ix:dir', unpack(empty))
  redis.call('DEL', unpack(emptyBounds)) -- with the flag that said a bucket was listed
end
-- Not flagged as listed ('d'): the next status stamped in such a bucket lists it once more,
-- which is cheaper than a write per bucket here.
if enlist(qp, full) then
  -- The directory held another type and starts afresh: so does the sweep, from the newest.
  return from - to + 1
end
local trusted = int(redis.pcall('GET', lowKey))
if not trusted or to < trusted then redis.call('SET', lowKey, to) end
if to == 0 then
  redis.call('DEL', scanKey)
  redis.call('SET', sweptKey, now)
else
  redis.call('SET', scanKey, to - 1)
end
return from - to + 1
