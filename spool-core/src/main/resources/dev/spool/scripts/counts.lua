--[[ counts: the jobs of one queue by where they are, read in one atomic step so that a job
  moving between two of them is never counted twice or missed.
  KEYS[1] ready  KEYS[2] prio  KEYS[3] delayed  KEYS[4] active  KEYS[5] completed  KEYS[6] dead
  KEYS[7] pinned  SET of nodes with pinned jobs   KEYS[8] avoid  SET of nodes jobs avoid
  ARGV[1] queue prefix: the lists of pinned ({q}:ready:@<node>, {q}:ready:~<node>) and avoiding
  ({q}:ready:!<node>) jobs are found under it (work bounded by the number of nodes)
  A key that holds another type than it should counts as empty.
  Returns: {ready, delayed, processing, completed, dead} ]]
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
for _, node in ipairs(members(KEYS[7])) do
  ready = ready + size('LLEN', qp .. 'ready:@' .. node) + size('LLEN', qp .. 'ready:~' .. node)
end
for _, node in ipairs(members(KEYS[8])) do
  ready = ready + size('LLEN', qp .. 'ready:!' .. node)
end
local completed = redis.pcall('GET', KEYS[5])
return {
  ready,
  size('ZCARD', KEYS[3]),
  size('ZCARD', KEYS[4]),
  type(completed) == 'string' and tonumber(completed) or 0,
  size('ZCARD', KEYS[6])
}
