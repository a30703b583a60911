--[[ dead-summaries: dead jobs of one queue as a list shows them, their arguments cut short in
  Redis, so that a page of dead jobs with large arguments costs the page, not their size (a page
  of 100 with 512 KiB of arguments each was 50 MB).
  KEYS[1] .. KEYS[n] {q}:job:<id>  HASH  the jobs, of one queue
  ARGV[1] the most bytes of the arguments
  Returns: per key {type, arguments, last error, attempt}, each false when absent (all four for a
  key that is gone or holds another type); the arguments cut to ARGV[1] bytes. ]]
local max = tonumber(ARGV[1])
local out = {}
for i, key in ipairs(KEYS) do
  local f = redis.pcall('HMGET', key, 't', 'a', 'e', 'n')
  if type(f) ~= 'table' or f.err then f = {false, false, false, false} end
  if type(f[2]) == 'string' and #f[2] > max then f[2] = string.sub(f[2], 1, max) end
  out[i] = f
end
return out
