--[[ release: a node hands jobs it holds back to the head of the queue (graceful shutdown).
  The attempt is not used up: the job did not fail. The interrupted run is archived in the
  status's previous attempts (state 'handed back', with its times, progress, errors and data),
  which are then reset, so that the queued job does not show a half-done run as its own.
  KEYS[1] {q}:ready   LIST   KEYS[2] {q}:prio  ZSET   KEYS[3] {q}:active  ZSET
  KEYS[4] {q}:signal  LIST
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] now (µs)   ARGV[4..] triples: id, attempt,
  when the job was recorded (µs, as fetch gave it; see holdsAttempt)
  Returns: number of jobs handed back ]]
local prefix, node, now = ARGV[1], ARGV[2], ARGV[3]
local nowMs = string.format('%.0f', math.floor(tonumber(now) / 1000))
local qp = string.sub(prefix, 1, -5)
local released = 0
for i = 4, #ARGV, 3 do
  local id, attempt, recorded = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local key = prefix .. id
  local job = fieldsOf(key, 's', 'w', 'n', 'sta', 'pg', 'er', 'pa', 'da', 'lc', 'rec')
  if holdsAttempt(job, job and job[10], node, attempt, recorded) then
    redis.call('ZREM', KEYS[3], id)
    local previous = jsonList(job[7])
    previous[#previous + 1] = {attempt = int(job[3]), state = 'handed back',
      started_at = present(job[4]), ended_at = now, progress = present(job[5]),
      errors = nonEmpty(jsonList(job[6])), data = archivedData(job[8])}
    -- Ready again since now ('due'), for the queue's latency.
    redis.call('HSET', key, 's', 'queued', 'pa', cjson.encode(previous), 'due', nowMs)
    redis.call('HDEL', key, 'w', 'sta', 'pg', 'er', 'da')
    restate(qp, id, 'started', 'queued')
    unlock(qp, key, id, 'W')
    pushReady(qp, key, id, true)
    freeSlot(qp, id, job[9])
    released = released + 1
  end
end
if released > 0 then wakeIfLimited(qp) end
return released
