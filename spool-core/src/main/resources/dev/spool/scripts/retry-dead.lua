--[[ retry-dead: put a dead job back in its queue with a fresh retry budget.
  KEYS[1] {q}:dead  ZSET   KEYS[2] {q}:ready  LIST   KEYS[3] {q}:prio  ZSET
  KEYS[4] {q}:signal  LIST
  ARGV[1] job key prefix   ARGV[2] now (µs)   ARGV[3..] ids, as the dead set holds them
  The attempt that died is archived in the status's previous attempts ('pa'). Every id given
  leaves the dead set. One that is no job number, or whose key holds another type
  (set aside as <qp>corrupt:<id>), is not requeued: garbage there must not stop a retry of all.
  Returns: number of jobs requeued ]]
local prefix, now = ARGV[1], ARGV[2]
local qp = string.sub(prefix, 1, -5)
local requeued = 0
for i = 3, #ARGV do
  local id = ARGV[i]
  local key = prefix .. id
  local dead = redis.call('ZREM', KEYS[1], id) == 1 and jobNumber(id)
  -- nil: its key holds another type
  local job = dead and fieldsOf(key, 'n', 'p', 's', 'sta', 'pg', 'er', 'pa', 'da', 'fai')
  if dead and not job then setAside(qp, key, id) end
  if job and redis.call('EXISTS', key) == 1 then
    local attempt = (int(job[1]) or 0) + 1
    -- The attempt that died is archived, as a retry after a failure archives it.
    local previous = jsonList(job[7])
    previous[#previous + 1] = {attempt = attempt - 1, state = job[3] or 'failed',
      started_at = present(job[4]), ended_at = present(job[9]), progress = present(job[5]),
      errors = nonEmpty(jsonList(job[6])), data = archivedData(job[8])}
    -- The retry budget counts again from this attempt on.
    redis.call('HSET', key, 's', 'queued', 'n', attempt, 'b', attempt, 'pa', cjson.encode(previous))
    redis.call('HDEL', key, 'w', 'sta', 'pg', 'da', 'fai', 'krq') -- a fresh start: no kill asked
    restate(qp, id, job[3], 'queued')
    pushReady(qp, key, id, false)
    requeued = requeued + 1
  end
end
return requeued
