--[[ status-update: set fields of a status that no index covers (progress, data, provider id),
  or append to its errors; nothing happens to a status that does not exist.
  ARGV[1] job key   ARGV[2] 'set' or 'error'
  ARGV[3..] for 'set': field, value pairs; for 'error': the error as JSON
  Returns: 1 done, 0 no such status ]]
local key = ARGV[1]
if redis.call('EXISTS', key) == 0 then return 0 end
if ARGV[2] == 'error' then
  local errors = jsonList(redis.call('HGET', key, 'er')) -- a corrupt history is replaced
  errors[#errors + 1] = decodeJson(ARGV[3]) or {type = 'Error', message = ARGV[3]}
  redis.call('HSET', key, 'er', cjson.encode(errors))
else
  for i = 3, #ARGV, 2 do redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end
end
return 1
