--[[ fetch: lease up to ARGV[5] ready jobs of one queue to a worker node, in this order: jobs
  pinned strictly to this node, jobs pinned to it non-strictly, jobs of higher priority, plain
  jobs, jobs that avoid another node, jobs of lower priority.
  KEYS[1] {q}:ready    LIST  ids of ready jobs, default priority
  KEYS[2] {q}:prio     ZSET  ids of ready jobs with a priority (score < 0: before the list)
  KEYS[3] {q}:active   ZSET  id -> lease deadline (ms, Redis's clock)
  KEYS[4] {q}:signal   LIST  wake-up token for idle workers
  KEYS[5] {q}:delayed  ZSET  id -> due time (ms), for unique jobs rescheduled on a conflict
  KEYS[6] {q}:dead     ZSET  id -> time of death (ms), for jobs whose fields are corrupt
  KEYS[7] {q}:paused   STRING present while the queue is paused: nothing is leased
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] now (µs, the node's clock: status times)
  ARGV[4] lease (ms): the deadline is Redis's TIME plus this, so node clocks may drift
  ARGV[5] max jobs   ARGV[6] retention (s) of jobs killed here
  ARGV[7] channel that tells stagers of an earlier due time
  ARGV[8] type of the internal job that reports a batch part's end (corrupt, expired or rejected at start)
  ARGV[9] the call's receipt, "<node instance>|<call number>" ("" or absent: none). The jobs a
  call leases are kept for three leases in {q}:receipt:<node>:<instance> (one key per run of a
  node, the last call's only), so that a node that never got the answer hands them back at once
  (reclaim.lua) rather than leaving them to their lease, which would use up an attempt of jobs
  that never ran. A call that comes after its node reclaimed it, or after a later call of the
  node, leases nothing: a Redis that stood still reads a closed socket's last command late.
  A job whose expiry (field 'x', ms) has passed is killed with the error "expired", never run.
  Limits: the queue's own ({q}:climit, {q}:rlimit) and the job's ('lc', 'lr'): a job over a
  concurrency limit waits in {q}:park:<name> (its name in the SET {q}:parks) until a slot frees;
  one over a rate limit is scheduled for the first window with room ('rr', its reservation).
  Neither uses an attempt. These keys are derived from the queue prefix, in the same slot as KEYS.
  Unique jobs: an until-executing lock is released; a while-executing lock is taken, and if
  another job holds it the job is killed (reject), delayed without using an attempt
  (reschedule), or handed out with the holder so that its attempt fails (raise).
  Returns: flat array, 9 entries per job: id, type, args, attempt, first attempt of the
  current retry budget, options, recorded at (µs), holder of its lock on a 'raise' conflict,
  batch part ("" if none); then one more entry, 'more', when the call popped as many ids as it
  could (some may be left), or looked at only some of the nodes that jobs avoid. Without it every ready structure the node reads ran dry in this
  call, or the queue is paused or at its concurrency limit: the node may wait for a wake-up
  signal instead of asking again (a job made ready later, a resume and a freed slot push one).
  Every popped id ends somewhere, even a bad one: ids that are no job number (1 to 14 digits),
  or whose state is another of Spool's than 'queued', are dropped (they are no ready job); a job
  whose state is none of Spool's goes to the dead set, as corrupt; an id whose key is gone
  or is no hash, and a job whose fields are corrupt, go to the dead set with "corrupt job:
  <what>". A unique lock key that holds no job number is set aside (lockHolder), and the job
  takes the lock. The rest of the batch is served. At maxmemory the call is refused before it
  pops anything. ]]
local prefix, node, now, leaseMs, max = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local nowMs = math.floor(tonumber(now) / 1000)
local qp = string.sub(prefix, 1, -5)
refuseAtMaxmemory(qp)
-- A paused queue leases nothing; its resume wakes the idle nodes (queue-resume.lua).
if redis.call('EXISTS', KEYS[7]) == 1 then return {} end
local receipt = ARGV[9] or ''
local receiptKey = receipt ~= '' and receiptKeyOf(qp, node, receipt)
if receiptKey and receiptOverdue(receiptKey, receipt) then return {} end
-- A queue-wide concurrency limit: at most that many of its jobs hold a lease at once, on all
-- nodes together (a dead node's leases count until they are reaped, then free their slots).
local queueLimit = int(redis.pcall('GET', qp .. 'climit'))
if queueLimit then
  local leased = redis.pcall('ZCARD', KEYS[3]) -- garbage holds no lease: set aside below
  local room = queueLimit - (type(leased) == 'number' and leased or 0)
  if room <= 0 then return {} end
  if room < max then max = room end
end
local queueRate = redis.pcall('GET', qp .. 'rlimit')
-- As Spool writes it: "<max>|<per ms>" within RateLimit's bounds (1 to 100 000 starts per 1 ms to
-- a day). Anything else was written by hand and is no limit, as reads of the queue show it.
do
  local n, per = nil, nil
  if type(queueRate) == 'string' then n, per = string.match(queueRate, '^([1-9]%d*)|([1-9]%d*)$') end
  if n and tonumber(n) <= 100000 and tonumber(per) <= 86400000 then
    queueRate = queueRate .. '|q'
  else
    queueRate = nil
  end
end
local deadline = serverMs() + leaseMs
-- A limit whose parked jobs a freed slot could not reach (a run of more than PARK_LOOK left-behind
-- ids at the head of its park list, see freeSlot): looked at again, one limit a call, before the
-- pops, so that a job handed on is leased by this very call. A limit that is full again waits for
-- its next freed slot instead.
do
  local spec = redis.pcall('SPOP', qp .. 'unpark')
  if type(spec) == 'string' then
    local limit, name = parseConcurrency(spec)
    local holders = name and redis.pcall('SCARD', qp .. 'conc:' .. name)
    if type(holders) == 'number' and holders < limit and not unparkNext(qp, name) then
      onOwn(qp, 'SADD', qp .. 'unpark', spec)
    end
    if onOwn(qp, 'SCARD', qp .. 'unpark') > 0 then signal(qp, KEYS[4]) end
  end
end
-- Reads that run after the first pop go through onOwn: a key of another type must not fail the
-- call once jobs have left their ready lists (they would be lost).
local function longerThanZero(cmd, key)
  return onOwn(qp, cmd, key) > 0
end
-- {q}:avoid holds node names, one per node with avoiding jobs waiting (a name leaves when its
-- list empties). The names come from the jobs' options, so there may be many: a call looks at
-- AVOID_LOOK of them, at random, read once; when there were more, the call says 'more' below
-- (the node asks again) rather than that the queue ran dry.
local AVOID_LOOK = 64
local avoidedSample, avoidedUnseen = nil, false
local function avoidedNodes()
  if not avoidedSample then
    avoidedSample = onOwn(qp, 'SRANDMEMBER', qp .. 'avoid', AVOID_LOOK)
    avoidedUnseen = #avoidedSample == AVOID_LOOK and onOwn(qp, 'SCARD', qp .. 'avoid') > AVOID_LOOK
  end
  return avoidedSample
end
local ids = {}
local function take(list)
  for _, id in ipairs(list) do ids[#ids + 1] = id end
end
-- A ready structure whose key holds another type is skipped (redis.pcall), never an error after
-- other pops: the jobs popped so far would be lost.
local function popList(list)
  if #ids < max then
    local some = redis.pcall('LPOP', list, max - #ids)
    if type(some) == 'table' and not some.err then take(some) end
  end
end
local function popPrio(min, maxScore)
  if #ids < max then
    local some = redis.pcall('ZRANGEBYSCORE', KEYS[2], min, maxScore, 'LIMIT', 0, max - #ids)
    if not some.err and #some > 0 then redis.call('ZREM', KEYS[2], unpack(some)); take(some) end
  end
end
popList(pinnedList(qp, node, true))
popList(pinnedList(qp, node, false))
popPrio('-inf', '(0')
popList(KEYS[1])
if #ids < max then
  for _, avoided in ipairs(avoidedNodes()) do
    if #ids >= max then break end
    if avoided ~= node then
      local list = qp .. 'ready:!' .. avoided
      popList(list)
      if not longerThanZero('LLEN', list) then redis.call('SREM', qp .. 'avoid', avoided) end
    end
  end
end
popPrio(0, '+inf')

-- Applies a unique lock at start; returns false if the job must not start, else the holder of
-- the lock on a 'raise' conflict, or '' when the job may run. The lock's TTL is relative (PX),
-- so no clock but Redis's decides when it ends.
local function lockAtStart(key, id, u)
  local kind, conflict, ttl, resched, digest = parseLock(u)
  local lockKey = qp .. 'lock:' .. digest
  if kind == 'E' then
    if lockHolder(qp, lockKey, digest) == id then redis.call('DEL', lockKey) end
    return ''
  end
  if kind ~= 'W' then return '' end
  if redis.call('SET', lockKey, id, 'NX', 'PX', math.max(1, tonumber(ttl))) then return '' end
  local holder = lockHolder(qp, lockKey, digest)
  if not holder then -- garbage set aside: the lock is free
    redis.call('SET', lockKey, id, 'PX', math.max(1, tonumber(ttl)))
    return ''
  end
  if holder == id then return '' end
  if conflict == 'raise' then return holder end
  if conflict == 'reschedule' then
    local due = string.format('%.0f', nowMs + tonumber(resched))
    redis.call('HSET', key, 's', 'scheduled', 'due', due)
    restate(qp, id, 'queued', 'scheduled')
    stamp(qp, key, id, 'sch', now)
    onOwn(qp, 'ZADD', KEYS[5], due, id)
    redis.call('PUBLISH', ARGV[7], due)
    return false
  end
  -- The holder may hold the lock as any kind (a job unique until executed holds it while it
  -- waits and runs): name the holder's kind, read from its own spec.
  -- pcall: after the pops, a holder key of another type (garbage) must not fail the call.
  local heldSpec = redis.pcall('HGET', prefix .. holder, 'u')
  local held = parseLock(type(heldSpec) == 'string' and heldSpec or nil)
  local kindName = LOCK_KINDS[held] or 'unique'
  local reason = cjson.encode({type = 'UniqueJobConflict', holder = queueOf(qp) .. ':' .. holder,
    message = 'rejected at start: job ' .. queueOf(qp) .. ':' .. holder .. ' holds the ' ..
    kindName .. ' lock of ' .. tostring(redis.call('HGET', key, 't')) .. ' jobs with these arguments'})
  redis.call('HSET', key, 'e', reason, 'er', '[' .. reason .. ']')
  endKilled(qp, key, id, 'queued', now, ARGV[6], nil) -- the lock is the other job's
  reportPartFailed(qp, redis.call('HGET', key, 'bt'), ARGV[8], now)
  return false
end

-- Ends a job that did not start before its expiry: killed, with the reason as its error, its
-- locks given back, and a batch part reported to its batch as not done.
local function expire(key, id, expiresAt, part)
  local reason = cjson.encode({type = 'JobExpired', message = 'expired: not started by ' ..
    expiresAt .. ' (ms since the epoch), so it was discarded without running (again)'})
  redis.call('HSET', key, 'e', reason, 'er', '[' .. reason .. ']')
  endKilled(qp, key, id, 'queued', now, ARGV[6], 'EWD')
  reportPartFailed(qp, part, ARGV[8], now)
end

-- Limits (docs/flow-control.md). Their keys are Spool's own bookkeeping: one that holds another
-- type (written behind Spool's back) is reset rather than failing a call that popped jobs.
local checkedType = {}
local function typed(key, want)
  if checkedType[key] then return end
  checkedType[key] = true
  local t = redis.call('TYPE', key).ok
  if t ~= 'none' and t ~= want then redis.call('DEL', key) end
end
local startedHere, validated = {}, {}
local HOLDERS_CHECKED = 100
local function concurrencyFull(limit, holders)
  typed(holders, 'set')
  if redis.call('SCARD', holders) < limit then return false end
  if not validated[holders] then
    validated[holders] = true
    -- A holder without a lease ended in a way that did not free its slot (its status deleted
    -- while it ran, say): the slot is free. A sample a call: a limit of thousands stays full
    -- for long, and a fetch must not read all its holders each time; later calls check others.
    for _, h in ipairs(redis.call('SRANDMEMBER', holders, HOLDERS_CHECKED)) do
      -- pcall: after the pops; leases of another type hold no lease (set aside below)
      local leased = redis.pcall('ZSCORE', KEYS[3], h)
      if not startedHere[h] and (not leased or type(leased) == 'table') then redis.call('SREM', holders, h) end
    end
  end
  return redis.call('SCARD', holders) >= limit
end
-- What admit returns for a job that took no rate window: most jobs, so one shared (never written)
-- table rather than a new one per job.
local NONE_TAKEN = {}
-- Rate limits "<max>|<per ms>|<name>" count starts in fixed windows of <per> ms (aligned on the
-- epoch). {q}:rate:<name> is a HASH {w = the latest window given out, c = starts given in it,
-- p = the window's width in ms}: windows are given out in order, so admitting a job is O(1)
-- however many wait, and a job over the limit is given the first window with room — a
-- reservation, kept in its 'rr' field. A limit whose width changed (a type's withRateLimit
-- redefined, a queue's limit set again; jobs made before still carry the old one) carries its
-- latest window over to the new width: the window that holds its start, with its starts (at most
-- the new max), so that w is never read in units it was not written in (a window number in
-- seconds read as minutes lies thousands of years ahead). A state without p was written before p
-- was kept: its width is taken to be the limit's.
-- `field` is the job's field that keeps the generation of this limit when it reserves a window
-- in it ('rq' the queue's, 'rj' its own; see settleReservation in lib.lua).
local function rateState(spec, field)
  local n, per, name = string.match(spec, '^(%d+)|(%d+)|(.+)$')
  n, per = tonumber(n), tonumber(per)
  local key = qp .. 'rate:' .. name
  typed(key, 'hash')
  local st = redis.call('HMGET', key, 'w', 'c', 'p', 'g', 'r', 'rw', 'sw')
  local w, c, width = int(st[1]) or -1, int(st[2]) or 0, int(st[3])
  if w >= 0 and width and width > 0 and width ~= per then
    w, c = math.floor(w * width / per), math.min(c, n)
  end
  -- A window starting past the year 30 000 was written by hand: counted afresh (PEXPIRE would
  -- refuse its expiry, after the pops).
  if w * per > 1e15 then w, c = -1, 0 end
  local current = math.floor(nowMs / per)
  local generation, pending, fresh = st[4], int(st[5]), false
  -- A state without a count of reservations (new, written before they were counted, or a count
  -- written by hand that HINCRBY could take past its range) starts one once no window ahead is
  -- given out: the jobs that hold windows ahead would not be counted.
  if not (generation and pending and pending >= 0 and pending < 1e15) then
    generation, pending = nil, nil
    if w <= current then generation, pending, fresh = string.format('%.0f', nowMs), 0, true end
  end
  -- No reservation left (all given back: a burst cancelled or drained), yet windows ahead given
  -- out: they hold no job now, when the latest was given out by a counted reservation ('rw', its
  -- window; -1 when a start now took it; a node of an earlier version reserves uncounted and
  -- writes none). Windows are given out in order, each once those before it were full, so the
  -- current one is taken as full and the next job gets the next window — or the newest window a
  -- job started in ('sw', a start now or a reservation's), if later: on a node whose clock is
  -- behind, it lies ahead too.
  if pending == 0 and w > current and width == per and int(st[6]) == w then
    local floor = math.max(current, int(st[7]) or -1)
    if w > floor then w, c = floor, n end
  end
  return {key = key, n = n, per = per, w = w, c = c, generation = generation, fresh = fresh, field = field}
end
-- The earliest time a limit lets one more job start: now, or the start of its first window
-- with room.
local function earliest(r)
  local current = math.floor(nowMs / r.per)
  if r.w < current then return nowMs end
  if r.c < r.n then return math.max(nowMs, r.w * r.per) end
  return (r.w + 1) * r.per
end
-- Counts a start at time t (not before `earliest`) in its window. A start at a later time is a
-- reservation, counted in 'r' under the state's generation, its window kept as 'rw' (-1 after a
-- start now: see rateState).
local function take(r, t)
  local w = math.floor(t / r.per)
  if w == r.w then r.c = r.c + 1 else r.w, r.c = w, 1 end
  local counted = t > nowMs and r.generation
  local window = string.format('%.0f', r.w)
  local fields = {'w', window, 'c', r.c, 'p', r.per, 'rw', counted and window or -1}
  if t <= nowMs then fields[#fields + 1] = 'sw'; fields[#fields + 1] = window end
  if r.fresh then
    fields[#fields + 1] = 'g'; fields[#fields + 1] = r.generation
    fields[#fields + 1] = 'r'; fields[#fields + 1] = 0
    r.fresh = false
  end
  redis.call('HSET', r.key, unpack(fields))
  -- pcall: a count out of range was set aside above (rateState); nothing here may fail after pops.
  if counted then redis.pcall('HINCRBY', r.key, 'r', 1) end
  -- Gone once its window is past. As text: Lua writes a number of 17 digits or more in exponent
  -- form, which PEXPIRE refuses (an error here, after the pops, would lose the call's jobs).
  redis.call('PEXPIRE', r.key, string.format('%.0f', (r.w + 2) * r.per - nowMs))
  return {r.key, r.w, r.per}
end
local function rateLimits(lr)
  local limits = {}
  if queueRate then limits[#limits + 1] = rateState(queueRate, 'rq') end
  if lr then limits[#limits + 1] = rateState(lr, 'rj') end
  return limits
end
-- `limits`: the states in which the job just reserved its window (nil: it waits again for the
-- window it holds).
local function schedule(key, id, due, limits)
  redis.call('HSET', key, 's', 'scheduled', 'due', due, 'rr', due)
  for _, r in ipairs(limits or NONE_TAKEN) do
    if r.generation then redis.call('HSET', key, r.field, r.generation) end
  end
  restate(qp, id, 'queued', 'scheduled')
  stamp(qp, key, id, 'sch', now)
  -- Put off to its window before it started: a lock held until it starts or until it has run
  -- lasts its TTL past the new due time, as a retry's.
  keepLockUntil(qp, id, redis.call('HGET', key, 'u'), due, nowMs, 'DE')
  onOwn(qp, 'ZADD', KEYS[5], due, id)
  redis.call('PUBLISH', ARGV[7], due)
end
-- Whether the job may start now under its limits; if not, it has been parked until a slot of its
-- concurrency limit frees, or scheduled for its window under its rate limits (no attempt used).
-- Returns the rate windows it took, to give back if the job does not start after all.
local function admit(key, id, lc, lr, rr)
  local limit, name
  if lc then limit, name = parseConcurrency(lc) end
  if name and concurrencyFull(limit, qp .. 'conc:' .. name) then
    -- A reservation is not carried over a wait for a slot: the job is admitted afresh later.
    if rr then settleReservation(qp, key, true) end
    local park = qp .. 'park:' .. name
    typed(park, 'list')
    onOwn(qp, 'RPUSH', park, id)
    onOwn(qp, 'INCR', qp .. 'parked')
    onOwn(qp, 'SADD', qp .. 'parks', name) -- the limits with jobs parked, for a drain to find
    return false
  end
  local taken = NONE_TAKEN
  if rr then
    if int(rr) > nowMs then schedule(key, id, rr); return false end
  elseif queueRate or lr then
    taken = {}
    local limits = rateLimits(lr)
    if #limits > 0 then
      local t = nowMs
      for _, r in ipairs(limits) do t = math.max(t, earliest(r)) end
      for _, r in ipairs(limits) do taken[#taken + 1] = take(r, t) end
      if t > nowMs then schedule(key, id, string.format('%.0f', t), limits); return false end
    end
  end
  if name then onOwn(qp, 'SADD', qp .. 'conc:' .. name, id) end
  return taken
end
-- Gives back rate windows taken by a job that did not start, if no later window was given since.
local function giveBack(taken)
  for _, t in ipairs(taken) do
    local st = redis.call('HMGET', t[1], 'w', 'p')
    if int(st[1]) == t[2] and int(st[2]) == t[3] then redis.call('HINCRBY', t[1], 'c', -1) end
  end
end

local out = {}
local started = {}
-- Serves one popped id: leases it, or puts it where it belongs (parked, scheduled, dead).
local function serve(id)
  local key = prefix .. id
  local number = jobNumber(id) -- once: tonumber is strtod, and this runs for every job
  local job = number and fieldsOf(key, 's', 't', 'a', 'n', 'b', 'rec', 'u', 'bt', 'o', 'sta', 'x', 'lc', 'lr', 'rr')
  if number and (not job or not job[1]) then
    if not wasLeftBehind(qp, id) then buryOrphan(qp, id, now) end
  elseif job and not KNOWN_STATE[job[1]] then
    -- A state that is none of Spool's: the job would be dropped as not ready, and lost.
    buryCorrupt(qp, key, id, job[1], "state 's' is not a state: " .. job[1], now, ARGV[8])
  elseif job and job[1] == 'queued' then
    local what = corruption(job)
    if what then
      buryCorrupt(qp, key, id, 'queued', what, now, ARGV[8])
    elseif job[11] and int(job[11]) <= nowMs then
      expire(key, id, job[11], job[8])
    else
      local taken = admit(key, id, job[12], job[13], job[14])
      local holder = false
      if taken then
        startedHere[id] = true
        holder = ''
        if job[7] then holder = lockAtStart(key, id, job[7]) end
        if not holder then
          -- Not started after all: its slot and rate entries go back.
          freeSlot(qp, id, job[12])
          giveBack(taken)
        end
      end
      if holder then
        -- The first start is stamped in the same write ('sta' keeps the first entry only).
        if job[10] then
          redis.call('HSET', key, 's', 'started', 'w', node)
        else
          redis.call('HSET', key, 's', 'started', 'w', node, 'sta', now)
          bound(qp, id, 'sta', now)
        end
        -- A new attempt starts with no errors: those of the one before are archived already.
        if job[4] ~= '0' then redis.call('HDEL', key, 'er') end
        if job[14] then settleReservation(qp, key, false) end
        started[#started + 1] = id
        out[#out + 1] = id
        out[#out + 1] = job[2]
        out[#out + 1] = job[3]
        out[#out + 1] = job[4]
        out[#out + 1] = job[5] or '0'
        out[#out + 1] = job[9] or ''
        out[#out + 1] = job[6] or ''
        out[#out + 1] = holder
        out[#out + 1] = job[8] or ''
      end
    end
  elseif job then
    wasLeftBehind(qp, id) -- another of Spool's states: no ready job, dropped
  end
end
-- Each id is served under eachGuarded: a job whose step fails goes to the dead set with the
-- error, and the rest are served; if even that fails, its id goes back to the end of the ready
-- list.
eachGuarded(ids, serve, function(id, err)
  -- Its index entry is still 'queued' if it got as far as 'started' (moved after the loop).
  local state = redis.pcall('HGET', prefix .. id, 's')
  local indexed = (state == 'started' or not KNOWN_STATE[state]) and 'queued' or nil
  if not buryFailed(qp, id, 'fetch', err, now, ARGV[8], indexed) then redis.pcall('RPUSH', KEYS[1], id) end
end)
-- The started jobs' index moves and leases, a call per bucket or slice rather than per job.
restateAll(qp, started, 'queued', 'started')
zaddAll(KEYS[3], deadline, started, qp)
-- pcall: a receipt not kept (at maxmemory) only leaves these jobs to their lease, as before.
if receiptKey and #started > 0 then
  redis.pcall('SET', receiptKey, receipt .. '|' .. table.concat(started, ' '), 'PX', 3 * leaseMs)
end
-- More work left: make sure another idle node wakes up to share it. Jobs that avoid a node
-- count; jobs pinned to a node do not (that node has its own wake-up list).
local function othersMayTake()
  if longerThanZero('LLEN', KEYS[1]) or longerThanZero('ZCARD', KEYS[2]) then return true end
  -- AVOID_LOOK names at most (see above).
  for _, avoided in ipairs(avoidedNodes()) do
    if longerThanZero('LLEN', qp .. 'ready:!' .. avoided) then return true end
  end
  return false
end
if #ids == max and not longerThanZero('LLEN', KEYS[4]) and othersMayTake() then
  onOwn(qp, 'RPUSH', KEYS[4], 1)
end
if #ids == max or avoidedUnseen then out[#out + 1] = 'more' end
return out
