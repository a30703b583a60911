--[[ counts: the jobs of one queue by where they are, read in one atomic step so that a job
  moving between two of them is never counted twice or missed.
  KEYS[1] ready  KEYS[2] prio  KEYS[3] delayed  KEYS[4] active  KEYS[5] completed  KEYS[6] dead
  KEYS[7] pinned  SET of nodes with pinned jobs   KEYS[8] avoid  SET of nodes jobs avoid
  ARGV[1] queue prefix: the lists of pinned ({q}:ready:@<node>, {q}:ready:~<node>) and avoiding
  ({q}:ready:!<node>) jobs are found under it (work bounded by the number of nodes)
  A key that holds another type than it should counts as empty.
  The latency (Sidekiq's word) is how long the longest-waiting ready job has waited, on Redis's
  clock: looked for among the next job of each ready list and the oldest of the highest and of
  the lowest priority in the priority set (a few reads, never a walk). Jobs parked by a
  concurrency limit are not looked at while parked.
  Returns: {ready, delayed, processing, completed, dead, latency (ms; -1 when no job is ready)} ]]
local qp = ARGV[1]
local function size(command, key)
  local n = redis.pcall(command, key)
  if type(n) == 'number' then return n end
  return 0
end
-- Jobs parked by a concurrency limit are ready too (their lists are counted in {q}:parked).
local ready = size('LLEN', KEYS[1]) + size('ZCARD', KEYS[2]) + (int(redis.pcall('GET', qp .. 'parked')) or 0)
-- The earliest time (ms) since which a job looked at has been ready; nil while none is. A job is
-- ready since its due time when it has one that passed (a delay, a retry; also written when a
-- job is handed back, reaped, promoted or retried by hand), else since it was first queued.
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local readySince
local function waiting(id)
  if type(id) ~= 'string' or not jobNumber(id) then return end
  local f = fieldsOf(qp .. 'job:' .. id, 's', 'que', 'due')
  if not (f and f[1] == 'queued') then return end -- garbage: fetch drops or buries it
  local due, queued = int(f[3]), int(f[2])
  local since = due and due <= nowMs and due or queued and math.floor(queued / 1000)
  if since and (not readySince or since < readySince) then readySince = since end
end
local function nextOf(list)
  local id = redis.pcall('LINDEX', list, 0)
  if type(id) == 'string' then waiting(id) end
end
-- The priority set's first member is the oldest of the highest priority. Scores are
-- -priority * 2^42 + id, so the lowest priority's oldest is the first member at or above the
-- start of the last member's priority band.
local PRIORITY_BAND = 4398046511104
local function priorityEnds(zset)
  local first = redis.pcall('ZRANGE', zset, 0, 0)
  if type(first) ~= 'table' or first.err or #first == 0 then return end
  waiting(first[1])
  local last = redis.call('ZRANGE', zset, -1, -1, 'WITHSCORES')
  local band = math.floor(tonumber(last[2]) / PRIORITY_BAND) * PRIORITY_BAND
  local oldest = redis.call('ZRANGEBYSCORE', zset, string.format('%.0f', band), '+inf', 'LIMIT', 0, 1)
  if oldest[1] and oldest[1] ~= first[1] then waiting(oldest[1]) end
end
nextOf(KEYS[1])
priorityEnds(KEYS[2])
-- Every name, not a sample: the count must be exact. Bounded by the names with jobs waiting in
-- their lists (a name leaves when they empty), not by history; its callers are operators' reads.
for _, node in ipairs(nodeNames(KEYS[7])) do
  ready = ready + size('LLEN', qp .. 'ready:@' .. node) + size('LLEN', qp .. 'ready:~' .. node)
  nextOf(qp .. 'ready:@' .. node)
  nextOf(qp .. 'ready:~' .. node)
end
for _, node in ipairs(nodeNames(KEYS[8])) do
  ready = ready + size('LLEN', qp .. 'ready:!' .. node)
  nextOf(qp .. 'ready:!' .. node)
end
-- Ids left in those lists by jobs that left the queue (wasLeftBehind in lib.lua) are no jobs.
ready = math.max(0, ready - size('SCARD', qp .. 'gone'))
local latency = -1
if readySince then latency = math.max(0, nowMs - readySince) end
local completed = redis.pcall('GET', KEYS[5])
return {
  ready,
  size('ZCARD', KEYS[3]),
  size('ZCARD', KEYS[4]),
  type(completed) == 'string' and tonumber(completed) or 0,
  size('ZCARD', KEYS[6]),
  latency
}
