--[[ query: one bounded step of a walk over the statuses of one queue that match every clause,
  newest (highest number) first. A long count or a deep page takes several calls, each continued
  where the last stopped, so no call keeps Redis busy for long whatever the queue's history.
  KEYS[1] {q}:seq  STRING  job id sequence (tells the highest bucket)
  ARGV[1] job key prefix   ARGV[2] 'list' or 'count'   ARGV[3] matches still to skip (list)
  ARGV[4] matches still to return (list)   ARGV[5] cursor: only job numbers below it ("" = from
  the newest)   ARGV[6] work budget: the call stops at the first bucket or member boundary after
  its work reached it (a Redis command counts COMMAND_COST, each element a command returns or
  examines one), so a call does at most the budget plus one bucket's set reads (or one member's
  checks)
  ARGV[7] number of clauses, then each clause as: kind, number of values, values
    kind 's' states (any of), 'n' job names (any of), 'a' job argument values (any of),
    'b' batch tokens (any of),
    'i' job numbers (any of), 't' a time range: values = timestamp field, lowest, highest (µs,
    "" for an open end)
  Clauses are ANDed. The buckets visited are those the directory lists ({q}:ix:dir, lib's header)
  where it is trusted, and every bucket number below that. Buckets whose timestamp bounds miss a
  range are skipped whole; a time range is checked per status only where a bucket straddles it.
  Returns: {cursor, skipped, counted, numbers...}: the cursor for the next call (0: nothing is
  left; in 'list' mode, once the page is full, the number below its last match), how many
  matches this call skipped, how many it counted ('count') or returned ('list'), and the job
  numbers returned ('list') ]]
local prefix, mode = ARGV[1], ARGV[2]
local offset, limit = tonumber(ARGV[3]), tonumber(ARGV[4])
local below, budget = tonumber(ARGV[5]), tonumber(ARGV[6])
local qp = string.sub(prefix, 1, -5)
local COMMAND_COST = 16
local STAMP_OF = {unqueued = 'rec', scheduled = 'sch', queued = 'que', started = 'sta',
  succeeded = 'suc', failed = 'fai', killed = 'kil'}

local sets, ranges, ids = {}, {}, nil
local i = 8
for _ = 1, tonumber(ARGV[7]) do
  local kind, n = ARGV[i], tonumber(ARGV[i + 1])
  local values = {}
  for j = 1, n do values[j] = ARGV[i + 1 + j] end
  i = i + 2 + n
  if kind == 't' then
    ranges[#ranges + 1] = {field = values[1], lo = tonumber(values[2]), hi = tonumber(values[3])}
  elseif kind == 'i' then
    ids = ids or {}
    local wanted = {}
    for _, v in ipairs(values) do wanted[tonumber(v)] = true end
    ids[#ids + 1] = wanted
  else
    local segment = ({s = 'ix:s:', n = 'ix:n:', a = 'ix:a:', b = 'ix:b:'})[kind]
    sets[#sets + 1] = {kind = kind, values = values, segment = segment}
  end
end
if #sets == 0 then sets[1] = {kind = 's', values = STATES, segment = 'ix:s:'} end

-- The work done so far, in the budget's units.
local work = 0
-- What a key of another type (garbage written behind Spool's back) reads as: no status. The
-- query goes on without it rather than fail, as it would for every bucket after it.
local function asEmpty(cmd, ...)
  if cmd == 'SCARD' or cmd == 'SISMEMBER' then return 0 end
  if cmd ~= 'SUNION' then return {} end -- SMEMBERS, SINTER (one empty set empties it), HGETALL
  -- The keys of one bucket: each set holds at most the bucket's 512 job numbers.
  local sets = {}
  for _, key in ipairs({...}) do
    if redis.call('TYPE', key).ok == 'set' then sets[#sets + 1] = key end
  end
  return #sets > 0 and redis.call('SUNION', unpack(sets)) or {}
end

local function call(cmd, ...)
  local r = redis.pcall(cmd, ...)
  if type(r) == 'table' and r.err then
    -- Another error: run again with redis.call, which raises Redis's own error as it is.
    if not string.find(r.err, 'WRONGTYPE', 1, true) then return redis.call(cmd, ...) end
    r = asEmpty(cmd, ...)
  end
  work = work + COMMAND_COST
  if type(r) == 'table' then work = work + #r end
  return r
end

-- A range needs no per-status check in a bucket inside it when every candidate surely has the
-- field: 'rec' always, or the timestamp of the one state the query asks for.
local function impliedBy(field)
  if field == 'rec' then return true end
  for _, set in ipairs(sets) do
    if set.kind == 's' and #set.values == 1 and STAMP_OF[set.values[1]] == field then return true end
  end
  return false
end

local function keysOf(set, b)
  local keys = {}
  for j, v in ipairs(set.values) do keys[j] = qp .. set.segment .. v .. ':' .. b end
  return keys
end

local function singleValued()
  for k = 1, #sets do if #sets[k].values ~= 1 then return false end end
  return true
end

-- SINTER of single-valued clause sets: Redis walks the smallest set and looks each member up in
-- the others, so that is the work it does (the sizes come from O(1) SCARDs).
local function intersect(keys)
  local smallest
  for _, key in ipairs(keys) do
    local n = call('SCARD', key)
    if n == 0 then return {} end
    if not smallest or n < smallest then smallest = n end
  end
  work = work + smallest * (#keys - 1)
  return call('SINTER', unpack(keys))
end

-- The members of bucket b that may match: those of every clause when all are single-valued,
-- else those of the clause with the fewest in this bucket (the others are checked member by
-- member, memberMatches: a clause of several states that most statuses are in, beside a rare
-- name, must not cost a check of each of them), and of the ids, below `upTo`, as numbers, highest
-- first. Returns them and the clause they came from.
local function candidates(b, upTo)
  local members, from = nil, 1
  if singleValued() then
    local all = {}
    for k = 1, #sets do all[k] = keysOf(sets[k], b)[1] end
    -- One bucket's index set: at most BUCKET (512) job numbers by construction, whatever the history.
    members = #all == 1 and call('SMEMBERS', all[1]) or intersect(all)
  else
    local fewest
    for k = 1, #sets do
      local size = 0
      for _, key in ipairs(keysOf(sets[k], b)) do size = size + call('SCARD', key) end
      if not fewest or size < fewest then from, fewest = k, size end
    end
    members = fewest == 0 and {} or call('SUNION', unpack(keysOf(sets[from], b)))
  end
  local out = {}
  for _, m in ipairs(members) do
    local n = jobNumber(m) -- a member that is none (garbage written by hand) matches nothing
    local ok = n and (not upTo or n < upTo)
    if ok and ids then for _, wanted in ipairs(ids) do if not wanted[n] then ok = false end end end
    if ok then out[#out + 1] = n end
  end
  table.sort(out, function(x, y) return x > y end)
  return out, from
end

-- Whether candidate n of bucket b is in every clause but the one it came from (all of them when
-- all are single-valued: the intersection did that), and inside every time range that needs a
-- per-status check.
local function memberMatches(n, b, checks, from)
  if not singleValued() then
    for k = 1, #sets do
      if k ~= from then
        local inClause = false
        for _, key in ipairs(keysOf(sets[k], b)) do
          if call('SISMEMBER', key, n) == 1 then inClause = true; break end
        end
        if not inClause then return false end
      end
    end
  end
  for _, r in ipairs(checks) do
    local t = redis.pcall('HGET', prefix .. n, r.field) -- a key of another type matches nothing
    work = work + COMMAND_COST
    t = type(t) == 'string' and tonumber(t)
    if not t or (r.lo and t < r.lo) or (r.hi and t > r.hi) then return false end
  end
  return true
end

-- Fast count of a whole bucket when no per-member work is needed: one clause, no ids, no checks.
local function quickCount(b)
  local keys = keysOf(sets[1], b)
  if sets[1].kind == 'a' and #keys > 1 then return #call('SUNION', unpack(keys)) end
  local total = 0
  for _, key in ipairs(keys) do total = total + call('SCARD', key) end
  return total
end

-- The buckets to visit, highest first, from the one holding the number below the cursor: those
-- of the wanted ids (as many as the caller sent), or those the directory lists (lib's header),
-- taken lazily, a page at a time; below where it is trusted, every bucket number down to 0.
local top
if below then
  if below <= 0 then return {0, 0, 0} end
  top = bucketOf(below - 1)
else
  top = bucketOf(int(redis.pcall('GET', KEYS[1])) or 0)
end
local trusted = int(redis.pcall('GET', qp .. 'ix:dir:low')) -- nil: walk every bucket
local DIR_PAGE = 64
local listed, at, listedAll = {}, 1, false
-- The highest bucket the directory lists below b and at or above where it is trusted, or nil.
-- A bucket is read from its score (the member says the same), whole: an entry written by hand
-- with another score is at worst one more bucket to visit, never one visited twice.
local function listedBelow(b)
  while true do
    while at <= #listed do
      local c = math.floor(listed[at])
      at = at + 1
      if c < b then return c end
    end
    if listedAll then return nil end
    local page = redis.pcall('ZREVRANGEBYSCORE', qp .. 'ix:dir', '(' .. b, trusted, 'WITHSCORES',
      'LIMIT', 0, DIR_PAGE)
    work = work + COMMAND_COST
    if page.err then -- another type: set aside by the next write; until then, walk every bucket
      trusted = nil
      return nil
    end
    work = work + #page
    listed, at, listedAll = {}, 1, #page < 2 * DIR_PAGE
    for j = 2, #page, 2 do listed[#listed + 1] = tonumber(page[j]) end
  end
end
local idBuckets
if ids then
  idBuckets = {}
  local seen = {}
  for n in pairs(ids[1]) do
    local b = bucketOf(n)
    if b <= top and not seen[b] then seen[b] = true; idBuckets[#idBuckets + 1] = b end
  end
  table.sort(idBuckets, function(x, y) return x > y end)
end
local position = 0
local function nextBucket(b)
  if idBuckets then
    position = position + 1
    return idBuckets[position]
  end
  if trusted then
    local above = b or top + 1
    local c = above - 1 >= trusted and listedBelow(above) or nil
    if c then return c end
    if trusted then -- (unless listedBelow found the directory unreadable)
      c = math.min(above - 1, trusted - 1)
      if c >= 0 then return c end
      return nil
    end
  end
  if b == nil then return top end
  if b == 0 then return nil end
  return b - 1
end

local found, skipped, result = 0, 0, {}
local progressed = false -- whether this call has done any bucket or member yet
-- The reply: a loop, not unpack(), so a long page never meets Lua's stack limit.
local function reply(cursor)
  local out = {cursor, skipped, mode == 'count' and found or #result}
  for _, n in ipairs(result) do out[#out + 1] = n end
  return out
end
local b = nextBucket(nil)
while b do
  -- Only the first bucket may be cut by the cursor; the others lie wholly below it.
  local upTo = below and below < (b + 1) * BUCKET and below or nil
  local checks = {}
  local skip = false
  if #ranges > 0 then
    -- One bucket's timestamp bounds: a low and a high per timestamp kind, a dozen fields at most.
    local bounds = call('HGETALL', qp .. 'ix:t:' .. b)
    local map = {}
    for j = 1, #bounds, 2 do map[bounds[j]] = tonumber(bounds[j + 1]) end
    for _, r in ipairs(ranges) do
      local lo, hi = map[r.field .. '0'], map[r.field .. '1']
      if (lo == nil) ~= (hi == nil) then
        -- One bound lost or written by hand: the bucket is checked status by status.
        checks[#checks + 1] = r
      elseif not lo or (r.hi and lo > r.hi) or (r.lo and hi < r.lo) then
        skip = true
      elseif not (impliedBy(r.field) and (not r.lo or lo >= r.lo) and (not r.hi or hi <= r.hi)) then
        checks[#checks + 1] = r
      end
    end
  end
  if not skip then
    if mode == 'count' and #sets == 1 and not ids and not upTo and #checks == 0 then
      found = found + quickCount(b)
    elseif mode == 'count' and not ids and not upTo and #checks == 0 and singleValued() then
      local keys = {}
      for k = 1, #sets do keys[k] = keysOf(sets[k], b)[1] end
      found = found + #intersect(keys)
    else
      -- Member by member, highest first: the call may stop between two members (the next call
      -- goes on from the one it stopped at), so a bucket never makes it overshoot by much.
      local members, from = candidates(b, upTo)
      for _, n in ipairs(members) do
        if work >= budget and progressed then return reply(n + 1) end
        progressed = true
        if memberMatches(n, b, checks, from) then
          if mode == 'count' then
            found = found + 1
          -- An index entry may outlive its status (expired by Redis): such entries are no match.
          elseif call('EXISTS', prefix .. n) == 1 then
            if skipped < offset then
              skipped = skipped + 1
            else
              result[#result + 1] = n
              if #result >= limit then return reply(n) end
            end
          end
        end
      end
    end
  end
  progressed = true
  local later = nextBucket(b)
  if later and work >= budget then
    -- Continue below this bucket: the next one to visit lies wholly below b.
    return reply(b * BUCKET)
  end
  b = later
end
return reply(0)
