--[[ lib: helpers prepended to every script (one source of truth for the status indexes and
  the unique locks). Every key they build is under the queue prefix "<ns>:{q}:", so a script
  still touches one Cluster slot.
  Status indexes: job numbers are grouped in buckets of 512 consecutive numbers; each bucket of
  each index is a SET of integers, which Redis keeps as a compact intset.
    {q}:ix:s:<state>:<bucket>  jobs in a state      {q}:ix:n:<name>:<bucket>  jobs by job name
    {q}:ix:a:<value>:<bucket>  jobs by job argument {q}:ix:t:<bucket>  HASH timestamp bounds:
                                                    '<ts>0' lowest, '<ts>1' highest (µs) ]]
local BUCKET = 512

local function bucketOf(id)
  return math.floor(tonumber(id) / BUCKET)
end

local function stateKey(qp, state, id)
  return qp .. 'ix:s:' .. state .. ':' .. bucketOf(id)
end

-- Moves a job from one state index to another (either may be nil).
local function restate(qp, id, from, to)
  if from then redis.call('SREM', stateKey(qp, from, id), id) end
  if to then redis.call('SADD', stateKey(qp, to, id), id) end
end

-- Widens the bucket's bounds of timestamp field `ts` to include `now` (µs, a string). Within
-- one script call `now` does not change, so each bucket and field is widened once.
local widened = {}
local function bound(qp, id, ts, now)
  local key = qp .. 'ix:t:' .. bucketOf(id)
  local memo = key .. ts .. now
  if widened[memo] then return end
  widened[memo] = true
  local b = redis.call('HMGET', key, ts .. '0', ts .. '1')
  local n = tonumber(now)
  if not b[1] or n < tonumber(b[1]) then redis.call('HSET', key, ts .. '0', now) end
  if not b[2] or n > tonumber(b[2]) then redis.call('HSET', key, ts .. '1', now) end
end

-- Records the first entry into a state's timestamp field and widens the bucket bounds.
local function stamp(qp, key, id, ts, now)
  if redis.call('HSETNX', key, ts, now) == 1 then bound(qp, id, ts, now) end
end

-- Adds or removes (op 'SADD' / 'SREM') a job in its job-name, job-argument and batch indexes.
local function indexLabels(qp, key, id, op)
  local b = bucketOf(id)
  local label = redis.call('HMGET', key, 'jn', 't', 'ja', 'bt')
  local name = label[1] or label[2]
  if name then redis.call(op, qp .. 'ix:n:' .. name .. ':' .. b, id) end
  if label[3] then
    for _, value in pairs(cjson.decode(label[3])) do
      redis.call(op, qp .. 'ix:a:' .. tostring(value) .. ':' .. b, id)
    end
  end
  if label[4] then
    redis.call(op, qp .. 'ix:b:' .. string.match(label[4], '^[^|]*|([^|]*)|') .. ':' .. b, id)
  end
end

-- A field read with HMGET, or nil when absent (HMGET gives false, which JSON would keep).
local function present(v)
  if v == false then return nil end
  return v
end

-- A list for cjson.encode: nil when empty, since cjson writes an empty table as {} not [].
local function nonEmpty(list)
  if list == nil or #list == 0 then return nil end
  return list
end

-- Wakes a node blocked on a signal list, unless a token is waiting there already.
local function signal(key)
  if redis.call('LLEN', key) == 0 then redis.call('RPUSH', key, 1) end
end

-- Makes a job ready, in the structure its fields ask for: the list of the node it is pinned to
-- ('an'), the list of jobs that avoid a node ('ax'), the priority set ('p'), or the plain list;
-- at the head (`front`, for jobs handed back or recovered) or the tail. Wakes who may take it.
local function pushReady(qp, key, id, front)
  local f = redis.call('HMGET', key, 'p', 'an', 'ax')
  local list
  if f[2] then
    list = qp .. 'ready:@' .. f[2]
    redis.call('SADD', qp .. 'pinned', f[2])
  elseif f[3] then
    list = qp .. 'ready:!' .. f[3]
    redis.call('SADD', qp .. 'avoid', f[3])
  elseif f[1] then
    redis.call('ZADD', qp .. 'prio', string.format('%.0f', -tonumber(f[1]) * 4398046511104 + tonumber(id)), id)
    signal(qp .. 'signal')
    return
  else
    list = qp .. 'ready'
  end
  redis.call(front and 'LPUSH' or 'RPUSH', list, id)
  signal(f[2] and (qp .. 'signal:@' .. f[2]) or (qp .. 'signal'))
end

-- Takes a ready job out of whichever ready structure holds it; true if it was there.
local function unready(qp, key, id)
  local f = redis.call('HMGET', key, 'p', 'an', 'ax')
  if redis.call('ZREM', qp .. 'prio', id) == 1 then return true end
  local list = f[2] and (qp .. 'ready:@' .. f[2]) or f[3] and (qp .. 'ready:!' .. f[3]) or (qp .. 'ready')
  return redis.call('LREM', list, 1, id) == 1
end

-- Creates a ready job of default priority in the queue of `qp` (used for batch callbacks).
-- KEYS-free: the queue's seq, ready and signal keys are derived from qp, in the same slot.
local function createJob(qp, type, args, now, options)
  local id = redis.call('INCR', qp .. 'seq')
  local key = qp .. 'job:' .. id
  redis.call('HSET', key, 't', type, 'a', args, 's', 'queued', 'n', 0, 'rec', now, 'que', now)
  if options and options ~= '' then redis.call('HSET', key, 'o', options) end
  restate(qp, id, nil, 'queued')
  bound(qp, id, 'rec', now)
  bound(qp, id, 'que', now)
  redis.call('SADD', qp .. 'ix:n:' .. type .. ':' .. bucketOf(id), id)
  pushReady(qp, key, id, false)
  return id
end

-- Deletes a job's hash and every index entry of it.
local function forget(qp, key, id)
  local state = redis.call('HGET', key, 's')
  if not state then return 0 end
  restate(qp, id, state, nil)
  indexLabels(qp, key, id, 'SREM')
  redis.call('DEL', key)
  return 1
end

-- Announces that jobs of the queue of `qp` reached a final state (succeeded, failed for good,
-- killed), for clients awaiting their outcome: one message, "queue:number" ids separated by
-- spaces, on the channel "<ns>:outcome".
local function announce(qp, ids)
  if #ids == 0 then return end
  local ns, queue = string.match(qp, '^(.*):{(.*)}:$')
  local named = {}
  for i, id in ipairs(ids) do named[i] = queue .. ':' .. id end
  redis.call('PUBLISH', ns .. ':outcome', table.concat(named, ' '))
end

-- Releases the job's unique lock if its kind is one of `kinds` and the job still owns it.
-- `u` is the job's 'u' field when the caller read it already (false: the job has none).
local function unlock(qp, key, id, kinds, u)
  if u == nil then u = redis.call('HGET', key, 'u') end
  if u then
    local kind, digest = string.match(u, '^(%a)|.*|(%x+)$')
    if string.find(kinds, kind, 1, true) then
      local lockKey = qp .. 'lock:' .. digest
      if redis.call('GET', lockKey) == tostring(id) then redis.call('DEL', lockKey) end
    end
  end
end

-- Ends a job as killed: its state, index entry and timestamp, the unique lock kinds it gives
-- back (nil: none), its expiry, and the announcement to clients awaiting its outcome.
local function endKilled(qp, key, id, from, now, expiry, kinds)
  redis.call('HSET', key, 's', 'killed')
  restate(qp, id, from, 'killed')
  stamp(qp, key, id, 'kil', now)
  if kinds then unlock(qp, key, id, kinds) end
  redis.call('EXPIRE', key, expiry)
  announce(qp, {id})
end
