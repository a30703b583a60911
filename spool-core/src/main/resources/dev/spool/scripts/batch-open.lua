--[[ batch-open: configure a batch and push a slice of its parts; the last slice closes it, so
  the batch knows its total before any part can finish.
  KEYS[1] {bq}:batch:<token>:parts  SET   KEYS[2] {bq}:batch:<token>:state  HASH
  KEYS[3] {bq}:batch-submits  ZSET  token -> when its submit is given up for dead (ms, Redis's
  clock): a submit whose deadline passes (its process died or stalled) is settled by the batch
  queue's maintenance (batch-submit.lua claim), its open parts with no job counted as failed
  ARGV[1] ttl (s)   ARGV[2] '1' to close   ARGV[3] the first slice: the submit's lease (ms),
  listed from now; '' for a later slice   ARGV[4] the batch's token   ARGV[5] a later slice: the
  deadline the submit last saw, which must still be listed (else the submit was taken over and
  the slice is refused, so that no part joins a batch being settled); '' for the first
  ARGV[6] number N of state field/value pairs that follow (policy, ttl, oc, oco, os, oso, parent,
  sq), then the parts
  Returns: the submit's deadline (ms), or -1 if it was taken over (nothing written) ]]
local qp = string.sub(KEYS[3], 1, -#'batch-submits' - 1)
local deadline
if ARGV[5] ~= '' then
  local listed = redis.pcall('ZSCORE', KEYS[3], ARGV[4])
  if type(listed) ~= 'string' or listed ~= ARGV[5] then return -1 end
  deadline = tonumber(ARGV[5])
end
-- A state written behind Spool's back is refused before the first write: HINCRBY would fail after
-- the parts were added, and they would never be counted.
local refused = corruptTotalError(KEYS[2], 'batch')
if refused then return refused end
local n = tonumber(ARGV[6])
for i = 7, 6 + 2 * n, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
local added = 0
if #ARGV >= 7 + 2 * n then added = redis.call('SADD', KEYS[1], unpack(ARGV, 7 + 2 * n)) end
redis.call('HINCRBY', KEYS[2], 'total', added)
if ARGV[2] == '1' then redis.call('HSET', KEYS[2], 'closed', 1) end
if ARGV[3] ~= '' then
  local t = redis.call('TIME')
  deadline = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[3])
  onOwn(qp, 'ZADD', KEYS[3], deadline, ARGV[4])
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return deadline or 0
