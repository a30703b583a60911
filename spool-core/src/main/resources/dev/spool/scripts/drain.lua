--[[ drain: remove up to ARGV[5] waiting jobs of one queue (an operator empties it), ending each
  as cancel does: state 'killed' (kept for the retention, with the error "drained"), its
  until-executing or until-executed lock given back, a batch part reported to its batch as failed.
  Running jobs are not touched. The work of a call is bounded by ARGV[5] ids and ARGV[6] names
  of each kind (pinned, avoided, park lists), never by the length of a list or the history: QueueControl#drain calls again while the
  call says more may be left.
  KEYS[1] {q}:ready    LIST    ids of ready jobs, default priority
  KEYS[2] {q}:prio     ZSET    ids of ready jobs with a priority
  KEYS[3] {q}:pinned   SET     nodes with jobs pinned to them; their lists {q}:ready:@<node> and
                               {q}:ready:~<node> are derived from the queue prefix (same slot)
  KEYS[4] {q}:avoid    SET     nodes that jobs avoid; their lists are {q}:ready:!<node>
  KEYS[5] {q}:parks    SET     concurrency limits with jobs parked; their lists are {q}:park:<name>
  KEYS[6] {q}:parked   STRING  how many jobs wait in all park lists
  KEYS[7] {q}:delayed  ZSET    id -> due time (ms): drained only when ARGV[7] is '1'
  ARGV[1] job key prefix   ARGV[2] now (µs)   ARGV[3] expiry (s) of the drained jobs' statuses
  ARGV[4] type of the internal job that reports a batch part's end: such jobs are Spool's own
  bookkeeping, never drained (they go back to the tail of the ready list, or to the delayed set)
  ARGV[5] max ids taken off the queue's structures this call
  ARGV[6] max names of each set visited this call: pinned and avoided nodes, park lists (a
  per-key limit has one park list per key)
  ARGV[7] '1' to drain scheduled jobs too (delayed ones and those waiting for a retry)
  Order: the ready list, the priority set, pinned lists, avoiding lists, park lists, delayed set.
  Every id taken ends somewhere, even a bad one, as in fetch (ready structures) and stage
  (delayed set): an id that is no job number, or a job in another of Spool's states, is dropped;
  a job whose state is none of Spool's goes to the dead set as corrupt; an id of a ready structure
  whose key is gone or is no hash goes to the dead set as an orphan. A structure whose key holds
  another type is skipped (it holds no job). A job whose step fails for a cause no check
  foresaw goes to the dead set as "corrupt job: its drain failed: <error>". The rest of the
  slice is served.
  Returns: {jobs drained, ids taken, 1 if more may be left (call again), else 0} ]]
local prefix, now, expiry, partDone = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local max, maxParks, withScheduled = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7] == '1'
local qp = string.sub(prefix, 1, -5)
local reason = cjson.encode({type = 'QueueDrained', message = 'drained: removed from queue ' ..
  queueOf(qp) .. ' by an operator before it started'})
local reasons = '[' .. reason .. ']'

local taken = 0
local killed = {queued = {}, scheduled = {}}
local spared, sparedDelayed = {}, {}

-- A job whose step below failed (a cause no check foresaw, a command the ACL denies): taken off
-- its structure already, it would be lost; it goes to the dead set with the error instead, or,
-- if even that fails, back to `back` (the ready list, or the delayed set at its due `score`).
-- `indexed`: the state index that holds it, when not the state its hash says.
local function buryOrPutBack(id, err, back, score, indexed)
  local why = errText(err)
  if buryFailed(qp, id, 'drain', why, now, partDone, indexed) then return end
  if score then redis.pcall('ZADD', back, score, id) else redis.pcall('RPUSH', back, id) end
end

-- One id taken off a ready structure (a list or the priority set).
local classifyReady
local function fromReady(id)
  taken = taken + 1
  if not jobNumber(id) then return end -- no job's id: dropped
  local ok, err = pcall(classifyReady, id)
  if not ok then buryOrPutBack(id, err, KEYS[1]) end
end
classifyReady = function(id)
  local key = prefix .. id
  local job = fieldsOf(key, 's', 't', 'bt')
  if not job or not job[1] then
    if not wasLeftBehind(qp, id) then buryOrphan(qp, id, now, 'a ready list') end
  elseif not KNOWN_STATE[job[1]] then
    buryCorrupt(qp, key, id, job[1], "state 's' is not a state: " .. job[1], now, partDone)
  elseif job[1] == 'queued' then
    if job[2] == partDone then
      spared[#spared + 1] = id
    else
      -- Listed once reported: a job whose report fails is buried, not also ended below.
      reportPartFailed(qp, present(job[3]), partDone, now)
      killed.queued[#killed.queued + 1] = id
    end
  else
    wasLeftBehind(qp, id) -- another of Spool's states: no ready job, dropped (as fetch drops it)
  end
end

-- Pops up to what is left of the slice from a list; true when the list is (now) empty or holds
-- no list (garbage, skipped).
local function drainList(list)
  if taken >= max then return false end
  local ids = redis.pcall('LPOP', list, max - taken)
  if type(ids) ~= 'table' then return true end -- empty (nil)
  if ids.err then return true end
  for _, id in ipairs(ids) do fromReady(id) end
  return taken < max
end

-- One id taken off the delayed set, due at `score`.
local function fromDelayed(id, score)
  local jobKey = prefix .. id
  local job = jobNumber(id) and fieldsOf(jobKey, 's', 't', 'bt') -- no job: only taken off the set
  if job and job[1] and not KNOWN_STATE[job[1]] then
    buryCorrupt(qp, jobKey, id, job[1], "state 's' is not a state: " .. job[1], now, partDone)
  elseif job and job[1] == 'scheduled' then
    if job[2] == partDone then
      sparedDelayed[#sparedDelayed + 1] = score
      sparedDelayed[#sparedDelayed + 1] = id
    else
      reportPartFailed(qp, present(job[3]), partDone, now)
      killed.scheduled[#killed.scheduled + 1] = id
    end
  end
end

local function drainSet(key, from)
  if taken >= max then return end
  local popped = redis.pcall('ZPOPMIN', key, max - taken)
  if popped.err then return end
  for i = 1, #popped, 2 do
    local id = popped[i]
    if from == 'queued' then
      fromReady(id)
    else
      taken = taken + 1
      local ok, err = pcall(fromDelayed, id, popped[i + 1])
      if not ok and jobNumber(id) then buryOrPutBack(id, err, key, popped[i + 1]) end
    end
  end
end

drainList(KEYS[1])
drainSet(KEYS[2], 'queued')
-- Node lists as park lists: a sample of names a call (see nodeNames), the next call visits others.
for _, node in ipairs(nodeNames(KEYS[3], maxParks)) do
  if taken >= max then break end
  local strict = drainList(pinnedList(qp, node, true))
  local loose = drainList(pinnedList(qp, node, false))
  if strict and loose then redis.call('SREM', KEYS[3], node) end -- as route leaves it
end
for _, node in ipairs(nodeNames(KEYS[4], maxParks)) do
  if taken >= max then break end
  if drainList(qp .. 'ready:!' .. node) then redis.call('SREM', KEYS[4], node) end
end
-- Park lists: a per-key limit has one per key, so a few at a time (SRANDMEMBER with a count is
-- O(count)); a list found empty leaves the set, so later calls visit the others.
local parkedTaken, parksVisited = 0, 0
if taken < max then
  local names = redis.pcall('SRANDMEMBER', KEYS[5], maxParks)
  if type(names) == 'table' and not names.err then
    parksVisited = #names
    for _, name in ipairs(names) do
      if taken >= max then break end
      local before = taken
      local empty = drainList(qp .. 'park:' .. name)
      parkedTaken = parkedTaken + taken - before
      if empty then redis.call('SREM', KEYS[5], name) end
    end
  end
end
if parkedTaken > 0 and onOwn(qp, 'DECRBY', KEYS[6], parkedTaken) < 0 then
  redis.call('SET', KEYS[6], 0) -- parked before the count was kept right: never below none
end
if withScheduled then drainSet(KEYS[7], 'scheduled') end

-- The drained jobs end as killed, their index moves a call per bucket (restateAll).
local all = {}
local function endDrained(key, id)
  settleReservation(qp, key, true) -- a window reserved under a rate limit is free again
  redis.call('HSET', key, 's', 'killed', 'e', reason, 'er', reasons)
  stamp(qp, key, id, 'kil', now)
  unlock(qp, key, id, 'ED')
  redis.call('EXPIRE', key, expiry)
  redis.call('EXPIRE', qp .. 'log:' .. id, expiry) -- a log of an earlier attempt goes with it
end
for from, ids in pairs(killed) do
  local ended = {}
  for _, id in ipairs(ids) do
    local ok, err = pcall(endDrained, prefix .. id, id)
    if ok then
      ended[#ended + 1] = id
      all[#all + 1] = id
    else
      -- Its index entry is still `from` (restateAll below); if even the burial fails, it goes
      -- to the ready list, where a fetch drops a job that is not queued.
      buryOrPutBack(id, err, KEYS[1], nil, from)
    end
  end
  restateAll(qp, ended, from, 'killed')
end
zaddAll(qp .. 'finished', now, all, qp)
announce(qp, all)
-- Spool's own bookkeeping goes back: ready at the tail, or delayed as it was.
for _, id in ipairs(spared) do pushReady(qp, prefix .. id, id, false) end
if #sparedDelayed > 0 then onOwn(qp, 'ZADD', KEYS[7], unpack(sparedDelayed)) end

-- Every structure visited was emptied, but node and park lists not visited yet may be left (those
-- visited left their sets, emptied): the next call visits others. Each call empties what it
-- visits or takes a full slice, so the calls end; a call that finds the sets empty says no more.
local function notEmpty(set)
  local n = redis.pcall('SCARD', set)
  return type(n) == 'number' and n > 0
end
local more = 0
if taken >= max or notEmpty(KEYS[3]) or notEmpty(KEYS[4]) or (parksVisited > 0 and notEmpty(KEYS[5])) then
  more = 1
end
return {#all, taken, more}
