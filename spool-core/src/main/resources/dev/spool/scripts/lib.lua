--[[ lib: helpers prepended to every script (one source of truth for the status indexes and
  the unique locks). Every key they build is under the queue prefix "<ns>:{q}:", so a script
  still touches one Cluster slot.
  Status indexes: job numbers are grouped in buckets of 512 consecutive numbers; each bucket of
  each index is a SET of integers, which Redis keeps as a compact intset.
    {q}:ix:s:<state>:<bucket>  jobs in a state      {q}:ix:n:<name>:<bucket>  jobs by job name
    {q}:ix:a:<value>:<bucket>  jobs by job argument {q}:ix:t:<bucket>  HASH timestamp bounds:
                                                    '<ts>0' lowest, '<ts>1' highest (µs);
                                                    'd' = 1: the bucket is in the directory
  The directory {q}:ix:dir (ZSET, bucket -> bucket) holds the buckets that hold statuses, so a
  query visits those, not every bucket number from the sequence down to 0 (a history of 50 M
  jobs is 100 000 buckets). A bucket joins when a status first stamps a time in it (bound) and
  leaves when its last status goes (tidy). It is trusted for the buckets at or above
  {q}:ix:dir:low (STRING): 0 for a queue whose first job this version made; for a queue from
  before the directory, the sweep (index-sweep.lua, a maintenance duty) lowers it as it checks the old
  buckets, and queries walk the ones below it one by one, as they always did. ]]
local BUCKET = 512
-- Per-minute throughput counters outlive the hour a dashboard shows by another hour.
local THROUGHPUT_SECONDS = 7200
local FINISHED_STATES = {succeeded = true, failed = true, killed = true}

-- Safe parsing. A field written by hand, by another tool or by a bug must never make a script
-- raise an error halfway through (what it wrote before the error would stay, the rest would
-- not): scripts read and check with these first, then write.

-- The text of an error a pcall caught: a Redis error reply is a table {err = text}, a Lua error a
-- string.
local function errText(e)
  return type(e) == 'table' and e.err or tostring(e)
end

-- An integer from a stored string, or nil when absent or not an integer.
local function int(v)
  if type(v) ~= 'string' or not string.match(v, '^%-?%d+$') then return nil end
  return tonumber(v)
end

-- The refusal of a parts-counting state hash (a batch's, a distributed job's) written behind
-- Spool's back: a key of another type, or a 'total' that is no integer, would fail HINCRBY after
-- the parts were added, never counted nor closed. Read before the first write; nil when sound.
local function corruptTotalError(key, what)
  local kind = redis.call('TYPE', key).ok
  local total = kind == 'hash' and redis.call('HGET', key, 'total')
  -- As HINCRBY reads an integer: no leading zero, no more digits than a long holds safely.
  local counts = not total or ((total == '0' or string.match(total, '^[1-9]%d*$')) and #total <= 18)
  if (kind == 'none' or kind == 'hash') and counts then return nil end
  return redis.error_reply('ERR the state of ' .. what .. ' ' .. key .. ' is ' ..
    (kind ~= 'hash' and 'not a hash' or ('corrupt (total "' .. total .. '")')) ..
    ' (written behind Spool\'s back): no part was added')
end

-- A job number from an id as stored (a list or set member, a lock holder): 1 to 14 digits, no
-- leading zero ("007" would name another key than job 7), or nil. Lua numbers are doubles,
-- written back with 14 significant digits ("1.7e+15"), so a longer id could not name its job's
-- key again; 10^14 numbers outlast any queue.
local function jobNumber(v)
  if type(v) ~= 'string' or not string.match(v, '^[1-9]%d*$') or #v > 14 then return nil end
  return tonumber(v)
end

-- Moves a key of the wrong type found where Spool keeps its own (garbage written behind its
-- back) to <qp>corrupt:<what> for 7 days, for an operator to look at, and frees its place.
local function setAside(qp, key, what)
  local aside = qp .. 'corrupt:' .. what
  redis.call('RENAME', key, aside)
  redis.call('EXPIRE', aside, 604800)
  return aside
end

-- Runs a command on one of the queue's own keys (a status index, list, set or counter). A key of
-- another type there (garbage) is set aside as <qp>corrupt:<the key's name in the queue> and the
-- command runs again on a fresh key: no script fails halfway through its writes because of it,
-- which would lose a job taken off its list before. Any other error is raised as redis.call would.
-- A counter holding a value that is no integer (ERR … not an integer) is garbage the same way.
local function isGarbage(err)
  return string.find(err, 'WRONGTYPE', 1, true) or string.find(err, 'not an integer', 1, true)
end
local function onOwn(qp, cmd, key, ...)
  local r = redis.pcall(cmd, key, ...)
  if type(r) == 'table' and r.err then
    -- Any other error is raised by running the command again with redis.call (the first try
    -- changed nothing): the client then gets Redis's own error (READONLY, OOM…), not one
    -- rewritten as the script's, on every Redis version.
    if isGarbage(r.err) then setAside(qp, key, string.sub(key, #qp + 1)) end
    return redis.call(cmd, key, ...)
  end
  return r
end

-- The lines ever added to a job's log, as its status counts them ('lg', job-log): never fewer
-- than the log keeps (a log from before the count is marked '1'); a garbage count reads as none.
local function logLinesAdded(statusKey, logKey)
  local n = nil
  if redis.call('TYPE', statusKey).ok == 'hash' then n = tonumber(redis.call('HGET', statusKey, 'lg')) end
  if n == nil or n ~= n or n < 0 or n > 9007199254740991 then n = 0 end
  local kept = 0
  if redis.call('TYPE', logKey).ok == 'list' then kept = redis.call('LLEN', logKey) end
  return math.max(math.floor(n), kept)
end

-- A decoded JSON value, or nil when absent or not valid JSON.
local function decodeJson(v)
  if type(v) ~= 'string' then return nil end
  local ok, value = pcall(cjson.decode, v)
  if ok then return value end
  return nil
end

-- Stored JSON that Spool writes on (data, results, errors, archives) is spliced in as its text,
-- never decoded and encoded again: Lua's cjson keeps 14 significant digits (an id of
-- 1234567890123456789 would come back as 1.2345678901235e+18), and a number beyond a double's
-- range decodes to inf, which it refuses to encode, failing the script after its first writes.

-- `v` when it is valid JSON text, else nil.
local function validJson(v)
  if type(v) == 'string' and pcall(cjson.decode, v) then return v end
  return nil
end

-- The text of a stored JSON list up to its closing bracket ("[a,b" of "[a,b]"), or nil when `v`
-- is missing or no JSON list.
local function openList(v)
  if type(v) ~= 'string' then return nil end
  local ok, value = pcall(cjson.decode, v)
  if not (ok and type(value) == 'table') then return nil end
  return string.match(v, '^%s*(%[.*)%]%s*$')
end

-- The open text of a JSON list ("[a,b" of "[a,b]") closed with `entry` (JSON text) appended.
local function closeWith(head, entry)
  if string.match(head, '^%[%s*$') then return head .. entry .. ']' end
  return head .. ',' .. entry .. ']'
end

-- A stored JSON list (errors, previous attempts) with `entry` (JSON text) appended; a missing or
-- corrupt list starts afresh, so a bad history is replaced rather than fatal.
local function appendJson(list, entry)
  local head = openList(list)
  if not head then return '[' .. entry .. ']' end
  return closeWith(head, entry)
end

-- The position of the comma that ends the value of a JSON list's text (valid JSON) starting after
-- position `from` (its '[', or the comma before that value), or nil when it is the last value: a
-- walk over that value only.
local function endOfValue(s, from)
  local depth, i = 0, from + 1
  while true do
    local p, _, c = string.find(s, '([%[%]{}",])', i)
    if not p then return nil end
    i = p + 1
    if c == '"' then
      -- Past the string: to the next quote that no backslash escapes.
      while true do
        local q, _, d = string.find(s, '(["\\])', i)
        if not q then return nil end
        if d == '"' then i = q + 1; break end
        i = q + 2
      end
    elseif c == '[' or c == '{' then
      depth = depth + 1
    elseif c == ']' or c == '}' then
      if depth == 0 then return nil end
      depth = depth - 1
    elseif depth == 0 then
      return p
    end
  end
end

-- As appendJson, keeping only the latest `max` entries: the oldest go as their text, one walk over
-- the values cut, then one cut (a cut per value would copy the rest of the list each time). A
-- list that grows with every call (errors, previous attempts) must not make each call cost more
-- than the last, nor the status grow without end.
local function appendLatest(list, entry, max)
  -- One decode: it both validates the list (as openList does) and counts its entries.
  local ok, decoded = pcall(cjson.decode, list or '')
  local head = ok and type(decoded) == 'table' and string.match(list, '^%s*(%[.*)%]%s*$')
  if not head then return '[' .. entry .. ']' end
  if #decoded >= max then
    local cut = 1 -- the '[' that head starts with
    for _ = 1, #decoded - max + 1 do
      local comma = endOfValue(head, cut)
      if not comma then break end
      cut = comma
    end
    head = '[' .. string.sub(head, cut + 1)
  end
  return closeWith(head, entry)
end

-- The previous attempts a status keeps ('pa'), the latest: hand-backs, recoveries and retries by
-- hand may restart a job any number of times.
local MAX_ATTEMPTS_KEPT = 50

-- A stored JSON list with at least one entry, as stored; nil when missing, empty or corrupt.
local function storedList(v)
  local head = openList(v)
  if not head or string.match(head, '^%[%s*$') then return nil end
  return v
end

-- HMGET of a job's fields, or nil when the key holds something other than a hash.
local function fieldsOf(key, ...)
  local r = redis.pcall('HMGET', key, ...)
  if r.err then return nil end
  return r
end

-- Whether a node still holds this attempt of this job. `job` holds the fields 's', 'w', 'n' first;
-- `stored` is the job's 'rec' (when it was recorded, µs) and `recorded` the 'rec' the node was
-- given at fetch (0 when missing). A job number alone is not enough: after Redis lost its data,
-- numbers are given out again from 1, and a node still running the old job would record that
-- run's outcome as the new job's. The recorded time tells the two apart.
-- Strings are compared first (the node sends them as fetch returned them: the usual case), then
-- numbers, for a field written by hand as "007" that the node read as 7.
local function holdsAttempt(job, stored, node, attempt, recorded)
  if not (job and job[1] == 'started' and job[2] == node) then return false end
  if job[3] ~= attempt and int(job[3]) ~= tonumber(attempt) then return false end
  return stored == recorded or (int(stored) or 0) == tonumber(recorded)
end

-- Whether a write by a handler may land in the status at `key`: a node of '' (a write by hand,
-- JobStatus) writes to any status; a node's write, only while it holds that attempt of that job.
local function writableBy(key, node, attempt, recorded)
  if node == '' then return true end
  local job = fieldsOf(key, 's', 'w', 'n', 'rec')
  return holdsAttempt(job, job and job[4], node, attempt, recorded)
end

-- Names from a set of node names ({q}:pinned, {q}:avoid): one per name with such jobs waiting,
-- a name leaving when its lists empty. Not small by construction: avoided names come from the
-- jobs' options, and strict jobs pinned to a node that never returns (pod names under
-- autoscaling) keep its name. So a call visits `count` of them at most, a random sample
-- (SRANDMEMBER with a count is O(count)), and its caller lets later calls visit the others; all
-- of them only where the call's answer must count every one (counts). A key of another type
-- holds none.
local function nodeNames(key, count)
  local m = count and redis.pcall('SRANDMEMBER', key, count) or redis.pcall('SMEMBERS', key)
  if type(m) ~= 'table' or m.err then return {} end
  return m
end

-- The names of the unique lock kinds, by the letter a lock spec starts with.
local LOCK_KINDS = {E = 'until-executing', W = 'while-executing', D = 'until-executed'}

-- The queue name of a queue prefix "<ns>:{<queue>}:".
local function queueOf(qp)
  return string.match(qp, '{(.*)}:$')
end

-- A unique lock spec 'kind|conflict|ttlMs|rescheduleMs|digest': its five parts, or nil. Times
-- have at most 13 digits (Spool allows 100 years, 3.2e12 ms): Lua writes a longer number in
-- exponent form, which Redis refuses as a TTL, an error after the caller's first writes.
local function parseLock(u)
  if type(u) ~= 'string' then return nil end
  local kind, conflict, ttl, resched, digest = string.match(u, '^(%a)|(%a+)|(%d+)|(%d+)|(%x+)$')
  if not kind or #ttl > 13 or #resched > 13 then return nil end
  return kind, conflict, ttl, resched, digest
end

-- Redis's own clock in ms. Lease deadlines are Redis-time only, so clocks of the nodes may drift
-- without one node reaping another's healthy jobs (fine with effects replication, Redis >= 5).
local function serverMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- At maxmemory (noeviction) Redis refuses a script's first write that may grow memory, but lets
-- freeing writes (LPOP, ZREM, DEL) through and, after one, every later write of the call. A
-- script that must not act at maxmemory (taking new work, reaping leases that could not be
-- renewed) calls this before its first write: a SET ... XX of a key that never exists changes
-- nothing, yet is checked like any growing write, so the call is refused before it starts.
local function refuseAtMaxmemory(qp)
  redis.call('SET', qp .. 'maxmemory-guard', '', 'XX')
end

local function bucketOf(id)
  return math.floor(tonumber(id) / BUCKET)
end

-- The state index keys of bucket b: a bucket holds statuses while any of them exists.
local STATES = {'unqueued', 'scheduled', 'queued', 'started', 'succeeded', 'failed', 'killed'}
local function stateKeysOf(qp, b)
  local keys = {}
  for i, state in ipairs(STATES) do keys[i] = qp .. 'ix:s:' .. state .. ':' .. b end
  return keys
end

-- Adds buckets (numbers) to the directory. A key of another type there (garbage written behind
-- Spool's back) is set aside; the directory then starts afresh, untrusted until the Pruner's
-- sweep has checked every bucket again. Returns true when it started afresh. Any other error
-- (Redis at maxmemory) is raised, as by redis.call.
local function enlist(qp, buckets)
  local key = qp .. 'ix:dir'
  local args = {}
  for _, b in ipairs(buckets) do args[#args + 1] = b; args[#args + 1] = b end
  if #args == 0 then return false end
  local r = redis.pcall('ZADD', key, unpack(args))
  local afresh = type(r) == 'table' and r.err ~= nil and string.find(r.err, 'WRONGTYPE', 1, true) ~= nil
  if afresh then
    setAside(qp, key, 'ix:dir')
    redis.call('DEL', qp .. 'ix:dir:low', qp .. 'ix:dir:scan', qp .. 'ix:dir:swept')
  end
  if type(r) == 'table' and r.err then redis.call('ZADD', key, unpack(args)) end
  return afresh
end

-- What bound() has widened in this script call, by queue, timestamp field and bucket: the time
-- it widened to (bound()).
local widened = {}

-- The buckets this call listed or found listed, by queue (listBucket, ensureListed).
local listedMemo = {}

-- Takes bucket b off the directory when no status is left in it, with its timestamp bounds
-- (and the flag that says it is listed): the next status made in it lists it again, even later
-- in this call (bound() forgets what it widened there).
local function tidy(qp, b)
  if redis.call('EXISTS', unpack(stateKeysOf(qp, b))) > 0 then return false end
  redis.pcall('ZREM', qp .. 'ix:dir', b)
  redis.call('DEL', qp .. 'ix:t:' .. b)
  for _, memo in pairs(widened[qp] or {}) do memo[b] = nil end
  if listedMemo[qp] then listedMemo[qp][b] = nil end
  return true
end

-- Lists bucket b (the caller writes its flag 'd'). The bucket before it stops being the newest:
-- if jobs deleted as they succeeded emptied it while it was (tidyBelowNewest spares the newest),
-- it leaves the directory now.
local function listBucket(qp, b)
  enlist(qp, {b})
  -- The newest bucket ever listed, never lowered (tidy takes buckets off the directory): what a
  -- sequence of garbage is mended from (seqRefusal), when the directory itself is not whole.
  local top = redis.pcall('GET', qp .. 'ix:dir:top')
  if not int(top) or b > int(top) then redis.call('SET', qp .. 'ix:dir:top', b) end
  local memo = listedMemo[qp]
  if not memo then memo = {}; listedMemo[qp] = memo end
  memo[b] = true
  if b > 0 then tidy(qp, b - 1) end
end

-- Lists bucket b unless its flag says it is, once per call: for a status entering a state index
-- from none, or from a state that is no state (garbage), where no bound() may list its bucket.
local function ensureListed(qp, b)
  if listedMemo[qp] and listedMemo[qp][b] then return end
  local key = qp .. 'ix:t:' .. b
  local flag = onOwn(qp, 'HGET', key, 'd')
  if flag == '1' then
    listedMemo[qp] = listedMemo[qp] or {}
    listedMemo[qp][b] = true
  else
    listBucket(qp, b) -- remembers it too
    redis.call('HSET', key, 'd', '1')
  end
end

-- The buckets statuses left by forget() in this call, for tidyForgotten(): a bucket may empty
-- only with the last of them, so it is checked once, at the end.
local forgotten = {}

-- Tidies the buckets forget() took statuses out of (call it once a script forgot its last).
local function tidyForgotten(qp)
  for b in pairs(forgotten[qp] or {}) do tidy(qp, b) end
  forgotten[qp] = nil
end

-- Tidies the buckets of jobs deleted as they ended, but the newest bucket, which still takes
-- new jobs: emptied between two of them, it would leave the directory and join it again for each.
-- (It is tidied when the next bucket is listed: listBucket.)
-- `buckets` are those the jobs left state `from` in (restateAll's answer): a bucket may have
-- emptied only if that state's index of it did, which one key tells, before the seven of tidy.
local function tidyBelowNewest(qp, buckets, from)
  local newest = bucketOf(int(redis.pcall('GET', qp .. 'seq')) or 0)
  for _, b in ipairs(buckets) do
    if b < newest and redis.call('EXISTS', qp .. 'ix:s:' .. from .. ':' .. b) == 0 then
      tidy(qp, b)
    end
  end
end

-- Called with the first number a call took from the queue's sequence: at 1 the queue is new,
-- every status it will hold is made by this version, so the directory is trusted from bucket 0.
local function newQueue(qp, first)
  if first == 1 then redis.call('SET', qp .. 'ix:dir:low', '0') end
end

local function stateKey(qp, state, id)
  return qp .. 'ix:s:' .. state .. ':' .. bucketOf(id)
end

-- Moves a job from one state index to another (either may be nil).
-- Leaving a finished state takes the job off the Pruner's list ({q}:finished).
local KNOWN_STATE = {}
for _, state in ipairs(STATES) do KNOWN_STATE[state] = true end
local function restate(qp, id, from, to)
  if from then onOwn(qp, 'SREM', stateKey(qp, from, id), id) end
  if to then
    onOwn(qp, 'SADD', stateKey(qp, to, id), id)
    if not KNOWN_STATE[from] then ensureListed(qp, bucketOf(id)) end
  end
  if from and FINISHED_STATES[from] then onOwn(qp, 'ZREM', qp .. 'finished', id) end
end

-- Calls a variadic command (SADD, SREM, ZREM, ...) on `key` with `items`, 500 at a time: one
-- call per slice instead of one per job, and never more arguments than Lua's stack allows. The
-- slice is even, so score/member pairs (ZADD) stay together.
-- With `qp`, the key is one of the queue's own (onOwn).
local function callEach(cmd, key, items, qp)
  for i = 1, #items, 500 do
    local last = math.min(i + 499, #items)
    if qp then
      onOwn(qp, cmd, key, unpack(items, i, last))
    else
      redis.call(cmd, key, unpack(items, i, last))
    end
  end
end

-- Groups ids by keyOf(id), keeping the order in which keys first appear: returns the keys and a
-- table key -> ids.
local function groupBy(ids, keyOf)
  local groups, order = {}, {}
  for _, id in ipairs(ids) do
    local k = keyOf(id)
    if not groups[k] then
      groups[k] = {}
      order[#order + 1] = k
    end
    table.insert(groups[k], id)
  end
  return order, groups
end

-- restate() for many jobs that leave and enter the same states: ids of one bucket are grouped
-- (a batch's ids are mostly consecutive), so the indexes cost a call per bucket, not per job.
-- Returns the buckets, in order of first appearance.
local function restateAll(qp, ids, from, to)
  local buckets, byBucket = groupBy(ids, bucketOf)
  for _, b in ipairs(buckets) do
    if from then callEach('SREM', qp .. 'ix:s:' .. from .. ':' .. b, byBucket[b], qp) end
    if to then callEach('SADD', qp .. 'ix:s:' .. to .. ':' .. b, byBucket[b], qp) end
  end
  if from and FINISHED_STATES[from] then callEach('ZREM', qp .. 'finished', ids, qp) end
  return buckets
end

-- ZADD of many ids with one score, a call per slice. A number is turned into a string once
-- (as Redis 7.0 would, "%.17g"; the same digits for the integers given here) rather than by
-- Redis for every id.
local function zaddAll(key, score, ids, qp)
  if type(score) == 'number' then score = string.format('%.17g', score) end
  local args = {}
  for _, id in ipairs(ids) do
    args[#args + 1] = score
    args[#args + 1] = id
  end
  callEach('ZADD', key, args, qp)
end

-- Puts a job that reached a final state outside the dead set on the Pruner's list
-- {q}:finished, scored by its end (µs): the Pruner takes the oldest in O(batch · log N). Failed
-- jobs in the dead set are not on it: the dead set's own bounds delete them.
local function finish(qp, id, now)
  onOwn(qp, 'ZADD', qp .. 'finished', now, id)
end

-- Whether field `ts` of a bucket is yet to be widened to `now` in this call; marks it done.
-- The memo is keyed by the bucket's number, not its key: Lua turns a number into a string with
-- sprintf, and this runs for every job a call starts or ends.
local function toWiden(qp, bucket, ts, now)
  local byQueue = widened[qp]
  if not byQueue then byQueue = {}; widened[qp] = byQueue end
  local memo = byQueue[ts]
  if not memo then memo = {}; byQueue[ts] = memo end
  if memo[bucket] == now then return false end
  memo[bucket] = now
  return true
end

-- Adds to `set` the field/value pairs that widen field `ts`'s bounds (read: low, high) to `n`.
local function widen(set, ts, now, n, low, high)
  low, high = tonumber(low), tonumber(high)
  if not low or n < low then set[#set + 1] = ts .. '0'; set[#set + 1] = now end
  if not high or n > high then set[#set + 1] = ts .. '1'; set[#set + 1] = now end
end

-- Widens the bucket's bounds of timestamp field `ts`, and of `ts2` if given, to include `now`
-- (µs, a string): one read and at most one write for both. Within one script call `now` does not
-- change, so each bucket and field is widened once.
local function bound(qp, id, ts, now, ts2)
  local bucket = bucketOf(id)
  local first = toWiden(qp, bucket, ts, now)
  local second = ts2 ~= nil and toWiden(qp, bucket, ts2, now)
  if not first then
    if not second then return end
    ts, ts2 = ts2, nil
  elseif not second then
    ts2 = nil
  end
  local key = qp .. 'ix:t:' .. bucket
  local b
  if ts2 then
    b = onOwn(qp, 'HMGET', key, ts .. '0', ts .. '1', 'd', ts2 .. '0', ts2 .. '1')
  else
    b = onOwn(qp, 'HMGET', key, ts .. '0', ts .. '1', 'd')
  end
  local n = tonumber(now)
  local set = {}
  widen(set, ts, now, n, b[1], b[2])
  if ts2 then widen(set, ts2, now, n, b[4], b[5]) end
  -- A status stamps a time in its bucket when it is made, so the flag costs no extra read. It
  -- is set only with the listing, and goes with the bucket's bounds when it is unlisted.
  if not b[3] then
    listBucket(qp, bucket)
    set[#set + 1] = 'd'; set[#set + 1] = '1'
  end
  if #set > 0 then redis.call('HSET', key, unpack(set)) end
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
  if name then onOwn(qp, op, qp .. 'ix:n:' .. name .. ':' .. b, id) end
  local args = decodeJson(label[3])
  if type(args) == 'table' then
    for _, value in pairs(args) do
      onOwn(qp, op, qp .. 'ix:a:' .. tostring(value) .. ':' .. b, id)
    end
  end
  local token = label[4] and string.match(label[4], '^[^|]*|([^|]*)|')
  if token then onOwn(qp, op, qp .. 'ix:b:' .. token .. ':' .. b, id) end
end

-- A field read with HMGET, or nil when absent (HMGET gives false, which JSON would keep).
local function present(v)
  if v == false then return nil end
  return v
end

-- The data ('da') a status saved during an attempt, for that attempt's archive entry, as JSON
-- text: as stored, or its text as a JSON string when it is no JSON; nil when there is none.
local function archivedData(v)
  if type(v) ~= 'string' then return nil end
  return validJson(v) or cjson.encode(v)
end

-- One attempt's entry of the archive of previous attempts ('pa'), as JSON text: `fields` (Spool's
-- own values) encoded, then the attempt's errors and data spliced in as stored (JSON text; nil
-- for none).
local function attemptEntry(fields, errors, data)
  local entry = cjson.encode(fields)
  local more = ''
  if errors then more = ',"errors":' .. errors end
  if data then more = more .. ',"data":' .. data end
  return string.sub(entry, 1, -2) .. more .. '}'
end

-- Wakes a node blocked on a signal list, unless a token is waiting there already.
local function signal(qp, key)
  if onOwn(qp, 'LLEN', key) == 0 then redis.call('RPUSH', key, 1) end
end

-- The ready list of a job pinned to a node: strictly pinned jobs ('as') wait for that node
-- alone in {q}:ready:@<node>; the others in {q}:ready:~<node>, which the node reads after its
-- strict list and which routing hands to every node, a slice at a time, when the node is dead
-- or saturated. Two lists keep that release O(slice), never a scan of the strict jobs.
local function pinnedList(qp, node, strict)
  return qp .. (strict and 'ready:@' or 'ready:~') .. node
end

-- Makes a job ready, in the structure its fields ask for: a list of the node it is pinned to
-- ('an', 'as'), the list of jobs that avoid a node ('ax'), the priority set ('p'), or the plain
-- list; at the head (`front`, for jobs handed back or recovered) or the tail. Wakes who may
-- take it. A priority that is not a number counts as none.
local function pushReady(qp, key, id, front)
  local f = redis.call('HMGET', key, 'p', 'an', 'ax', 'as')
  local list
  if f[2] then
    list = pinnedList(qp, f[2], f[4] == '1')
    onOwn(qp, 'SADD', qp .. 'pinned', f[2])
  elseif f[3] then
    list = qp .. 'ready:!' .. f[3]
    onOwn(qp, 'SADD', qp .. 'avoid', f[3])
  elseif int(f[1]) then
    onOwn(qp, 'ZADD', qp .. 'prio', string.format('%.0f', -int(f[1]) * 4398046511104 + tonumber(id)), id)
    signal(qp, qp .. 'signal')
    return
  else
    list = qp .. 'ready'
  end
  onOwn(qp, front and 'LPUSH' or 'RPUSH', list, id)
  signal(qp, f[2] and (qp .. 'signal:@' .. f[2]) or (qp .. 'signal'))
end

-- Concurrency limits per job type or key (docs/flow-control.md). A limited job carries
-- 'lc' = "<max>|<name>": while it runs, its number is in the SET {q}:conc:<name>; a job fetched
-- over the limit waits in the LIST {q}:park:<name> (counted in {q}:parked) until a slot frees.
-- The SET {q}:parks names the limits with jobs parked (so that a drain finds their lists); a name
-- leaves when its list empties (here, or in drain), and is added again while it has jobs left.
local function parseConcurrency(lc)
  local max, name = string.match(lc or '', '^(%d+)|(.+)$')
  return tonumber(max), name
end

-- Rate-limit reservations (fetch.lua's admit). A job over a rate limit is scheduled for the first
-- window with room: its 'rr' is that time (ms). Each limit's HASH {q}:rate:<name> counts in 'r'
-- the reservations it gave that have neither started nor been given back, under a generation 'g'
-- (the hash's creation time: a hash that expired and was made again counts afresh); the job
-- keeps the generation of each limit that counted it, 'rq' for the queue's limit (named 'q') and
-- 'rj' for its own ('lr'). A limit with none left ahead may hand out its current window again
-- (rateState in fetch.lua): a burst that was cancelled or drained then no longer delays the jobs
-- after it until its windows have passed.
-- Settles the job's reservation, if it holds one: `givenBack` when the job will not start in its
-- window (cancelled, drained, killed, deleted, run now, parked for a slot), which also frees its
-- start in that window if it is still the limit's latest; else it starts now.
local function settleReservation(qp, key, givenBack)
  local f = redis.call('HMGET', key, 'rr', 'rq', 'rj', 'lr')
  if not f[1] then return end
  redis.call('HDEL', key, 'rr', 'rq', 'rj')
  local due = int(f[1])
  local function settle(limitKey, generation)
    if not generation then return end
    -- pcall: a limit key of another type (garbage, reset by the next fetch) counts nothing.
    local st = redis.pcall('HMGET', limitKey, 'g', 'r', 'w', 'c', 'p', 'sw')
    if type(st) ~= 'table' or st.err or st[1] ~= generation then return end
    -- pcall: a count written by hand past HINCRBY's range stays as it is (callers ran pops).
    if (int(st[2]) or 0) > 0 then redis.pcall('HINCRBY', limitKey, 'r', -1) end
    local w, c, width = int(st[3]), int(st[4]), int(st[5])
    local window = due and width and width > 0 and math.floor(due / width)
    if givenBack and window and w == window and c and c > 0 then
      redis.pcall('HINCRBY', limitKey, 'c', -1)
    elseif not givenBack and window and window > (int(st[6]) or -1) then
      -- It starts in its window: no state goes back past it ('sw', see fetch's rateState).
      redis.pcall('HSET', limitKey, 'sw', string.format('%.0f', window))
    end
  end
  settle(qp .. 'rate:q', f[2])
  local name = f[4] and string.match(f[4], '^%d+|%d+|(.+)$')
  if name then settle(qp .. 'rate:' .. name, f[3]) end
end

-- Ids left in a ready or park list by jobs that left their queue while they waited there
-- (cancelled, killed, deleted): {q}:gone, a SET. Taking an id out of the middle of a list costs
-- O(list length) (LREM: seconds for a thousand ids in a list of a million), so it stays where it
-- is: the readers of those lists (fetch, freeSlot, route, drain) drop it when they pop it, as
-- they drop any id whose job is no longer queued, and take it out of {q}:gone then; one that
-- finds no job behind the id knows from it that the job was deleted on purpose, not lost.
-- Counts subtract its size from the ready jobs.
local function wasLeftBehind(qp, id)
  return onOwn(qp, 'SREM', qp .. 'gone', id) == 1
end

-- Hands the job that waited longest for a slot of the limit `name` to the head of the ready list.
-- Ids of jobs that left the queue while parked (wasLeftBehind) are dropped on the way. The list's
-- head is read in growing slices (1, 2, 4... ids: a job waiting at the head, the common case, costs
-- a read of one id), then trimmed once. All the looks of one call (a complete that frees a thousand
-- slots) share PARK_LOOK ids read between them: after a mass cancel of parked jobs, a call walks at
-- most that many left-behind ids, not that many per freed slot. A look with none of it left reads
-- and trims nothing.
-- `oneSlot` (freeSlot: the slot the caller freed): returns false when the look handed no job on and
-- jobs are still parked: the caller notes the limit in {q}:unpark, and the next fetch looks again
-- (a long run of left-behind ids never strands the jobs behind it). Without it (fetch's look at a
-- limit noted there, made only while the limit has a free slot): false whenever jobs are still
-- parked, handed one or not, so the limit stays noted and each fetch hands one more until it is
-- full; a call whose freed slots all found the budget spent leaves as many slots to fill as it freed.
local PARK_LOOK = 1000
-- lib.lua is prepended to each script: this local lives for one call (one EVAL).
local parkLookLeft = PARK_LOOK
local function unparkNext(qp, name, oneSlot)
  local park = qp .. 'park:' .. name
  local taken, handed, stop, slice = 0, false, false, 1
  -- Never an LRANGE with an empty range: "0 -1" would read the whole list.
  while not (handed or stop) and parkLookLeft > 0 do
    local want = math.min(slice, parkLookLeft)
    local some = redis.pcall('LRANGE', park, taken, taken + want - 1)
    if type(some) ~= 'table' or some.err then break end
    parkLookLeft = parkLookLeft - #some
    for _, nxt in ipairs(some) do
      taken = taken + 1
      local number = jobNumber(nxt)
      local job = number and fieldsOf(qp .. 'job:' .. nxt, 's')
      local state = job and job[1]
      if state == 'queued' then
        pushReady(qp, qp .. 'job:' .. nxt, nxt, true)
        handed = true
        break
      end
      -- No queued job: dropped, as fetch drops it; but a number with no job behind it that was not
      -- left behind on purpose was lost, and fetch buries it where an operator sees it.
      if wasLeftBehind(qp, nxt) then
        -- dropped
      elseif number and not state then
        onOwn(qp, 'LPUSH', qp .. 'ready', nxt)
        stop = true
        break
      end
    end
    if #some < want then break end -- the list ran out
    slice = slice * 2
  end
  if taken > 0 then
    redis.call('LTRIM', park, taken, -1)
    onOwn(qp, 'DECRBY', qp .. 'parked', taken)
  end
  -- onOwn: a park key of another type (LRANGE above skipped it) is set aside, its jobs none.
  if onOwn(qp, 'LLEN', park) == 0 then
    redis.pcall('SREM', qp .. 'parks', name)
    return true
  end
  -- A list parked by a version before {q}:parks is named there from its first unpark on.
  onOwn(qp, 'SADD', qp .. 'parks', name)
  return oneSlot and handed
end

-- Gives back the slot of a job that stopped running (`lc` its limit spec, nil for none) and
-- hands it to the job that waited longest for it (unparkNext); if a look finds none to hand on
-- while jobs are still parked (a long run of left-behind ids, or the call's looks used up), the
-- limit waits in {q}:unpark for the next fetch, woken for it.
local function freeSlot(qp, id, lc)
  local _, name = parseConcurrency(lc)
  if not name then return end
  local removed = redis.pcall('SREM', qp .. 'conc:' .. name, id)
  if removed ~= 1 then return end
  -- In a pcall: waking a parked job is that job's step, and an error in it (a command the ACL
  -- denies…) must not fail the step of the job that freed the slot. The parked job stays parked,
  -- and the limit is noted for the next fetch, as when the look's budget is spent.
  local ok, handed = pcall(unparkNext, qp, name, true)
  if not ok then
    redis.log(redis.LOG_WARNING, 'Spool: could not wake a job parked under ' .. qp .. 'park:' .. name ..
      ': ' .. errText(handed))
    handed = false
  end
  if not handed then
    onOwn(qp, 'SADD', qp .. 'unpark', lc)
    signal(qp, qp .. 'signal')
  end
end

-- Wakes the idle nodes of a queue that may lease again (a resume, a freed slot of its limit):
-- one on the shared list, and the nodes with jobs pinned to them waiting on their own lists,
-- since the shared token may go to a node that cannot take them. At every stop of a limited
-- queue's job it visits a sample of WAKE_SAMPLE names (`sample`): a node left out of a crowded
-- set finds its jobs at its next wake-up or its wait's end (2 s). A resume, rare, wakes them all.
local WAKE_SAMPLE = 64
local function wakeIdleNodes(qp, sample)
  signal(qp, qp .. 'signal')
  for _, node in ipairs(nodeNames(qp .. 'pinned', sample)) do
    if onOwn(qp, 'LLEN', pinnedList(qp, node, true)) > 0
        or onOwn(qp, 'LLEN', pinnedList(qp, node, false)) > 0 then
      signal(qp, qp .. 'signal:@' .. node)
    end
  end
end

-- A queue with a concurrency limit ({q}:climit) may have idle nodes that fetched nothing because
-- it was full: a job that stopped running wakes them.
local function wakeIfLimited(qp)
  if redis.call('EXISTS', qp .. 'climit') == 1 then wakeIdleNodes(qp, WAKE_SAMPLE) end
end

-- Takes a queued engine job off its queue: out of the priority set (O(log n)), else left behind
-- in the list that holds it, a plain, pinned, avoiding or park list (see wasLeftBehind). A status
-- kept by hand (no type 't': JobStatus.queued()) is in no list: false, nothing noted.
local function unready(qp, key, id)
  if redis.call('HEXISTS', key, 't') == 0 then return false end
  if redis.call('ZREM', qp .. 'prio', id) == 0 then onOwn(qp, 'SADD', qp .. 'gone', id) end
  return true
end

-- Writes the first fields of a new job's hash at a number no job had. A key of another type
-- there (garbage written behind Spool's back) is set aside first, as corrupt:<n> (as forget does):
-- an error would come after the caller's earlier writes (locks taken, jobs popped), which would
-- stay without their job. Any other error is raised as redis.call raises it.
local function newJobHash(qp, key, id, ...)
  local r = redis.pcall('HSET', key, ...)
  if type(r) == 'table' and r.err then
    if isGarbage(r.err) then setAside(qp, key, id) end
    redis.call('HSET', key, ...)
  end
end

-- Mends the queue's job sequence if it holds garbage (written behind Spool's back: a key of
-- another type, or no number INCR counts on, "007" or 19 digits): it is set aside as
-- <qp>corrupt:seq and numbering goes on after the newest bucket that holds statuses, so that no
-- number of a job still stored is given again. That bucket is the newer of the status directory's
-- newest (one ZREVRANGE) and the newest ever listed (ix:dir:top, kept when the directory starts
-- afresh), or a later one not listed (buckets an older version wrote): the buckets after it are
-- looked at until SEQ_GAP in a row hold none, at most SEQ_LOOK of them (one EXISTS of seven keys
-- each, once per repair). Then returns why no job can
-- be numbered — fewer than `room` numbers left (14 digits at most, jobNumber) — or nil. Called
-- before their first write by scripts that create jobs.
local SEQ_GAP, SEQ_LOOK = 16, 1024
local function seqRefusal(qp, room)
  local seq = redis.pcall('GET', qp .. 'seq')
  if type(seq) == 'table' or (seq and not ((seq == '0' or string.match(seq, '^[1-9]%d*$')) and #seq <= 18)) then
    local aside = setAside(qp, qp .. 'seq', 'seq')
    local newest = redis.pcall('ZREVRANGE', qp .. 'ix:dir', 0, 0)
    local bucket = math.max(type(newest) == 'table' and not newest.err and int(newest[1]) or -1,
      int(redis.pcall('GET', qp .. 'ix:dir:top')) or -1)
    local b, empty = bucket + 1, 0
    while empty < SEQ_GAP and b <= bucket + SEQ_LOOK do
      if redis.call('EXISTS', unpack(stateKeysOf(qp, b))) > 0 then bucket, empty = b, 0 else empty = empty + 1 end
      b = b + 1
    end
    seq = string.format('%.0f', (bucket + 1) * BUCKET)
    redis.call('SET', qp .. 'seq', seq)
    redis.log(redis.LOG_WARNING, 'Spool: ' .. qp .. 'seq held no count: set aside as ' .. aside ..
      '; job numbers go on after ' .. seq)
  end
  if room and seq and tonumber(seq) >= 1e14 - room then return qp .. 'seq = ' .. seq end
  return nil
end

-- Creates a ready job of default priority in the queue of `qp` (used for batch callbacks).
-- Returns its number, or nil, writing nothing, when the queue's job numbers are used up or its
-- sequence is garbage INCR cannot count on (written behind Spool's back: no number is safe to
-- give, and callers run after writes that an error would strand; Redis's log says so), or when
-- it could not be made ready (undone, but for its number and time bounds; logged too).
-- KEYS-free: the queue's seq, ready and signal keys are derived from qp, in the same slot.
-- `placement` (optional): the job's node affinity and priority as field/value pairs of its hash
-- ('an', 'as', 'ax', 'p'), written before the push so that pushReady picks its list by them.
local function createJob(qp, jobType, args, now, options, placement)
  seqRefusal(qp) -- garbage mended; numbers used up are found below
  local id = redis.pcall('INCR', qp .. 'seq')
  if type(id) == 'table' and id.err then
    -- Raised as Redis's, unless garbage (or a number INCR would take past a long's range).
    if not (isGarbage(id.err) or string.find(id.err, 'overflow', 1, true)) then
      return redis.call('INCR', qp .. 'seq')
    end
    redis.log(redis.LOG_WARNING, 'Spool: no ' .. jobType .. ' job created in ' .. qp .. ': its sequence ' ..
      qp .. 'seq is corrupt (' .. id.err .. ')')
    return nil
  end
  if id >= 1e14 then -- job numbers have 14 digits at most (jobNumber): none is left to give
    redis.call('DECR', qp .. 'seq')
    return nil
  end
  newQueue(qp, id)
  local key = qp .. 'job:' .. id
  newJobHash(qp, key, id, 't', jobType, 'a', args, 's', 'queued', 'n', 0, 'rec', now, 'que', now)
  if options and options ~= '' then redis.call('HSET', key, 'o', options) end
  if placement and #placement > 0 then redis.call('HSET', key, unpack(placement)) end
  restate(qp, id, nil, 'queued')
  bound(qp, id, 'rec', now, 'que')
  onOwn(qp, 'SADD', qp .. 'ix:n:' .. jobType .. ':' .. bucketOf(id), id)
  local pushed, err = pcall(pushReady, qp, key, id, false)
  if not pushed then
    -- Ready in no list (a push the ACL denies…): undone, rather than a queued job no node ever
    -- finds, one more at each try of a caller that retries. Its number stays used.
    pcall(function()
      restate(qp, id, 'queued', nil)
      onOwn(qp, 'SREM', qp .. 'ix:n:' .. jobType .. ':' .. bucketOf(id), id)
      redis.call('DEL', key)
    end)
    redis.log(redis.LOG_WARNING, 'Spool: no ' .. jobType .. ' job created in ' .. qp .. ': ' ..
      errText(err))
    return nil
  end
  return id
end

-- Reports a batch part's end as failed to its batch, through an internal job of the part's own
-- queue (the batch's keys live in another slot). `part` is the job's 'bt' field ("<queue>|<token>|
-- <part>"), nil for a job of no batch; `partDoneType` the internal job type that reports it. A part
-- reported twice counts once (batch-done), so a path that may race the part's node reports freely.
local function reportPartFailed(qp, part, partDoneType, nowUs)
  if part and partDoneType and string.match(part, '^[^|]+|[^|]+|.+$') then
    createJob(qp, partDoneType, cjson.encode({part = part, outcome = 'ko'}), nowUs)
  end
end

-- Deletes a job's hash, its log and every index entry of it (leaving its state takes it off
-- {q}:finished).
local function forget(qp, key, id)
  if not jobNumber(tostring(id)) then return 0 end -- no job's key: not Spool's to delete
  local state = redis.pcall('HGET', key, 's')
  local left = forgotten[qp]
  if not left then left = {}; forgotten[qp] = left end
  left[bucketOf(id)] = true
  if type(state) == 'table' then
    -- Not a hash: set aside, and its id leaves whichever final state index holds it.
    setAside(qp, key, id)
    for s in pairs(FINISHED_STATES) do restate(qp, id, s, nil) end
    return 1
  end
  if not state then return 0 end
  restate(qp, id, state, nil)
  indexLabels(qp, key, id, 'SREM')
  redis.call('DEL', key, qp .. 'log:' .. id)
  return 1
end

-- Keeps a dead set within its bounds: dead jobs older than `olderThanMs` (ms), then the oldest
-- beyond `maxSize`, take their statuses with them. At most `slice` go per call, so a set over its
-- bounds (after the bounds were lowered, a burst of deaths) shrinks over several calls without
-- one ever doing work that grows with the set. Returns how many went.
local function trimDead(qp, deadKey, maxSize, olderThanMs, slice)
  local prefix = qp .. 'job:'
  local function purge(ids)
    for _, old in ipairs(ids) do forget(qp, prefix .. old, old) end
    if #ids > 0 then redis.call('ZREM', deadKey, unpack(ids)) end
  end
  local aged = redis.call('ZRANGEBYSCORE', deadKey, '-inf', '(' .. olderThanMs, 'LIMIT', 0, slice)
  purge(aged)
  local excess = math.min(redis.call('ZCARD', deadKey) - tonumber(maxSize), slice - #aged)
  local over = {}
  if excess > 0 then over = redis.call('ZRANGE', deadKey, 0, excess - 1) end
  purge(over)
  tidyForgotten(qp)
  return #aged + #over
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

-- The job number holding a unique lock key, or nil when it is free. A lock key that is not a
-- string, or whose value is no job number, holds no lock: it is set aside, so that it blocks
-- neither this job nor any later one.
local function lockHolder(qp, lockKey, digest)
  local holder = redis.pcall('GET', lockKey)
  if holder and (type(holder) == 'table' or not jobNumber(holder)) then
    setAside(qp, lockKey, 'lock:' .. digest)
    return nil
  end
  return holder or nil
end

-- Releases the job's unique lock if its kind is one of `kinds` and the job still owns it.
-- `u` is the job's 'u' field when the caller read it already (false: the job has none).
-- A lock field that does not parse holds no lock this job could release.
local function unlock(qp, key, id, kinds, u)
  if u == nil then u = redis.call('HGET', key, 'u') end
  if u then
    local kind, _, _, _, digest = parseLock(u)
    if kind and string.find(kinds, kind, 1, true) then
      local lockKey = qp .. 'lock:' .. digest
      if lockHolder(qp, lockKey, digest) == tostring(id) then redis.call('DEL', lockKey) end
    end
  end
end

-- Keeps a job's until-executed lock (spec `u`) while it waits to run again at `dueMs`: its TTL
-- counts from that time, as an enqueue counts it from the job's due time, so a long wait must
-- not let the lock lapse while the job still waits. A lock that lapsed and that no other job
-- took is taken again; one another job took stays its.
local function keepLockUntil(qp, id, u, dueMs, nowMs, kinds)
  local kind, _, ttl, _, digest = parseLock(u)
  if not kind or not string.find(kinds or 'D', kind, 1, true) then return end
  local lockKey = qp .. 'lock:' .. digest
  local holder = lockHolder(qp, lockKey, digest)
  if holder and holder ~= id then return end
  local wanted = tonumber(dueMs) - tonumber(nowMs) + tonumber(ttl)
  local left = holder and redis.call('PTTL', lockKey) or -2
  if left == -1 or left >= wanted then return end -- -1: a lock with no expiry
  redis.call('SET', lockKey, id, 'PX', math.max(1, wanted))
end

-- Puts a job in the delayed set until `dueMs`, telling the stagers (on `channel`) when it is due
-- before every job there, so that none sleeps past it. One ZRANGE of the first entry: O(log n).
local function delayUntil(qp, delayedKey, id, dueMs, channel)
  local earliest = onOwn(qp, 'ZRANGE', delayedKey, 0, 0, 'WITHSCORES')[2]
  redis.call('ZADD', delayedKey, dueMs, id)
  if earliest == nil or tonumber(dueMs) < tonumber(earliest) then
    redis.call('PUBLISH', channel, dueMs)
  end
end

-- Ends a job as killed: its state, index entry and timestamp, the unique lock kinds it gives
-- back (nil: none), its expiry, and the announcement to clients awaiting its outcome.
local function endKilled(qp, key, id, from, now, expiry, kinds)
  if from == 'queued' or from == 'scheduled' then settleReservation(qp, key, true) end
  redis.call('HSET', key, 's', 'killed')
  restate(qp, id, from, 'killed')
  stamp(qp, key, id, 'kil', now)
  finish(qp, id, now)
  if kinds then unlock(qp, key, id, kinds) end
  redis.call('EXPIRE', key, expiry)
  redis.call('EXPIRE', qp .. 'log:' .. id, expiry) -- its log, if any, lives as long
  announce(qp, {id})
end

-- Ends a job whose stored fields are corrupt (`what` says which): it goes to the dead set,
-- failed, with the error "corrupt job: <what>", so that it harms no other job and an operator
-- sees it. Its locks are given back; a batch part is reported as failed to its batch.
-- `from` is the state it was in; `nowUs` a µs time (a string); `partDoneType` the internal job
-- type that reports a batch part's end.
local function buryCorrupt(qp, key, id, from, what, nowUs, partDoneType)
  local e = cjson.encode({type = 'CorruptJob', message = 'corrupt job: ' .. what})
  redis.call('HSET', key, 's', 'failed', 'e', e, 'er', appendJson(redis.call('HGET', key, 'er'), e))
  restate(qp, id, from, 'failed')
  stamp(qp, key, id, 'fai', nowUs)
  unlock(qp, key, id, 'EWD')
  onOwn(qp, 'ZADD', qp .. 'dead', math.floor(tonumber(nowUs) / 1000), id)
  -- In a pcall: a burial is the last resort of callers whose own step failed; a report that fails
  -- too (it creates a job) is logged, and the job is still dead.
  local reported, err = pcall(reportPartFailed, qp, redis.call('HGET', key, 'bt'), partDoneType, nowUs)
  if not reported then
    redis.log(redis.LOG_WARNING, 'Spool: the batch of dead job ' .. key .. ' was not told: ' ..
      errText(err))
  end
  announce(qp, {id})
end

-- The steps of a call that took jobs off a list or lease set before it writes (fetch, complete,
-- reap, stage, route): Redis does not undo a failing script's writes, so an error in one job's
-- step (a command the ACL denies, a cause no check foresaw) would leave the jobs taken and not
-- yet written lost, and often fail every later call the same way. `step(item, i)` runs for each
-- item under one pcall, which serves on from the next item after an error (not one pcall per
-- job: that cost 3 % of fetch's and complete's time); `failed(item, err, i)` handles the one
-- whose step failed, `err` as text.
local function eachGuarded(items, step, failed)
  local at, from = 0, 1
  local function serveFrom(first)
    for i = first, #items do
      at = i
      step(items[i], i)
    end
  end
  while from <= #items do
    local ok, err = pcall(serveFrom, from)
    if ok then return end
    failed(items[at], errText(err), at)
    from = at + 1
  end
end

-- Buries a job whose step failed (eachGuarded) as "corrupt job: its <what> failed: <err>", from
-- the state index `indexed` (else the state its hash says). Returns whether that went through:
-- a caller whose burial fails too puts the job back where it can be tried again.
local function buryFailed(qp, id, what, err, nowUs, partDone, indexed)
  if not jobNumber(id) then return false end
  local key = qp .. 'job:' .. id
  return pcall(function()
    local state = indexed or redis.call('HGET', key, 's')
    if not KNOWN_STATE[state] then state = nil end
    buryCorrupt(qp, key, id, state, 'its ' .. what .. ' failed: ' .. err, nowUs, partDone)
  end)
end

-- An id with no job behind it, found in `where` (a ready list, the leases): its key is gone, or
-- holds another type (garbage written behind Spool's back). It becomes a failed job in the dead
-- set that says so, for an operator to see; a key of another type is first set aside as
-- <qp>corrupt:<id> for a week. `id` is a job number (jobNumber); one beyond the queue's sequence
-- is taken from it, so that no later job is given that number.
local function buryOrphan(qp, id, nowUs, where)
  local key = qp .. 'job:' .. id
  local kind = redis.call('TYPE', key).ok
  local what = 'id ' .. id .. ' was in ' .. (where or 'a ready list') .. ' but no job has it'
  if kind ~= 'none' then
    local aside = setAside(qp, key, id)
    what = 'its key held a ' .. kind .. ', not a job hash (set aside for 7 days as ' .. aside .. ')'
  end
  -- A sequence of garbage is mended first: read as 0, it would be set to this number, a low one
  -- that later numbers of stored jobs would follow.
  seqRefusal(qp)
  local seq = redis.pcall('GET', qp .. 'seq')
  if type(seq) ~= 'table' and tonumber(id) > (tonumber(seq) or 0) then
    redis.call('SET', qp .. 'seq', id)
  end
  local e = cjson.encode({type = 'CorruptJob', message = 'corrupt job: ' .. what})
  redis.call('HSET', key, 's', 'failed', 'n', 0, 'e', e, 'er', '[' .. e .. ']')
  -- A key set aside had a state, kept in its index: it leaves that one (its bucket's, a few SREMs).
  if kind ~= 'none' then
    for _, state in ipairs(STATES) do
      if state ~= 'failed' then onOwn(qp, 'SREM', stateKey(qp, state, id), id) end
    end
  end
  restate(qp, id, nil, 'failed')
  stamp(qp, key, id, 'fai', nowUs)
  onOwn(qp, 'ZADD', qp .. 'dead', math.floor(tonumber(nowUs) / 1000), id)
  announce(qp, {id})
end

-- What is wrong with a job's fields as read for running it (s, t, a, n, b, rec, u, bt, o), or
-- nil when nothing is. A missing type or arguments, or arguments that are not valid JSON, are
-- the worker's to report (it names the handler's expectations).
local function corruption(job)
  -- The node reads 'n' as an int and 'rec' as a long, and sends them back to be matched.
  if not (job[4] and string.match(job[4], '^%d+$') and #job[4] <= 9) then
    return "attempt 'n' is not a number: " .. tostring(job[4])
  end
  -- 'b' is the first attempt of the current retry budget: 0 to 'n' (more would leave the worker
  -- no attempt to count).
  if job[5] and not (string.match(job[5], '^%d+$') and #job[5] <= 9 and tonumber(job[5]) <= tonumber(job[4])) then
    return "retry budget 'b' is not an attempt up to 'n' (" .. job[4] .. "): " .. job[5]
  end
  if job[6] and not (int(job[6]) and #job[6] <= 18) then
    return "recorded at 'rec' is not a number: " .. job[6]
  end
  if job[7] and not parseLock(job[7]) then return "unique lock 'u' does not parse: " .. job[7] end
  if job[8] and not string.match(job[8], '^[^|]+|[^|]+|.+$') then
    return "batch part 'bt' does not parse: " .. job[8]
  end
  if job[9] and type(decodeJson(job[9])) ~= 'table' then
    return "options 'o' are not a JSON object: " .. job[9]
  end
  if job[11] and not int(job[11]) then return "expiry 'x' is not a number: " .. job[11] end
  if job[12] and not string.match(job[12], '^[1-9]%d?%d?%d?%d?%d?%d?%d?%d?|.+$') then
    return "concurrency limit 'lc' does not parse: " .. job[12]
  end
  if job[13] then
    -- Within RateLimit's bounds, as the queue's own limit is read in fetch: a window of 0 ms or
    -- one too long to write back would fail the fetch after its pops.
    local n, per = string.match(job[13], '^([1-9]%d*)|([1-9]%d*)|.+$')
    if not (n and #n <= 6 and tonumber(n) <= 100000 and #per <= 8 and tonumber(per) <= 86400000) then
      return "rate limit 'lr' does not parse: " .. job[13]
    end
  end
  if job[14] and not int(job[14]) then return "rate reservation 'rr' is not a number: " .. job[14] end
  return nil
end

-- Adds n to one field of a queue's per-minute throughput counters ({q}:throughput:<minute>, a
-- HASH of 'succeeded' and 'failed'), which expire on their own: one small key per queue and
-- minute of work, never a history.
local function countThroughput(qp, key, field, n)
  onOwn(qp, 'HINCRBY', key, field, n)
  redis.call('EXPIRE', key, THROUGHPUT_SECONDS)
end

-- What is wrong with the fields that ending an attempt as abandoned reads ('n', 'b', and 'o' as
-- stored and decoded), or nil.
local function abandonCorruption(n, b, o, options)
  if not int(n) then return "attempt 'n' is not a number: " .. tostring(n) end
  if b and not int(b) then return "retry budget 'b' is not a number: " .. b end
  if o and type(options) ~= 'table' then return "options 'o' are not a JSON object: " .. o end
  return nil
end

-- Ends a started job's attempt as abandoned: its lease expired (reap), or it was handed back at
-- more node stops than allowed (handBack). `err` (an error's JSON text) joins its errors; the job
-- goes back to the head of its queue at attempt + 1, its run archived as 'abandoned', or to the
-- dead set when its retry policy (options' retry.attempts, else `defaultAttempts` runs, counted
-- from its budget's first attempt 'b') leaves no attempt. `job` holds the fields as read: n, b,
-- er, pg, sta, pa, da, bt, and options (decoded, checked by abandonCorruption). Its lease and
-- concurrency slot are the caller's to free. Returns 'requeued' or 'dead'.
local function endAbandoned(qp, key, id, job, err, nowMs, nowUs, defaultAttempts, partDone)
  local attempt = int(job.n) + 1
  local allowed = defaultAttempts
  local retry = job.options and job.options.retry
  if type(retry) == 'table' and tonumber(retry.attempts) then allowed = tonumber(retry.attempts) end
  local errors = appendJson(job.er, err)
  if attempt - (int(job.b) or 0) >= allowed then
    redis.call('HSET', key, 's', 'failed', 'e', err, 'er', errors)
    restate(qp, id, 'started', 'failed')
    stamp(qp, key, id, 'fai', nowUs)
    unlock(qp, key, id, 'WD')
    onOwn(qp, 'ZADD', qp .. 'dead', nowMs, id)
    reportPartFailed(qp, job.bt, partDone, nowUs)
    announce(qp, {id})
    return 'dead'
  end
  local entry = attemptEntry({attempt = int(job.n), state = 'abandoned',
    started_at = present(job.sta), ended_at = nowUs, progress = present(job.pg)},
    errors, archivedData(job.da))
  -- The errors are shown until the job starts again, as after a failure; 'due': ready again since
  -- now, for the queue's latency.
  redis.call('HSET', key, 's', 'queued', 'n', attempt, 'e', err,
    'pa', appendLatest(job.pa, entry, MAX_ATTEMPTS_KEPT), 'er', errors, 'due', nowMs)
  redis.call('HDEL', key, 'w', 'pg', 'sta', 'da')
  restate(qp, id, 'started', 'queued')
  unlock(qp, key, id, 'W')
  -- Due again now: an until-executed lock lasts its TTL from here, as after a retry.
  keepLockUntil(qp, id, redis.call('HGET', key, 'u'), nowMs, nowMs)
  pushReady(qp, key, id, true)
  return 'requeued'
end

-- Hands a job a node holds back to the head of its queue, its attempt not used up: at a graceful
-- stop (release), or when the answer of the fetch that leased it was lost (reclaim). The run is
-- archived in the status's previous attempts as `state` ('handed back', 'not delivered'), then
-- reset, so that the queued job does not show a half-done run as its own. A job whose kill was
-- requested ('krq') ends killed instead, `why` its error's message, its batch part reported to its
-- batch as failed.
-- `stops` (release's hand-backs only; nil for reclaim's, whose job never reached a handler):
-- {max = hand-backs at stops that use no attempt, attempts = runs of a job whose options name no
-- retry policy}. Each one is counted in 'hb'; once a job was handed back `max` times, every later
-- one ends its attempt as abandoned (endAbandoned, error 'HandedBack'), as an expired lease would:
-- a job that outlives every stop's deadline, or makes its node stop, must not restart forever.
-- Returns 'released', 'killed', 'requeued' or 'dead' (an attempt used), or nil when the node no
-- longer holds this attempt of the job (holdsAttempt; with `attempt` nil, whichever attempt it
-- holds); its concurrency slot, if any, is freed (the caller then wakes a limited queue once:
-- wakeIfLimited).
local function handBack(qp, prefix, node, id, attempt, recorded, now, expiry, partDone, state, why, stops)
  local key = prefix .. id
  local job = fieldsOf(key, 's', 'w', 'n', 'sta', 'pg', 'er', 'pa', 'da', 'lc', 'rec', 'krq', 'bt', 'hb', 'b', 'o')
  if attempt == nil and job then attempt, recorded = job[3] or '0', job[10] or '0' end
  if not holdsAttempt(job, job and job[10], node, attempt, recorded) then return nil end
  redis.call('ZREM', qp .. 'active', id)
  freeSlot(qp, id, job[9])
  if job[11] then
    local reason = cjson.encode({type = 'Killed', message = why})
    redis.call('HSET', key, 'e', reason, 'er', appendJson(job[6], reason))
    endKilled(qp, key, id, 'started', now, expiry, 'WD')
    reportPartFailed(qp, job[12], partDone, now)
    return 'killed'
  end
  local nowMs = string.format('%.0f', math.floor(tonumber(now) / 1000))
  if stops then
    local handed = (int(job[13]) or 0) + 1 -- a count written by hand that is no integer: none
    redis.call('HSET', key, 'hb', handed)
    if handed > stops.max then
      local options = job[15] and decodeJson(job[15])
      local what = abandonCorruption(job[3], job[14], job[15], options)
      if what then
        buryCorrupt(qp, key, id, 'started', what, now, partDone)
        return 'dead'
      end
      local stopsSeen = handed == 1 and '1 node stop' or (handed .. ' node stops')
      local err = cjson.encode({type = 'HandedBack', attempt = int(job[3]), node = node,
        message = 'handed back at ' .. stopsSeen .. ' without finishing; counted as an attempt'})
      return endAbandoned(qp, key, id, {n = job[3], b = job[14], er = job[6], pg = job[5],
        sta = job[4], pa = job[7], da = job[8], bt = job[12], options = options},
        err, nowMs, now, stops.attempts, partDone)
    end
  end
  local entry = attemptEntry({attempt = int(job[3]), state = state,
    started_at = present(job[4]), ended_at = now, progress = present(job[5])},
    storedList(job[6]), archivedData(job[8]))
  -- Ready again since now ('due'), for the queue's latency.
  redis.call('HSET', key, 's', 'queued', 'pa', appendLatest(job[7], entry, MAX_ATTEMPTS_KEPT), 'due', nowMs)
  redis.call('HDEL', key, 'w', 'sta', 'pg', 'er', 'da')
  restate(qp, id, 'started', 'queued')
  unlock(qp, key, id, 'W')
  keepLockUntil(qp, id, redis.call('HGET', key, 'u'), nowMs, nowMs) -- due again now, as reap's
  pushReady(qp, key, id, true)
  return 'released'
end

-- handBack in a pcall, for the scripts that hand jobs back (release, reclaim): the lease goes
-- first, so an error in the job's step (a command the node's ACL denies, a cause no check
-- foresaw) would leave it started with no lease, and the jobs after it held. It goes to the dead
-- set with the error instead ('buried'), or, if even that fails, its lease comes back expired,
-- for the Reaper (nil).
local function handBackGuarded(qp, prefix, node, id, attempt, recorded, now, expiry, partDone, state, why, stops)
  local ok, outcome = pcall(handBack, qp, prefix, node, id, attempt, recorded, now, expiry, partDone,
    state, why, stops)
  if ok then return outcome end
  if buryFailed(qp, id, 'hand-back', errText(outcome), now, partDone) then return 'buried' end
  redis.pcall('ZADD', qp .. 'active', 0, id)
  return nil
end

-- A fetch's receipt, as a node sends it ("<instance>|<call>": the node's run and a number its
-- calls count up) or as fetch keeps it in {q}:receipt:<node>:<instance> (then "|<id> <id> ..."
-- follows, the jobs the call leased): {instance, call, jobs}, or nil for anything else.
local function parseReceipt(v)
  if type(v) ~= 'string' then return nil end
  local instance, call, jobs = string.match(v, '^([^|]+)|(%d+)(.*)$')
  if not instance or #call > 15 then return nil end
  return {instance = instance, call = tonumber(call), jobs = string.match(jobs, '^|(.*)$') or ''}
end

-- Where a run of a node keeps its fetch receipts: a key per run, so that a run never meets
-- another's (a node restarted under the same name while the old run still stops); false for a
-- receipt that does not parse.
local function receiptKeyOf(qp, node, receipt)
  local instance = string.match(receipt, '^([^|]+)|')
  return instance ~= nil and (qp .. 'receipt:' .. node .. ':' .. instance)
end

-- Whether the receipt kept in `key` says that the node's call `receipt` comes too late: the node
-- reclaimed it already, or made a later call, before this one ran.
local function receiptOverdue(key, receipt)
  local kept, mine = parseReceipt(redis.pcall('GET', key)), parseReceipt(receipt)
  return kept ~= nil and mine ~= nil and kept.instance == mine.instance and kept.call >= mine.call
end
