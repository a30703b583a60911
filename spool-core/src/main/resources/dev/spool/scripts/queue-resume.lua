--[[ queue-resume: end a queue's pause and wake the nodes that wait for its jobs.
  KEYS[1] {q}:paused   STRING present while the queue is paused
  KEYS[2] {q}:signal   LIST   wake-up token for idle workers
  KEYS[3] {q}:pinned   SET    nodes with jobs pinned to them; their wake-up lists are
                              {q}:signal:@<node>, derived from KEYS[2] (same slot)
  Returns: 1 if the queue was paused, 0 if it was not ]]
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
local qp = string.sub(KEYS[2], 1, -7) -- the key without 'signal'
signal(qp, KEYS[2])
for _, node in ipairs(nodeNames(KEYS[3])) do -- node names only: see nodeNames
  signal(qp, KEYS[2] .. ':@' .. node)
end
return 1
