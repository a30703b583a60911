--[[ status-summaries: statuses of one queue's jobs as a list view shows them, every long field
  cut short in Redis, so that a page of jobs with large arguments or errors costs the page, not
  their size (a page of 50 jobs with 512 KiB of arguments each was 25 MB).
  KEYS[1] .. KEYS[n] {q}:job:<id>  HASH  the statuses, of one queue
  ARGV[1] the most bytes of a field's value
  Returns: per key, its fields and values as HGETALL gives them (none for no status, or a key of
  another type); a longer value is cut to ARGV[1] bytes, but the errors ('er', a JSON list) keep
  only their last entry's type and message, each cut so, so that the list still reads. ]]
local max = tonumber(ARGV[1])

local function lastError(json)
  local ok, list = pcall(cjson.decode, json)
  if not ok or type(list) ~= 'table' or #list == 0 or type(list[#list]) ~= 'table' then
    return nil
  end
  local last, short = list[#list], {}
  for _, field in ipairs({'type', 'message'}) do
    if type(last[field]) == 'string' then short[field] = string.sub(last[field], 1, max) end
  end
  return cjson.encode({short})
end

local out = {}
for i, key in ipairs(KEYS) do
  local ok, flat = pcall(redis.call, 'HGETALL', key)
  if not ok then flat = {} end
  for j = 2, #flat, 2 do
    if #flat[j] > max then
      flat[j] = flat[j - 1] == 'er' and lastError(flat[j]) or string.sub(flat[j], 1, max)
    end
  end
  out[i] = flat
end
return out
