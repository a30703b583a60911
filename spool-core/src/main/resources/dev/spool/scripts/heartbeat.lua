--[[ heartbeat: renew the leases of the jobs one node holds in one queue, and tell the node which
  leases it lost and which jobs have a kill request waiting.
  KEYS[1] {q}:active  ZSET  id -> lease deadline (ms, Redis server time)
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] lease (ms)
  ARGV[4..] triples: id, attempt the node holds, when the job was recorded (µs, as fetch gave it)
  A lease is renewed only while the node still holds that attempt of that job (holdsAttempt):
  state 'started', 'w' this node, 'n' this attempt, 'rec' that time, the id in KEYS[1]. The deadline is Redis's clock (TIME) plus the
  lease, so no node's clock matters. A renewal removes, then adds: at maxmemory (noeviction)
  Redis refuses only a script's first write that may grow memory, so leases are still renewed.
  A key that is not a job hash is a lost lease of that job, never an error of the call. A lease
  missing while the job is still this node's attempt (lost data) is given again.
  Returns: {ids whose lease the node lost, ids with a stored kill request ('krq')} ]]
local prefix, node = ARGV[1], ARGV[2]
local qp = string.sub(prefix, 1, -5)
local now = redis.call('TIME')
local deadline = string.format('%.0f',
  tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[3]))
local lost, kill = {}, {}
for i = 4, #ARGV, 3 do
  local id, attempt, recorded = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local key = prefix .. id
  local job = false
  if redis.call('TYPE', key).ok == 'hash' then
    job = redis.call('HMGET', key, 's', 'w', 'n', 'krq', 'rec')
  end
  local held = holdsAttempt(job, job and job[5], node, attempt, recorded)
  if held and onOwn(qp, 'ZSCORE', KEYS[1], id) then
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZADD', KEYS[1], deadline, id)
  elseif held then
    -- The job is still this node's attempt, yet its lease is gone: a reap, an outcome or a
    -- hand-back change the job in the same script, so only lost data (leases overwritten with
    -- garbage, set aside) does this. The lease is given again; else the job would stay started
    -- with no lease, never reaped. (pcall: at maxmemory, a lost lease.)
    held = type(redis.pcall('ZADD', KEYS[1], deadline, id)) == 'number'
  end
  if held then
    if job[4] then kill[#kill + 1] = id end
  else
    lost[#lost + 1] = id
  end
end
return {lost, kill}
