--[[ stage: move delayed jobs that are due to ready (the Stager's step). Idempotent, so
  every node may run it at once.
  KEYS[1] {q}:delayed  ZSET  id -> due time (ms)
  KEYS[2] {q}:ready    LIST  KEYS[3] {q}:prio  ZSET  KEYS[4] {q}:signal  LIST
  ARGV[1] job key prefix   ARGV[2] now (ms)   ARGV[3] now (µs)   ARGV[4] max jobs
  ARGV[5] type of the internal job that reports a batch part's end (a corrupt part, buried)
  Ids that are no scheduled job (not a number, no hash, a key of another type, a job in another
  of Spool's states) are dropped; a job whose state is none of Spool's goes to the dead set, as
  corrupt; a {q}:delayed of another type is set aside as {q}:corrupt:delayed. A job whose step
  fails goes to the dead set as "corrupt job: its staging failed: <error>", and the rest are
  staged.
  Returns: {jobs moved, due time (ms) of the earliest job still delayed or -1} ]]
local prefix, nowMs, nowUs = ARGV[1], ARGV[2], ARGV[3]
local qp = string.sub(prefix, 1, -5)
local due = redis.pcall('ZRANGEBYSCORE', KEYS[1], '-inf', nowMs, 'LIMIT', 0, tonumber(ARGV[4]))
if due.err then
  -- A key of another type holds no delayed job: set aside, so that delays can be given again.
  if string.find(due.err, 'WRONGTYPE', 1, true) then
    setAside(qp, KEYS[1], 'delayed')
    return {0, -1}
  end
  return redis.error_reply(due.err)
end
local moved = 0
-- Stages one due id.
local function stageOne(id)
  local key = prefix .. id
  local job = int(id) and fieldsOf(key, 's') -- an id that is no job is only taken off the set
  if job and job[1] and not KNOWN_STATE[job[1]] then
    -- A state that is none of Spool's: the job would be dropped as not scheduled, and lost.
    buryCorrupt(qp, key, id, job[1], "state 's' is not a state: " .. job[1], nowUs, ARGV[5])
  elseif job and job[1] == 'scheduled' then
    redis.call('HSET', key, 's', 'queued')
    restate(qp, id, 'scheduled', 'queued')
    stamp(qp, key, id, 'que', nowUs)
    pushReady(qp, key, id, false)
    moved = moved + 1
  end
end
-- The ids are staged under eachGuarded: a job whose step fails every call would stay first in
-- the delayed set, and no job due after it would ever be staged. It goes to the dead set with
-- the error instead; if even that fails, it stays delayed and the others are staged.
local stuck = nil
eachGuarded(due, stageOne, function(id, err)
  -- Its index entry moves with its state (restate follows the HSET at once).
  if not buryFailed(qp, id, 'staging', err, nowUs, ARGV[5]) then
    stuck = stuck or {}
    stuck[id] = true
  end
end)
if stuck then
  local taken = {}
  for _, id in ipairs(due) do if not stuck[id] then taken[#taken + 1] = id end end
  due = taken
end
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
local next = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
-- A job left delayed for a step that fails is due already: tried again in a second, not at once.
if stuck and next and tonumber(next) <= tonumber(nowMs) then next = tonumber(nowMs) + 1000 end
return {moved, next or -1}
