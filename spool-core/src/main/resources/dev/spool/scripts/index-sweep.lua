--[[ index-sweep: one step of the sweep that keeps a queue's bucket directory whole (lib's
  header; the Pruner's step, safe on every node at once). It checks a slice of buckets, from the
  newest down to 0, listing those that hold statuses and unlisting the others. The first sweep of
  a queue from before the directory makes it trusted, slice by slice; later sweeps, one an hour,
  repair what older nodes wrote during a rolling upgrade, or a hand, without telling it.
  KEYS[1] {q}:seq  STRING  job id sequence (tells the newest bucket)
  ARGV[1] queue prefix   ARGV[2] buckets per call   ARGV[3] seconds from the end of a sweep to
  the start of the next
  {q}:ix:dir:scan   STRING  the next bucket to check (absent: no sweep under way)
  {q}:ix:dir:swept  STRING  present (expiring) while the last sweep is recent enough
  Returns: buckets checked (0: no sweep is due) ]]
local qp, per, period = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local scanKey, lowKey = qp .. 'ix:dir:scan', qp .. 'ix:dir:low'
local from = int(redis.pcall('GET', scanKey))
if not from then
  if redis.call('EXISTS', qp .. 'ix:dir:swept') == 1 then return 0 end
  from = bucketOf(int(redis.call('GET', KEYS[1])) or 0)
  -- No status has a number past the sequence: a bucket listed above it was listed by a hand.
  redis.pcall('ZREMRANGEBYSCORE', qp .. 'ix:dir', '(' .. from, '+inf')
end
local to = math.max(0, from - per + 1)
-- Each bucket's seven state keys, built from prefixes made once: building strings is most of
-- the time a bucket takes (about 2.5 µs in all).
local prefixes, keys = {}, {}
for i, state in ipairs(STATES) do prefixes[i] = qp .. 'ix:s:' .. state .. ':' end
local full, empty = {}, {}
for b = from, to, -1 do
  local suffix = tostring(b)
  for i = 1, #prefixes do keys[i] = prefixes[i] .. suffix end
  if redis.call('EXISTS', unpack(keys)) > 0 then
    full[#full + 1] = b
  else
    empty[#empty + 1] = qp .. 'ix:t:' .. b
  end
end
-- Unlisting first: at maxmemory (noeviction) a freeing first write lets the later ones through.
if #empty > 0 then
  local numbers = {}
  for i, key in ipairs(empty) do numbers[i] = string.match(key, '(%d+)$') end
  redis.pcall('ZREM', qp .. 'ix:dir', unpack(numbers))
  redis.call('DEL', unpack(empty))
end
-- Not flagged as listed ('d'): the next status stamped in such a bucket lists it once more,
-- which is cheaper than a write per bucket here.
enlist(qp, full)
local trusted = int(redis.pcall('GET', lowKey))
if not trusted or to < trusted then redis.call('SET', lowKey, to) end
if to == 0 then
  redis.call('DEL', scanKey)
  redis.call('SET', qp .. 'ix:dir:swept', '1', 'EX', period)
else
  redis.call('SET', scanKey, to - 1)
end
return from - to + 1
