--[[ route: release jobs pinned non-strictly to a node that is dead or has been saturated too
  long, so that any node may take them (any but the one a job avoids, 'ax', which pushReady
  reads once 'an' is gone); strictly pinned jobs stay for their node. A slice per
  call (call again while it returns ARGV[3]): the work never grows with the lists.
  KEYS[1] {q}:ready:~<node>  LIST  jobs pinned to the node, not strictly
  KEYS[2] {q}:ready:@<node>  LIST  jobs pinned to the node strictly (only read for its length)
  KEYS[3] {q}:pinned         SET   nodes with pinned jobs
  ARGV[1] job key prefix   ARGV[2] node   ARGV[3] max jobs this call   ARGV[4] now (µs): the
  time of death of a job whose step fails ("corrupt job: its routing failed: <error>")
  Returns: jobs released ]]
local prefix, node = ARGV[1], ARGV[2]
local qp = string.sub(prefix, 1, -5)
-- onOwn: a list of another type (garbage, no jobs) is set aside, not an error at every pass.
local ids = onOwn(qp, 'LPOP', KEYS[1], tonumber(ARGV[3])) or {}
-- Routes one popped id.
local function routeOne(id)
  local key = prefix .. id
  local job = int(id) and fieldsOf(key, 's')
  if job and job[1] == 'queued' then
    -- It falls back for good: any node may run it now, but the one it avoids ('ax'), if any.
    redis.call('HDEL', key, 'an')
    pushReady(qp, key, id, false)
  elseif job and job[1] then
    wasLeftBehind(qp, id) -- another of Spool's states: no ready job, dropped
  elseif int(id) then
    -- No job behind it: fetch drops it if it was left behind, else buries it as lost.
    onOwn(qp, 'RPUSH', qp .. 'ready', id)
  end
end
-- The ids are routed under eachGuarded: they are off their list, so an error in one job's step
-- would lose every id popped. Such a job goes to the dead set with the error; if even that
-- fails, to the plain ready list.
eachGuarded(ids, routeOne, function(id, err)
  if not buryFailed(qp, id, 'routing', err, ARGV[4], nil) then redis.pcall('RPUSH', qp .. 'ready', id) end
end)
-- onOwn: the strict list of another type (garbage) is set aside, after the pops above.
if onOwn(qp, 'LLEN', KEYS[1]) == 0 and onOwn(qp, 'LLEN', KEYS[2]) == 0 then
  redis.call('SREM', KEYS[3], node)
end
return #ids
