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

local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return 0 end
if not writableBy(key, ARGV[2], ARGV[3], ARGV[4]) then return 0 end
if ARGV[1] == 'error' then
  local err = ARGV[5]
  if not validJson(err) then err = cjson.encode({type = 'Error', message = err}) end
  -- A corrupt history is replaced.
  redis.call('HSET', key, 'er', appendLatest(redis.call('HGET', key, 'er'), err, MAX_ERRORS))
else
  for i = 5, #ARGV, 2 do redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end
end
return 1
