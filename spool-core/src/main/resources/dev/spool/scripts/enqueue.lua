--[[ enqueue: add jobs to one queue, ready at once or delayed, with their statuses.
  KEYS[1] {q}:seq      STRING  job id sequence
  KEYS[2] {q}:ready    LIST    ids of ready jobs, default priority, FIFO
  KEYS[3] {q}:prio     ZSET    ids of ready jobs with a priority -> ordering score
  KEYS[4] {q}:delayed  ZSET    ids of delayed jobs -> due time (ms)
  KEYS[5] {q}:signal   LIST    wake-up token for idle workers (at most one element)
  ARGV[1] job key prefix ("<ns>:{q}:job:")
  ARGV[2] now (µs)
  ARGV[3] channel that tells stagers of an earlier due time
  ARGV[4] number of jobs N
  ARGV[5] number of templates T, then T groups of 12, the fields the jobs of a template share:
          type, priority ("0" = default), due (ms, "" = now), options JSON ("" = none),
          lock ("" = not unique, "later" = unique, its lock taken when it starts, else the expiry
          (ms) of the lock taken now), batch (its jobs are batch parts: their batch's ttl in
          seconds, else ""),
          node ("" = none), strict ("1" or ""), not node ("" = none),
          pinned ("1" = a job with a node waits in that node's list; "" = the node is not alive
          and the job is not strict: it is ready for any node at once, its node kept as a
          preference), expiry (ms: not started by then, it is discarded; "" = none),
          limited ("1" = each job carries its concurrency and rate limit specs)
  then N groups, one per job: its template (1-based), its args JSON, then its unique lock spec
          (see LockSpec) if its template is unique, then its batch part
          ("<batch queue>|<batch token>|<part>") if its template is batch, then its concurrency
          limit ("<max>|<name>" or "") and rate limit ("<max>|<per ms>|<name>" or "") if its
          template is limited.
  A job whose unique lock is held by another job is not created. A batch part is created once:
  its number is kept in {q}:bp:<batch token> (HASH part -> job number, or 'g' once batch-settle
  fenced it off), so that a call sent again answers with the job made the first time, and a late
  call after a settle creates nothing.
  The jobs of one call have consecutive numbers, so each status index and timestamp bound is
  written once per bucket and template, not once per job: a call costs one HSET per job and a
  few commands per bucket.
  Returns: array, in order, of the new job numbers, or of minus the number of the job that
  holds the lock for a job not created (of its own unused number for a batch part fenced off) ]]
local prefix, now, channel = ARGV[1], ARGV[2], ARGV[3]
local n, nt = tonumber(ARGV[4]), tonumber(ARGV[5])
local qp = string.sub(prefix, 1, -5)
-- A sequence of garbage is set aside first, numbering going on after the newest stored job.
local refusal = seqRefusal(qp, n)
if refusal then
  return redis.error_reply('ERR the job numbers of this queue are used up (' .. refusal .. ')')
end
local last = redis.call('INCRBY', KEYS[1], n)
if last >= 1e14 then -- job numbers have 14 digits at most (jobNumber)
  redis.call('DECRBY', KEYS[1], n)
  return redis.error_reply('ERR the job numbers of this queue are used up (seq ' .. last .. ')')
end
local first = last - n + 1
newQueue(qp, first)

local templates = {}
for t = 1, nt do
  local b = 5 + (t - 1) * 12
  local tpl = {
    type = ARGV[b + 1], priority = ARGV[b + 2], due = ARGV[b + 3], lock = ARGV[b + 5],
    batch = ARGV[b + 6] ~= '', batchTtl = ARGV[b + 6], node = ARGV[b + 7], strict = ARGV[b + 8] == '1',
    notNode = ARGV[b + 9], pinned = ARGV[b + 10] == '1', limited = ARGV[b + 12] == '1',
    buckets = {}, bucketList = {}, ready = {}
  }
  tpl.state = tpl.due == '' and 'queued' or 'scheduled'
  tpl.stamp = tpl.due == '' and 'que' or 'sch'
  -- Every field but the args, the lock and the batch part, for one HSET per job. Strings only:
  -- Redis would format a number with sprintf for every job.
  local f = {'t', tpl.type, 's', tpl.state, 'n', '0', 'rec', now, tpl.stamp, now}
  if tpl.due ~= '' then f[#f + 1] = 'due'; f[#f + 1] = tpl.due end
  if tpl.priority ~= '0' then f[#f + 1] = 'p'; f[#f + 1] = tpl.priority end
  if ARGV[b + 4] ~= '' then f[#f + 1] = 'o'; f[#f + 1] = ARGV[b + 4] end
  if tpl.node ~= '' then f[#f + 1] = 'an'; f[#f + 1] = tpl.node end
  if tpl.strict then f[#f + 1] = 'as'; f[#f + 1] = '1' end
  if tpl.notNode ~= '' then f[#f + 1] = 'ax'; f[#f + 1] = tpl.notNode end
  if ARGV[b + 11] ~= '' then f[#f + 1] = 'x'; f[#f + 1] = ARGV[b + 11] end
  tpl.fields = f
  -- Where its jobs go, as pushReady would put them (ZADD score/id pairs when `score`), and whom
  -- that wakes.
  if tpl.due ~= '' then
    tpl.list, tpl.score = KEYS[4], tonumber(tpl.due)
  elseif tpl.node ~= '' and tpl.pinned then
    tpl.list = pinnedList(qp, tpl.node, tpl.strict)
    tpl.signal = qp .. 'signal:@' .. tpl.node
  elseif tpl.notNode ~= '' then
    tpl.list, tpl.signal = qp .. 'ready:!' .. tpl.notNode, KEYS[5]
  elseif int(tpl.priority) and tpl.priority ~= '0' then
    tpl.list, tpl.signal, tpl.rank = KEYS[3], KEYS[5], -int(tpl.priority) * 4398046511104
  else
    tpl.list, tpl.signal = KEYS[2], KEYS[5]
  end
  templates[t] = tpl
end

-- The ids of a template's jobs in one bucket, for its status indexes (one list per bucket, not a
-- command per job).
local function bucketIds(tpl, id)
  local bucket = bucketOf(id)
  local ids = tpl.buckets[bucket]
  if not ids then
    ids = {}
    tpl.buckets[bucket] = ids
    tpl.bucketList[#tpl.bucketList + 1] = {bucket = bucket, first = id, ids = ids}
  end
  return ids
end

local batchIds, batchKeys = {}, {}
local partsSeen = {} -- {q}:bp:<token> keys given their ttl by this call
local ids = {}
local c = 6 + nt * 12
for i = 0, n - 1 do
  local tpl = templates[tonumber(ARGV[c])]
  local args = ARGV[c + 1]
  c = c + 2
  local lock, part = '', ''
  if tpl.lock ~= '' then lock = ARGV[c]; c = c + 1 end
  if tpl.batch then part = ARGV[c]; c = c + 1 end
  local lc, lr = '', ''
  if tpl.limited then lc, lr = ARGV[c], ARGV[c + 1]; c = c + 2 end
  local id = first + i
  local sid = tostring(id) -- once, rather than in every command below
  local holder = nil
  local partsKey, partNumber, made = nil, nil, nil
  if part ~= '' then
    local token
    token, partNumber = string.match(part, '^[^|]*|([^|]*)|(.*)$')
    partsKey = qp .. 'bp:' .. token
    made = onOwn(qp, 'HGET', partsKey, partNumber)
  end
  if made then
    -- Made by an earlier call (its answer lost, the call sent again), or fenced off by a settle:
    -- then rejected, with a number no job has (this one's, not used).
    ids[#ids + 1] = tonumber(made) or -id
  elseif tpl.lock ~= '' and tpl.lock ~= 'later' then
    local digest = string.match(lock, '([%x]+)$')
    local lockKey = qp .. 'lock:' .. digest
    if not redis.call('SET', lockKey, sid, 'NX', 'PXAT', tpl.lock) then
      holder = lockHolder(qp, lockKey, digest)
      -- A corrupt lock key was set aside: the lock is free now.
      if not holder then redis.call('SET', lockKey, sid, 'PXAT', tpl.lock) end
    end
  end
  if made then
    -- answered above
  elseif holder then
    ids[#ids + 1] = -tonumber(holder)
  else
    local key = prefix .. sid
    if lock == '' and part == '' then
      newJobHash(qp, key, sid, 'a', args, unpack(tpl.fields))
    elseif part == '' then
      newJobHash(qp, key, sid, 'a', args, 'u', lock, unpack(tpl.fields))
    elseif lock == '' then
      newJobHash(qp, key, sid, 'a', args, 'bt', part, unpack(tpl.fields))
    else
      newJobHash(qp, key, sid, 'a', args, 'u', lock, 'bt', part, unpack(tpl.fields))
    end
    if lc ~= '' then redis.call('HSET', key, 'lc', lc) end
    if lr ~= '' then redis.call('HSET', key, 'lr', lr) end
    local inBucket = bucketIds(tpl, id)
    inBucket[#inBucket + 1] = sid
    if part ~= '' then
      redis.call('HSET', partsKey, partNumber, sid)
      if not partsSeen[partsKey] then
        partsSeen[partsKey] = true
        redis.call('EXPIRE', partsKey, tpl.batchTtl)
      end
      local bkey = qp .. 'ix:b:' .. string.match(part, '^[^|]*|([^|]*)|') .. ':' .. bucketOf(id)
      if not batchIds[bkey] then batchIds[bkey] = {}; batchKeys[#batchKeys + 1] = bkey end
      batchIds[bkey][#batchIds[bkey] + 1] = sid
    end
    local ready = tpl.ready
    if tpl.score then
      ready[#ready + 1] = tpl.due
    elseif tpl.rank then
      ready[#ready + 1] = string.format('%.0f', tpl.rank + id)
    end
    ready[#ready + 1] = sid
    ids[#ids + 1] = id
  end
end

-- The earliest due time before this call, read once, before the first delayed job is added, and
-- only by a call that adds one.
local earliest, earliestRead = nil, false
local newEarliest = nil
for _, tpl in ipairs(templates) do
  for _, b in ipairs(tpl.bucketList) do
    callEach('SADD', qp .. 'ix:s:' .. tpl.state .. ':' .. b.bucket, b.ids, qp)
    callEach('SADD', qp .. 'ix:n:' .. tpl.type .. ':' .. b.bucket, b.ids, qp)
    bound(qp, b.first, 'rec', now, tpl.stamp)
  end
  if #tpl.ready > 0 then
    if tpl.node ~= '' and tpl.pinned and tpl.due == '' then
      onOwn(qp, 'SADD', qp .. 'pinned', tpl.node)
    elseif tpl.notNode ~= '' and tpl.due == '' then
      onOwn(qp, 'SADD', qp .. 'avoid', tpl.notNode)
    end
    if tpl.score and not earliestRead then
      earliest, earliestRead = onOwn(qp, 'ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')[2], true
    end
    callEach((tpl.score or tpl.rank) and 'ZADD' or 'RPUSH', tpl.list, tpl.ready, qp)
    if tpl.signal then signal(qp, tpl.signal) end
    if tpl.score and (earliest == nil or tpl.score < tonumber(earliest)) and
       (newEarliest == nil or tpl.score < tonumber(newEarliest)) then
      newEarliest = tpl.due
    end
  end
end
for _, bkey in ipairs(batchKeys) do callEach('SADD', bkey, batchIds[bkey], qp) end
if newEarliest ~= nil then redis.call('PUBLISH', channel, newEarliest) end
return ids
