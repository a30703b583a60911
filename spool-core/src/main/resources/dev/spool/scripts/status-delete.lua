--[[ status-delete: delete statuses and every index entry of them; an engine job is taken off
  its queue too. Unless forced, an incomplete status (unqueued, scheduled, queued, started,
  killed) is refused.
  KEYS[1] {q}:ready  LIST  KEYS[2] {q}:prio  ZSET  KEYS[3] {q}:delayed  ZSET
  KEYS[4] {q}:active ZSET  KEYS[5] {q}:dead  ZSET
  ARGV[1] job key prefix   ARGV[2] '1' to force   ARGV[3] now (µs)   ARGV[4] type of the internal
  job that reports a batch part's end: a batch part deleted before it ended is reported to its
  batch as failed   ARGV[5..] ids
  Returns: {deleted, refused} ]]
local prefix, force, now = ARGV[1], ARGV[2] == '1', ARGV[3]
local qp = string.sub(prefix, 1, -5)
local deleted, refused, freed = 0, 0, false
for i = 5, #ARGV do
  local id = ARGV[i]
  local key = prefix .. id
  local job = int(id) and fieldsOf(key, 's', 'bt', 'lc') -- anything but a job's hash is left alone
  local state = job and job[1]
  if state then
    if not force and state ~= 'succeeded' and state ~= 'failed' then
      refused = refused + 1
    else
      if state == 'queued' then
        unready(qp, key, id)
      elseif state == 'started' and job[3] then
        -- Its slot goes to the job parked longest for it, as when a job ends.
        freeSlot(qp, id, job[3])
        freed = true
      end
      if state == 'queued' or state == 'scheduled' then settleReservation(qp, key, true) end
      redis.call('ZREM', KEYS[3], id)
      redis.call('ZREM', KEYS[4], id)
      redis.call('ZREM', KEYS[5], id)
      unlock(qp, key, id, 'EWD')
      if not FINISHED_STATES[state] then reportPartFailed(qp, job[2], ARGV[4], now) end
      deleted = deleted + forget(qp, key, id)
    end
  end
end
tidyForgotten(qp)
if freed then wakeIfLimited(qp) end
return {deleted, refused}
