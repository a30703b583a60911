--[[ retry-dead: put a dead job back in its queue with a fresh retry budget.
  KEYS[1] {q}:dead  ZSET   KEYS[2] {q}:ready  LIST   KEYS[3] {q}:prio  ZSET
  KEYS[4] {q}:signal  LIST
  ARGV[1] job key prefix   ARGV[2] now (µs)
  ARGV[3] '1': a killed job (cancelled, drained, expired or killed: in no dead set) is put back
  too, its status kept again (its expiry removed) — but a batch part, whose batch counted it as
  failed already
  ARGV[4..] ids, as the dead set holds them
  The attempt that died is archived in the status's previous attempts ('pa'). Every id given
  leaves the dead set, but one: a job unique until executing or executed takes its lock again
  (it gave it back when it died), and while another job holds it, the job stays dead rather than
  run beside its duplicate. One that is no job number, or whose key holds another type (set aside
  as <qp>corrupt:<id>), is not requeued: garbage there must not stop a retry of all.
  Returns: {number of jobs requeued, then for each job left dead: its id, the holder's id, its
  type} ]]
local prefix, now, killedToo = ARGV[1], ARGV[2], ARGV[3] == '1'
local qp = string.sub(prefix, 1, -5)
local requeued, held = 0, {}

-- Takes the unique lock of a job about to be requeued; the job holding it instead, if another.
local function relock(id, u)
  local kind, _, ttl, _, digest = parseLock(u)
  if kind ~= 'E' and kind ~= 'D' then return nil end
  local lockKey = qp .. 'lock:' .. digest
  local holder = lockHolder(qp, lockKey, digest)
  if holder and holder ~= id then return holder end
  redis.call('SET', lockKey, id, 'PX', math.max(1, tonumber(ttl)))
  return nil
end

-- A killed job that may be put back: state 'killed', no batch part.
local function killedJob(id, key)
  local job = jobNumber(id) and fieldsOf(key, 's', 'bt')
  return job and job[1] == 'killed' and not job[2]
end

for i = 4, #ARGV do
  local id = ARGV[i]
  local key = prefix .. id
  local diedAt = redis.call('ZSCORE', KEYS[1], id)
  local dead = redis.call('ZREM', KEYS[1], id) == 1 and jobNumber(id)
  local killed = not dead and killedToo and killedJob(id, key)
  -- nil: its key holds another type
  local job = (dead or killed) and fieldsOf(key, 'n', 'p', 's', 'sta', 'pg', 'er', 'pa', 'da', 'fai', 'u', 't', 'kil')
  if dead and not job then setAside(qp, key, id) end
  local holder = job and job[10] and relock(id, job[10])
  if holder then
    if dead then redis.call('ZADD', KEYS[1], diedAt, id) end
    held[#held + 1] = id
    held[#held + 1] = holder
    held[#held + 1] = job[11] or ''
  elseif job and redis.call('EXISTS', key) == 1 then
    local attempt = (int(job[1]) or 0) + 1
    -- The attempt that died is archived, as a retry after a failure archives it.
    local entry = attemptEntry({attempt = attempt - 1, state = job[3] or 'failed',
      started_at = present(job[4]), ended_at = present(job[9] or job[12]), progress = present(job[5])},
      storedList(job[6]), archivedData(job[8]))
    -- The retry budget counts again from this attempt on.
    redis.call('HSET', key, 's', 'queued', 'n', attempt, 'b', attempt, 'pa', appendLatest(job[7], entry, MAX_ATTEMPTS_KEPT),
      'due', string.format('%.0f', math.floor(tonumber(ARGV[2]) / 1000))) -- ready since now
    -- A fresh start: no kill asked, no hand-back at a stop counted ('hb', see handBack).
    redis.call('HDEL', key, 'w', 'sta', 'pg', 'da', 'fai', 'kil', 'krq', 'hb')
    if killed then
      -- Kept again as a waiting job is; its log too, and it is no longer a finished status.
      redis.call('PERSIST', key)
      redis.call('PERSIST', qp .. 'log:' .. id)
      onOwn(qp, 'ZREM', qp .. 'finished', id)
    end
    restate(qp, id, job[3], 'queued')
    pushReady(qp, key, id, false)
    requeued = requeued + 1
  end
end
local out = {requeued}
for _, v in ipairs(held) do out[#out + 1] = v end
return out
