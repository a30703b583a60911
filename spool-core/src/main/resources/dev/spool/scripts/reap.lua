--[[ reap: return jobs whose lease expired (their node died or stalled) to the head of the
  queue with attempt + 1, or to the dead set when no attempt is left. Safe on every node.
  A lease has expired when its deadline is past on Redis's clock (TIME), never a node's.
  KEYS[1] {q}:active  ZSET  id -> lease deadline (ms, Redis's clock)
  KEYS[2] {q}:ready   LIST  KEYS[3] {q}:prio  ZSET  KEYS[4] {q}:signal  LIST
  KEYS[5] {q}:dead    ZSET  id -> time of death (ms)
  ARGV[1] job key prefix   ARGV[2] now (ms)   ARGV[3] now (µs): the node's clock, for the
  status's times and the time of death only   ARGV[4] max jobs
  ARGV[5] default attempts (for jobs whose options carry no retry policy)
  ARGV[6] type of the internal job that reports a batch part's end to its batch (another slot)
  ARGV[7] longest silence (ms) between two reap calls of the queue after which a call only
  notes the time: Redis that stood still (SIGSTOP, a slow fork, a restart) lets leases expire on
  its clock although no node could renew them; the heartbeats queued meanwhile must land first.
  The time of the last call is kept in {q}:reap-clock (derived from the prefix, same slot; it
  expires after a day). At maxmemory it is not updated, and the call is refused as below.
  ARGV[8] expiry (s) of a killed job's status: a job whose kill was requested ('krq') ends
  killed, not requeued
  ARGV[9] grace (ms) after such a silence, during which calls only note the time too: a Redis
  that restarted, failed over or answered BUSY refused the heartbeats meanwhile (they were not
  queued), and live nodes renew their leases only at their next beat, a quarter of a lease away
  (kept in {q}:reap-grace while it lasts; "" or 0: none)
  The abandoned attempt is archived in the status's previous attempts (endAbandoned, shared with
  release's hand-backs past their cap). A job whose fields are
  corrupt goes to the dead set with "corrupt job: <what>", as does a lease whose key holds
  another type or a hash with no state; the others are reaped as usual.
  At maxmemory the call is refused before it changes anything: heartbeats are refused there
  too, and a lease that could not be renewed must not be taken from a live node.
  Returns: {jobs returned to ready, jobs moved to the dead set, jobs ended as killed, leases
  taken off (at most ARGV[4]: all of them means more may be waiting)} ]]
local prefix, nowMs, nowUs = ARGV[1], ARGV[2], ARGV[3]
local defaultAttempts = tonumber(ARGV[5])
local qp = string.sub(prefix, 1, -5)
local server = serverMs()
local clock = qp .. 'reap-clock'
local last = redis.pcall('GET', clock) -- a key of another type is overwritten below
last = type(last) == 'string' and tonumber(last) or nil
redis.pcall('SET', clock, server, 'PX', 86400000) -- refused at maxmemory: harmless here
local grace = qp .. 'reap-grace'
if last and server - last > tonumber(ARGV[7]) then
  local graceMs = tonumber(ARGV[9] or '') or 0
  if graceMs > 0 then redis.pcall('SET', grace, server, 'PX', graceMs) end
  return {0, 0, 0, 0}
end
if redis.pcall('EXISTS', grace) == 1 then return {0, 0, 0, 0} end
local expired = onOwn(qp, 'ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. server, 'LIMIT', 0, tonumber(ARGV[4]))
if #expired == 0 then return {0, 0, 0, 0} end
refuseAtMaxmemory(qp)
local requeued, dead, killed = 0, 0, 0

-- Reaps one expired lease.
local function reapOne(id)
  redis.call('ZREM', KEYS[1], id)
  local key = prefix .. id
  local number = jobNumber(id)
  local job = number and fieldsOf(key, 's', 'w', 'n', 'p', 'o', 'b', 'er', 'pg', 'sta', 'pa', 'bt', 'da', 'lc', 'krq')
  if number and (not job or (not job[1] and redis.call('EXISTS', key) == 1)) then
    -- A lease whose key holds another type, or a hash with no state: dead, with the reason.
    if job then
      buryCorrupt(qp, key, id, nil, 'it had a lease but no state', nowUs, ARGV[6])
    else
      buryOrphan(qp, id, nowUs, 'the leases')
    end
    dead = dead + 1
  elseif job and job[1] == 'started' then
    freeSlot(qp, id, job[13]) -- the slot of a dead node's job is free again, as its lease
    local options = job[5] and decodeJson(job[5])
    local what = abandonCorruption(job[3], job[6], job[5], options)
    if what then
      buryCorrupt(qp, key, id, 'started', what, nowUs, ARGV[6])
      dead = dead + 1
    else
      local err = cjson.encode({message = 'lease expired on node \'' .. tostring(job[2]) ..
        '\' (node presumed dead)', type = 'LeaseExpired', attempt = int(job[3])})
      if job[14] then
        -- Its kill was requested while its node was gone: it ends killed, never runs again.
        redis.call('HSET', key, 'e', err, 'er', appendJson(job[7], err))
        endKilled(qp, key, id, 'started', nowUs, ARGV[8], 'WD')
        reportPartFailed(qp, job[11], ARGV[6], nowUs)
        killed = killed + 1
      elseif endAbandoned(qp, key, id, {n = job[3], b = job[6], er = job[7], pg = job[8],
          sta = job[9], pa = job[10], da = job[12], bt = job[11], options = options},
          err, nowMs, nowUs, defaultAttempts, ARGV[6]) == 'dead' then
        dead = dead + 1
      else
        requeued = requeued + 1
      end
    end
  end
end
-- The leases are reaped under eachGuarded: each is taken off before its job is changed, so an
-- error in one job's step would leave it started with no lease, which no sweep finds. Such a job
-- goes to the dead set with the error instead; if even that fails, its lease goes back, to
-- expire again in a second. The others are reaped.
eachGuarded(expired, reapOne, function(id, err)
  if buryFailed(qp, id, 'reaping', err, nowUs, ARGV[6]) then
    dead = dead + 1
  else
    redis.pcall('ZADD', KEYS[1], server + 1000, id) -- tried again in a second, not at once
  end
end)
wakeIfLimited(qp)
return {requeued, dead, killed, #expired}
