--[[ status-summaries: statuses of one queue's jobs as a list view shows them, every long field
  cut short in Redis, so that a page of jobs with large arguments or errors costs the page, not
  their size (a page of 50 jobs with 512 KiB of arguments each was 25 MB).
  KEYS[1] .. KEYS[n] {q}:job:<id>  HASH  the statuses, of one queue
  ARGV[1] the most bytes of a field's value
  Returns: per key, its fields and values as HGETALL gives them (none for no status, or a key of
  another type); a longer value is cut to ARGV[1] bytes, but the errors ('er', a JSON list) are
  reduced to their last entry, its type and message each cut so, so that the list still reads. ]]
local max = tonumber(ARGV[1])

-- The errors as a list shows them: the last one only, its type and message cut; one that is no
-- {type, message} map (a status's errors by hand may be any JSON) as its JSON text, cut. Nil for
-- errors that are not a JSON list (the value is then cut as any other).
local function lastError(json)
  local ok, list = pcall(cjson.decode, json)
  if not ok or type(list) ~= 'table' or #list == 0 then return nil end
  local last = list[#list]
  if type(last) == 'table' and (type(last.type) == 'string' or type(last.message) == 'string') then
    local short = {}
    for _, field in ipairs({'type', 'message'}) do
      if type(last[field]) == 'string' then short[field] = string.sub(last[field], 1, max) end
    end
    return cjson.encode({short})
  end
  -- A number beyond a double's range (a BigInteger, decoded as inf) cannot be encoded again: the
  -- value is then cut as text, rather than fail the page of every job listed with it.
  local encoded, text = true, last
  if type(last) ~= 'string' then encoded, text = pcall(cjson.encode, last) end
  if not encoded then return nil end
  return cjson.encode({string.sub(text, 1, max)})
end

local out = {}
for i, key in ipairs(KEYS) do
  -- Whole hashes, each one job's status: a fixed set of fields by construction (state, times,
  -- names, args, result, data, errors, log count), and at most 10 keys a call (StatusStore), so the
  -- work is bounded by the batch whatever the history; large values are cut below.
  local ok, flat = pcall(redis.call, 'HGETALL', key)
  if not ok then flat = {} end
  for j = 2, #flat, 2 do
    if flat[j - 1] == 'er' then
      flat[j] = lastError(flat[j]) or string.sub(flat[j], 1, max)
    elseif #flat[j] > max then
      flat[j] = string.sub(flat[j], 1, max)
    end
  end
  out[i] = flat
end
return out
