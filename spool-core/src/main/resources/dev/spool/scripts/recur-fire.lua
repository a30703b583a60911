--[[ recur-fire: run one tick of a recurring job: enqueue its job and move its next run on, if
  no other node did it first (the next run must still be the one this node saw). Ticks missed
  while no node ran fire once: the caller computes the next run from now.
  KEYS[1] {q}:recurring:due  ZSET  name -> next run (ms)
  KEYS[2] {q}:recurring:last HASH  name -> last run (ms)
  ARGV[1] job key prefix   ARGV[2] name   ARGV[3] the next run this node saw (ms)
  ARGV[4] the run after it (ms)   ARGV[5] now (µs)   ARGV[6] now (ms)
  ARGV[7] type   ARGV[8] args JSON   ARGV[9] options JSON ("" none)
  ARGV[10] unique lock spec ("" none)   ARGV[11] lock expiry (ms, "" when taken at start)
  ARGV[12] node ("" none)   ARGV[13] strict ("1" or "")   ARGV[14] not node ("" none)
  ARGV[15] priority ("0" the default)
  ARGV[16] concurrency limit spec ("" none)   ARGV[17] rate limit spec ("" none): the job's type's
  limits, as an enqueue writes them
  The job goes where an enqueue with these options puts it: a node's list (a non-strict one is
  released to any node by routing once that node is dead or saturated), the list of jobs that
  avoid a node, the priority set or the plain list.
  Returns: the new job number; 0 if another node fired this tick; -1 if the job was rejected by
  its unique lock (the tick is used up all the same); an error, with nothing written, when the
  queue's sequence has no job number to give ]]
local prefix, name = ARGV[1], ARGV[2]
local qp = string.sub(prefix, 1, -5)
local seen = redis.call('ZSCORE', KEYS[1], name)
if not seen or tonumber(seen) ~= tonumber(ARGV[3]) then return 0 end
-- Refused before any write, so that the tick stays due: the queue's job numbers are used up (14
-- digits at most, jobNumber). A sequence of garbage is mended first.
local refusal = seqRefusal(qp, 1)
if refusal then
  return redis.error_reply('ERR the job numbers of this queue are used up (' .. refusal .. ')')
end
redis.call('ZADD', KEYS[1], ARGV[4], name)
-- After the first write: a last-run key of another type is set aside, so the tick still fires.
onOwn(qp, 'HSET', KEYS[2], name, ARGV[6])
local lock, expiry = ARGV[10], ARGV[11]
local lockKey = nil
if lock ~= '' and expiry ~= '' then
  local digest = string.match(lock, '([%x]+)$')
  lockKey = qp .. 'lock:' .. digest
  -- A lock key that holds no job number is garbage: set aside, it rejects no tick for ever.
  if lockHolder(qp, lockKey, digest) then return -1 end
end
local placement = {}
local function place(field, value) placement[#placement + 1] = field; placement[#placement + 1] = value end
if ARGV[12] ~= '' then place('an', ARGV[12]) end
if ARGV[13] == '1' then place('as', '1') end
if ARGV[14] ~= '' then place('ax', ARGV[14]) end
if ARGV[15] ~= '0' and ARGV[15] ~= '' then place('p', ARGV[15]) end
local id = createJob(qp, ARGV[7], ARGV[8], ARGV[5], ARGV[9], placement)
-- Not made ready (a push the ACL denies; the sequence was checked above): the tick is used up.
if not id then return redis.error_reply('ERR the job of this tick could not be queued (Redis\'s log says why)') end
if lock ~= '' then redis.call('HSET', prefix .. id, 'u', lock) end
-- Its limits, before any fetch can see it (fetch reads them; this script is one step).
if (ARGV[16] or '') ~= '' then redis.call('HSET', prefix .. id, 'lc', ARGV[16]) end
if (ARGV[17] or '') ~= '' then redis.call('HSET', prefix .. id, 'lr', ARGV[17]) end
if lockKey then redis.call('SET', lockKey, id, 'PXAT', expiry) end
return id
