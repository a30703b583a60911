--[[ release: a node hands jobs it holds back to the head of the queue (graceful shutdown).
  The attempt is not used up: the job did not fail.
  KEYS[1] {q}:ready   LIST   KEYS[2] {q}:prio  ZSET   KEYS[3] {q}:active  ZSET
  KEYS[4] {q}:signal  LIST
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3..] pairs: id, attempt
  Returns: number of jobs handed back ]]
local prefix, node = ARGV[1], ARGV[2]
local qp = string.sub(prefix, 1, -5)
local released = 0
for i = 3, #ARGV, 2 do
  local id, attempt = ARGV[i], ARGV[i + 1]
  local key = prefix .. id
  local job = fieldsOf(key, 's', 'w', 'n')
  if job and job[1] == 'started' and job[2] == node and job[3] == attempt then
    redis.call('ZREM', KEYS[3], id)
    redis.call('HSET', key, 's', 'queued')
    redis.call('HDEL', key, 'w')
    restate(qp, id, 'started', 'queued')
    unlock(qp, key, id, 'W')
    pushReady(qp, key, id, true)
    released = released + 1
  end
end
return released
