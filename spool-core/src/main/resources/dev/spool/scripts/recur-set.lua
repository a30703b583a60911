--[[ recur-set: create or replace a recurring job of a queue.
  KEYS[1] {q}:recurring      HASH  name -> definition JSON (schedule, type, args, options, lock)
  KEYS[2] {q}:recurring:due  ZSET  name -> next run (ms)
  ARGV[1] name   ARGV[2] definition JSON   ARGV[3] next run (ms), from now
  ARGV[4] channel that tells stagers of an earlier due time
  ARGV[5] the stored definition the caller read, found sound and of the same schedule ("" none)
  While that definition is still the stored one, the job keeps its next run: applications define
  their recurring jobs at every start, and a start must neither skip the tick a restart missed
  (it fires once, late) nor put off an `every` schedule by its whole period. Otherwise (a new
  job, a new schedule, a definition that was malformed) the next run is taken from now. Keys of
  another type are set aside: garbage must not stop a queue's recurring jobs for good.
  Returns: 1 created, 0 replaced ]]
local qp = string.sub(KEYS[1], 1, -#'recurring' - 1)
local keep = false
if ARGV[5] ~= '' and redis.pcall('HGET', KEYS[1], ARGV[1]) == ARGV[5] then
  -- Never later than the next run from now: one that is (inf, a fast clock's) is taken afresh.
  local due = redis.pcall('ZSCORE', KEYS[2], ARGV[1])
  keep = type(due) == 'string' and tonumber(due) ~= nil and tonumber(due) <= tonumber(ARGV[3])
end
local created = onOwn(qp, 'HSET', KEYS[1], ARGV[1], ARGV[2])
if not keep then
  onOwn(qp, 'ZADD', KEYS[2], ARGV[3], ARGV[1])
  redis.call('PUBLISH', ARGV[4], ARGV[3])
end
return created
