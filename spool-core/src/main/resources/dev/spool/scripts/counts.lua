--[[ counts: the jobs of one queue by where they are, read in one atomic step so that a job
  moving between two of them is never counted twice or missed.
  KEYS[1] ready  KEYS[2] prio  KEYS[3] delayed  KEYS[4] active  KEYS[5] completed  KEYS[6] dead
  KEYS[7] pinned  SET of nodes with pinned jobs   KEYS[8] avoid  SET of nodes jobs avoid
  ARGV[1] queue prefix: the lists of pinned ({q}:ready:@<node>, {q}:ready:~<node>) and avoiding
  ({q}:ready:!<node>) jobs are found under it (work bounded by the number of nodes)
  A key that holds another type than it should counts as empty.
  The latency (Sidekiq's word) is how long the longest-waiting ready job has waited, on Redis's
  clock: looked for among the next job of each ready list and the first and last of the priority
  set (the oldest of the highest and lowest priority), a job being ready since it was first queued
  or since its due time ('due': a retry, a delay), whichever came last. Jobs parked by a
  concurrency limit are not looked at.
  Returns: {ready, delayed, processing, completed, dead, latency (ms; -1 when no job is ready)} ]]
local qp = ARGV[1]
local function size(command, key)
  local n = redis.pcall(command, key)
  if type(n) == 'number' then return n end
  return 0
end
-- The pinned and avoid sets hold node names, one per node with such jobs waiting: small by
-- construction (a name leaves when its lists empty), never a history.
local function members(key)
  local m = redis.pcall('SMEMBERS', key)
  if m.err then return {} end
  return m
end
-- Jobs parked by a concurrency limit are ready too (their lists are counted in {q}:parked).
local ready = size('LLEN', KEYS[1]) + size('ZCARD', KEYS[2]) + (int(redis.pcall('GET', qp .. 'parked')) or 0)
-- The earliest time (ms) since which a job looked at has been ready; nil while none is.
local readySince
local function waiting(id)
  if type(id) ~= 'string' or not jobNumber(id) then return end
  local f = fieldsOf(qp .. 'job:' .. id, 'que', 'due')
  local queued = f and int(f[1])
  if not queued then return end -- garbage: fetch buries it, the latency ignores it
  local since = math.max(math.floor(queued / 1000), int(f[2]) or 0)
  if not readySince or since < readySince then readySince = since end
end
local function nextOf(list)
  local id = redis.pcall('LINDEX', list, 0)
  if type(id) == 'string' then waiting(id) end
end
local function ends(zset)
  for _, at in ipairs({0, -1}) do
    local id = redis.pcall('ZRANGE', zset, at, at)
    if type(id) == 'table' and not id.err then waiting(id[1]) end
  end
end
nextOf(KEYS[1])
ends(KEYS[2])
for _, node in ipairs(members(KEYS[7])) do
  ready = ready + size('LLEN', qp .. 'ready:@' .. node) + size('LLEN', qp .. 'ready:~' .. node)
  nextOf(qp .. 'ready:@' .. node)
  nextOf(qp .. 'ready:~' .. node)
end
for _, node in ipairs(members(KEYS[8])) do
  ready = ready + size('LLEN', qp .. 'ready:!' .. node)
  nextOf(qp .. 'ready:!' .. node)
end
local latency = -1
if readySince then
  local now = redis.call('TIME')
  latency = math.max(0, tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - readySince)
end
local completed = redis.pcall('GET', KEYS[5])
return {
  ready,
  size('ZCARD', KEYS[3]),
  size('ZCARD', KEYS[4]),
  type(completed) == 'string' and tonumber(completed) or 0,
  size('ZCARD', KEYS[6]),
  latency
}
