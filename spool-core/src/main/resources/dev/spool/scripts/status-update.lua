--[[ status-update: set fields of a status that no index covers (progress, data, provider id),
  or append to its errors; nothing happens to a status that does not exist.
  KEYS[1] {q}:job:<id>  HASH  the status
  ARGV[1] 'set' or 'error'
  ARGV[2..4] the attempt the write belongs to (a handler's): node, attempt, recorded time; the
  write lands only while that node holds that attempt of that job (holdsAttempt). A node of ''
  (a write by hand, JobStatus) writes to any status.
  ARGV[5..] for 'set': field, value pairs; for 'error': the error as JSON
  A status keeps the latest MAX_ERRORS errors: a handler that reports an error per bad row of a
  big file must not make each call cost more than the last (nor the status grow without end).
  Returns: 1 done, 0 no such status (or no longer that attempt's) ]]
local MAX_ERRORS = 100

-- The position of the comma that ends the value of a JSON list's text (valid JSON) starting after
-- position `from` (its '[', or the comma before that value), or nil when it is the last value: a
-- walk over that value only.
local function endOfValue(s, from)
  local depth, i = 0, from + 1
  while true do
    local p, _, c = string.find(s, '([%[%]{}",])', i)
    if not p then return nil end
    i = p + 1
    if c == '"' then
      -- Past the string: to the next quote that no backslash escapes.
      while true do
        local q, _, d = string.find(s, '(["\\])', i)
        if not q then return nil end
        if d == '"' then i = q + 1; break end
        i = q + 2
      end
    elseif c == '[' or c == '{' then
      depth = depth + 1
    elseif c == ']' or c == '}' then
      if depth == 0 then return nil end
      depth = depth - 1
    elseif depth == 0 then
      return p
    end
  end
end

local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return 0 end
if not writableBy(key, ARGV[2], ARGV[3], ARGV[4]) then return 0 end
if ARGV[1] == 'error' then
  local err = ARGV[5]
  if not validJson(err) then err = cjson.encode({type = 'Error', message = err}) end
  local stored = redis.call('HGET', key, 'er')
  local ok, list = pcall(cjson.decode, stored or '')
  if ok and type(list) == 'table' and #list >= MAX_ERRORS then
    -- The oldest go, as their text (see validJson): one walk over the values cut, then one cut
    -- (a cut per value would copy the rest of the list each time).
    local cut = string.find(stored, '[', 1, true)
    for _ = 1, #list - MAX_ERRORS + 1 do
      local comma = endOfValue(stored, cut)
      if not comma then break end
      cut = comma
    end
    stored = '[' .. string.sub(stored, cut + 1)
  end
  -- A corrupt history is replaced.
  redis.call('HSET', key, 'er', appendJson(stored, err))
else
  for i = 5, #ARGV, 2 do redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end
end
return 1
