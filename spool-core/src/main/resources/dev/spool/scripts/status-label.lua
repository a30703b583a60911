--[[ status-label: set the job name or the job args of a status, moving its index entries.
  KEYS[1] {q}:job:<id>  HASH  the status; its index keys are built from ARGV[1], the prefix
  of the same tag, so the script stays in the status's slot
  ARGV[1] job key prefix   ARGV[2] id   ARGV[3] field: 'jn' (name) or 'ja' (args JSON object)
  ARGV[4] value
  Returns: 1 done, 0 no such status ]]
local prefix, id = ARGV[1], ARGV[2]
local qp = string.sub(prefix, 1, -5)
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return 0 end
indexLabels(qp, key, id, 'SREM')
redis.call('HSET', key, ARGV[3], ARGV[4])
indexLabels(qp, key, id, 'SADD')
return 1
