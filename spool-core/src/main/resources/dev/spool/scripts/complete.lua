--[[ complete: record the success of jobs a node holds.
  KEYS[1] {q}:active     ZSET    id -> lease deadline (ms)
  KEYS[2] {q}:completed  STRING  count of succeeded jobs
  KEYS[3] {q}:throughput:<minute of now>  HASH  per-minute counters ('succeeded' grows)
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] now (µs)   ARGV[4] expiry (s) of the
  status (the retention plus a grace period; the Pruner deletes it at the retention)
  ARGV[5] "1": keep the statuses of succeeded jobs; "0": delete each job as it succeeds
  ARGV[6..] quadruples: id, attempt, recorded at (µs, as fetch gave it), result JSON ("" = none)
  A job is completed only if this node still holds this attempt of this job (holdsAttempt): its
  lease was not lost, and its number was not given to another job after Redis lost its data.
  Its unique lock, if any (while executing, until executed), is released, and so is its
  concurrency limit's slot (handed to a parked job). A kept job joins
  {q}:finished, the Pruner's list; a deleted one leaves every index at once, and a bucket it
  empties the directory (but the newest, which still takes new jobs). A job's log ('lg': it has
  one) takes the status's expiry, or goes with it. The first write frees
  memory (the leases), so a node records its successes even at maxmemory.
  Clients awaiting outcomes are told: kept jobs by id (they read the status), deleted jobs by a
  JSON array of [id, result] pairs, since no status is left to read.
  A job whose write fails (a cause no check foresaw, a command the user's ACL denies) goes to the
  dead set as "corrupt job: its completion failed: <error>"; the others are completed.
  A job that has succeeded already at this very attempt (state 'succeeded', this node, this attempt
  and recorded time) was recorded by an earlier call for the same outcome: a call that timed out
  on the node while Redis still held it (frozen, or slow) and ran it later. It is counted as
  recorded, and nothing is written again; the node's retry must not read as a lost lease. (Where
  succeeded jobs are deleted, such a job is gone and cannot be told from a deleted one.)
  Returns: number of jobs whose success is recorded, by this call or by such an earlier one ]]
local prefix, node, now, expiry, keep = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5] == '1'
local qp = string.sub(prefix, 1, -5)
local done = 0
local finished = {}
local gone = {}        -- deleted jobs, for the announcement: "[queue:id, result or null]" JSON
-- Deleted jobs leave their job-name index in one call per name and bucket: the keys in order
-- of first use, the ids of each, and each key built once (by name, then bucket) rather than per job.
local nameKeys, namedIds, nameKeyOf = {}, {}, {}
local queue = queueOf(qp)
-- Reads first, then the lease removal: at maxmemory (noeviction) a script's first write must
-- free memory for the later ones to be allowed. The jobs held are kept as parallel lists (ids in
-- `finished`, their results, their fields): no table per job.
local results, fieldsHeld, seen = {}, {}, {}
local again = 0 -- successes an earlier call for the same outcome recorded
for i = 6, #ARGV, 4 do
  local id, attempt, recorded, result = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local job = fieldsOf(prefix .. id, 's', 'w', 'n', 'u', 'suc', 't', 'jn', 'ja', 'bt', 'lc', 'rec', 'lg')
  if seen[id] then
    -- the same job twice in one call: recorded once
  elseif job and holdsAttempt(job, job[11], node, attempt, recorded) then
    seen[id] = true
    finished[#finished + 1] = id
    results[#finished] = result
    fieldsHeld[#finished] = job
  elseif job and job[1] == 'succeeded'
      and holdsAttempt({'started', job[2], job[3]}, job[11], node, attempt, recorded) then
    seen[id] = true
    again = again + 1
  end
end
callEach('ZREM', KEYS[1], finished, qp)
-- Writes the success of the h-th job held.
local function finish(h)
  local id, result, job = finished[h], results[h], fieldsHeld[h]
  local key = prefix .. id
  unlock(qp, key, id, 'WD', job[4])
  if job[10] then freeSlot(qp, id, job[10]) end
  if keep then
    -- One write: state, progress 100 % (as jobba), the first-success stamp unless the job
    -- succeeded before, the result if any. Four forms, rather than a table of fields per job.
    local first = not job[5]
    if first then bound(qp, id, 'suc', now) end
    if result == '' then
      if first then
        redis.call('HSET', key, 's', 'succeeded', 'pg', '1.0', 'suc', now)
      else
        redis.call('HSET', key, 's', 'succeeded', 'pg', '1.0')
      end
    elseif first then
      redis.call('HSET', key, 's', 'succeeded', 'pg', '1.0', 'suc', now, 'r', result)
    else
      redis.call('HSET', key, 's', 'succeeded', 'pg', '1.0', 'r', result)
    end
    redis.call('EXPIRE', key, expiry)
    if job[12] then redis.call('EXPIRE', qp .. 'log:' .. id, expiry) end -- its log lives as long
    return
  end
  -- Argument labels and batch membership are rare: such a job leaves its indexes by itself.
  if job[8] or job[9] then indexLabels(qp, key, id, 'SREM') end
  -- Most jobs return nothing: no JSON to check (a failed decode is dear in Lua). A result is
  -- passed on as its text (see validJson).
  local announced = '[' .. cjson.encode(queue .. ':' .. id) .. ',' ..
    (result ~= '' and validJson(result) or 'null') .. ']'
  redis.call('DEL', key)
  if job[12] then redis.call('DEL', qp .. 'log:' .. id) end
  gone[#gone + 1] = announced
  local name = not (job[8] or job[9]) and (job[7] or job[6])
  if name then
    local byBucket = nameKeyOf[name]
    if not byBucket then byBucket = {}; nameKeyOf[name] = byBucket end
    local bucket = bucketOf(id)
    local nameKey = byBucket[bucket]
    if not nameKey then
      nameKey = qp .. 'ix:n:' .. name .. ':' .. bucket
      byBucket[bucket] = nameKey
      nameKeys[#nameKeys + 1] = nameKey
      namedIds[nameKey] = {}
    end
    local ids = namedIds[nameKey]
    ids[#ids + 1] = id
  end
end
-- The jobs are written under eachGuarded: their leases are gone already, so an error in one
-- job's write would leave it, and every job after it, started with no lease, which no sweep
-- finds. Such a job goes to the dead set with the error instead (its batch part, if any, was
-- counted as done before this call); if even that fails, its lease comes back, expired, for the
-- Reaper. The others are recorded.
local completed = {}
eachGuarded(finished, function(id, h)
  finish(h)
  completed[#completed + 1] = id
end, function(id, err)
  if not buryFailed(qp, id, 'completion', err, now, nil, 'started') then
    redis.pcall('ZADD', KEYS[1], 0, id)
  end
end)
finished = completed
done = #finished
if done > 0 then
  -- State indexes and the Pruner's list: a call per slice or bucket, not per job.
  if keep then
    restateAll(qp, finished, 'started', 'succeeded')
    zaddAll(qp .. 'finished', now, finished, qp)
  else
    local buckets = restateAll(qp, finished, 'started', nil)
    for _, nameKey in ipairs(nameKeys) do callEach('SREM', nameKey, namedIds[nameKey], qp) end
    tidyBelowNewest(qp, buckets, 'started')
  end
  onOwn(qp, 'INCRBY', KEYS[2], done)
  wakeIfLimited(qp)
  countThroughput(qp, KEYS[3], 'succeeded', done)
end
if keep then
  announce(qp, finished)
elseif #gone > 0 then
  local ns = string.match(qp, '^(.*):{.*}:$')
  redis.call('PUBLISH', ns .. ':outcome', '[' .. table.concat(gone, ',') .. ']')
end
return done + again
