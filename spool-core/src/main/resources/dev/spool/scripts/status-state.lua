--[[ status-state: move a status to a state by hand (jobba's queued!, started!, succeeded!, ...).
  The first entry into a state records its timestamp. Entering 'started' again is a restart:
  the current attempt (state, times, progress, errors, data) is archived in 'pa', the attempt
  count goes up, and the status looks freshly started (as jobba's): progress, errors and data
  are reset; job name, args and provider id stay.
  KEYS[1] {q}:job:<id>  HASH  the status; its index keys are built from ARGV[1], the prefix
  of the same tag, so the script stays in the status's slot
  ARGV[1] job key prefix   ARGV[2] id   ARGV[3] state   ARGV[4] now (µs)
  ARGV[5] expiry (s) for a status that reaches a final state (it joins {q}:finished, the
  Pruner's list; leaving a final state takes it off)
  A job Spool's engine runs (it has a type, 't') is refused: its state follows its runs, and a
  state set by hand would make the engine drop the run's outcome, keep its locks and its
  concurrency slot, or leave it in a schedule.
  Returns: the attempt after the change, -1 if there is no such status, -2 if it is an engine
  job's ]]
local prefix, id, state, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local qp = string.sub(prefix, 1, -5)
local key = KEYS[1]
local job = redis.call('HMGET', key, 's', 'n', 'sta', 'que', 'suc', 'fai', 'kil', 'pg', 'er', 'pa', 'da', 't')
if not job[1] then return -1 end
if job[12] then return -2 end
local attempt = int(job[2]) or 0
local stamps = {queued = 'que', scheduled = 'sch', started = 'sta', succeeded = 'suc',
  failed = 'fai', killed = 'kil', unqueued = 'rec'}
if state == 'started' and job[3] then
  local entry = attemptEntry({attempt = attempt, state = job[1], queued_at = present(job[4]),
    started_at = present(job[3]), succeeded_at = present(job[5]), failed_at = present(job[6]),
    killed_at = present(job[7]), progress = present(job[8])},
    storedList(job[9]), archivedData(job[11]))
  attempt = attempt + 1
  redis.call('HSET', key, 'pa', appendLatest(job[10], entry, MAX_ATTEMPTS_KEPT), 'n', attempt, 'sta', now)
  redis.call('HDEL', key, 'suc', 'fai', 'kil', 'krq', 'pg', 'er', 'da')
  redis.call('PERSIST', key)
  bound(qp, id, 'sta', now)
end
redis.call('HSET', key, 's', state)
restate(qp, id, job[1], state)
stamp(qp, key, id, stamps[state], now)
if FINISHED_STATES[state] then
  finish(qp, id, now)
  redis.call('EXPIRE', key, ARGV[5])
  announce(qp, {id})
end
return attempt
