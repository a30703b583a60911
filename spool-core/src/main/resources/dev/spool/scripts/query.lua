--[[ query: the statuses of one queue that match every clause, newest (highest number) first.
  KEYS[1] {q}:seq  STRING  job id sequence (tells the highest bucket)
  ARGV[1] job key prefix   ARGV[2] 'list' or 'count'   ARGV[3] offset   ARGV[4] limit
  ARGV[5] number of clauses, then each clause as: kind, number of values, values
    kind 's' states (any of), 'n' job names (any of), 'a' job argument values (any of),
    'b' batch tokens (any of),
    'i' job numbers (any of), 't' a time range: values = timestamp field, lowest, highest (µs,
    "" for an open end)
  Clauses are ANDed. Buckets whose timestamp bounds miss a range are skipped whole; a time
  range is checked per status only where a bucket straddles it.
  Returns: 'list': the matching job numbers; 'count': how many match ]]
local prefix, mode = ARGV[1], ARGV[2]
local offset, limit = tonumber(ARGV[3]), tonumber(ARGV[4])
local qp = string.sub(prefix, 1, -5)
local ALL_STATES = {'unqueued', 'scheduled', 'queued', 'started', 'succeeded', 'failed', 'killed'}
local STAMP_OF = {unqueued = 'rec', scheduled = 'sch', queued = 'que', started = 'sta',
  succeeded = 'suc', failed = 'fai', killed = 'kil'}

local sets, ranges, ids = {}, {}, nil
local i = 6
for _ = 1, tonumber(ARGV[5]) do
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
if #sets == 0 then sets[1] = {kind = 's', values = ALL_STATES, segment = 'ix:s:'} end

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

-- The members of bucket b matching every set clause, as a list of numbers.
local function candidates(b)
  local first = keysOf(sets[1], b)
  local simple = #first == 1
  for k = 2, #sets do if #sets[k].values ~= 1 then simple = false end end
  local members
  if simple then
    local all = {first[1]}
    for k = 2, #sets do all[#all + 1] = keysOf(sets[k], b)[1] end
    members = #all == 1 and redis.call('SMEMBERS', all[1]) or redis.call('SINTER', unpack(all))
  else
    members = redis.call('SUNION', unpack(first))
    for k = 2, #sets do
      local keys = keysOf(sets[k], b)
      local kept = {}
      for _, m in ipairs(members) do
        for _, key in ipairs(keys) do
          if redis.call('SISMEMBER', key, m) == 1 then kept[#kept + 1] = m; break end
        end
      end
      members = kept
    end
  end
  local out = {}
  for _, m in ipairs(members) do
    local n = tonumber(m)
    local ok = true
    if ids then for _, wanted in ipairs(ids) do if not wanted[n] then ok = false end end end
    if ok then out[#out + 1] = n end
  end
  return out
end

local function singleValued()
  for k = 1, #sets do if #sets[k].values ~= 1 then return false end end
  return true
end

-- Fast count of a bucket when no per-member work is needed: one clause, no ids, no checks.
local function quickCount(b)
  local keys = keysOf(sets[1], b)
  if sets[1].kind == 'a' and #keys > 1 then return #redis.call('SUNION', unpack(keys)) end
  local total = 0
  for _, key in ipairs(keys) do total = total + redis.call('SCARD', key) end
  return total
end

-- The buckets to visit, highest first: those of the wanted ids, or all of them.
local buckets = {}
if ids then
  local seen = {}
  for n in pairs(ids[1]) do
    local b = bucketOf(n)
    if not seen[b] then seen[b] = true; buckets[#buckets + 1] = b end
  end
  table.sort(buckets, function(x, y) return x > y end)
else
  for b = math.floor(tonumber(redis.call('GET', KEYS[1]) or '0') / BUCKET), 0, -1 do
    buckets[#buckets + 1] = b
  end
end
local found, skipped, result = 0, 0, {}
for _, b in ipairs(buckets) do
  local checks = {}
  local skip = false
  if #ranges > 0 then
    local bounds = redis.call('HGETALL', qp .. 'ix:t:' .. b)
    local map = {}
    for j = 1, #bounds, 2 do map[bounds[j]] = tonumber(bounds[j + 1]) end
    for _, r in ipairs(ranges) do
      local lo, hi = map[r.field .. '0'], map[r.field .. '1']
      if not lo or (r.hi and lo > r.hi) or (r.lo and hi < r.lo) then
        skip = true
      elseif not (impliedBy(r.field) and (not r.lo or lo >= r.lo) and (not r.hi or hi <= r.hi)) then
        checks[#checks + 1] = r
      end
    end
  end
  if not skip then
    if mode == 'count' and #sets == 1 and not ids and #checks == 0 then
      found = found + quickCount(b)
    elseif mode == 'count' and not ids and #checks == 0 and singleValued() then
      local keys = {}
      for k = 1, #sets do keys[k] = keysOf(sets[k], b)[1] end
      found = found + #redis.call('SINTER', unpack(keys))
    else
      local members = candidates(b)
      if #checks > 0 then
        local kept = {}
        for _, n in ipairs(members) do
          local ok = true
          for _, r in ipairs(checks) do
            local t = tonumber(redis.call('HGET', prefix .. n, r.field))
            if not t or (r.lo and t < r.lo) or (r.hi and t > r.hi) then ok = false; break end
          end
          if ok then kept[#kept + 1] = n end
        end
        members = kept
      end
      if mode == 'count' then
        found = found + #members
      else
        table.sort(members, function(x, y) return x > y end)
        for _, n in ipairs(members) do
          if redis.call('EXISTS', prefix .. n) == 1 then
            if skipped < offset then
              skipped = skipped + 1
            else
              result[#result + 1] = n
              if #result >= limit then return result end
            end
          end
        end
      end
    end
  end
end
if mode == 'count' then return found end
return result
