--[[ queue-resume: end a queue's pause and wake the nodes that wait for its jobs.
  KEYS[1] {q}:paused   STRING present while the queue is paused
  KEYS[2] {q}:signal   LIST   wake-up token for idle workers
  KEYS[3] {q}:pinned   SET    nodes with jobs pinned to them; their wake-up lists are
                              {q}:signal:@<node>, derived from KEYS[2] (same slot)
  The nodes are woken as a freed slot of a queue limit wakes them (wakeIdleNodes, lib.lua), every
  node with pinned jobs (a freed slot wakes a sample of them): the waiting jobs start at once.
  Returns: 1 if the queue was paused, 0 if it was not ]]
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
-- Every pinned name (no sample): a resume is an operator's rare act, and names leave the set
-- when their lists empty, so it holds names with jobs waiting, not history.
wakeIdleNodes(string.sub(KEYS[2], 1, -7)) -- the queue prefix: the key without 'signal'
return 1
