--[[ reclaim: a node that did not get the answer to one of its fetch calls (a timeout, a dropped
  connection, a Redis that stood still or restarted) hands back the jobs that call leased, at
  once and without using an attempt: they never reached a handler. Without it they would wait
  for their lease and then run at attempt + 1, and a job allowed one attempt would end dead
  without having run.
  KEYS[1] {q}:ready   LIST   KEYS[2] {q}:prio  ZSET   KEYS[3] {q}:active  ZSET
  KEYS[4] {q}:signal  LIST
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] now (µs)   ARGV[4] expiry (s) of a killed
  job's status   ARGV[5] type of the internal job that reports a batch part's end
  ARGV[6] the unanswered call's receipt ("<node instance>|<call number>", see fetch.lua)
  ARGV[7] the node's lease (ms): the receipt is kept for three
  The call's jobs are those fetch kept in {q}:receipt:<node>:<instance> under this receipt.
  Each one still started on this node goes back to the head of its
  queue as release.lua hands jobs back, its run archived as 'not delivered'; one whose kill was
  requested ends killed. The receipt is then kept as reclaimed (no jobs), so that the call, if it
  has yet to run (sent before and read after this one), leases nothing. A receipt kept for a
  later call of the node is left as it is: that call was answered or will be reclaimed itself.
  Returns: {jobs handed back, jobs ended killed} ]]
local prefix, node, now, receipt = ARGV[1], ARGV[2], ARGV[3], ARGV[6]
local qp = string.sub(prefix, 1, -5)
local mine = parseReceipt(receipt)
if not mine then return redis.error_reply('ERR reclaim: bad receipt "' .. receipt .. '"') end
local key = receiptKeyOf(qp, node, receipt)
local kept = parseReceipt(redis.pcall('GET', key))
if kept and kept.instance == mine.instance and kept.call > mine.call then return {0, 0} end
local released, killed, freed = 0, 0, false
if kept and kept.instance == mine.instance and kept.call == mine.call then
  local why = 'killed on request; node \'' .. node .. '\' never got the answer that leased it'
  local ids = {}
  for id in string.gmatch(kept.jobs, '%S+') do ids[#ids + 1] = id end
  -- Last first: each goes to the head, so the queue gets them back in the order fetch took them.
  -- Whichever attempt it holds: this node has made no later call of the queue since, and a job
  -- reaped meanwhile is no longer started here.
  for i = #ids, 1, -1 do
    -- Guarded: a job whose step fails goes to the dead set, and the ones after it still go back.
    local outcome = handBackGuarded(qp, prefix, node, ids[i], nil, nil, now, ARGV[4], ARGV[5],
      'not delivered', why)
    if outcome then freed = true end
    if outcome == 'released' then released = released + 1 end
    if outcome == 'killed' then killed = killed + 1 end
  end
end
-- Over any other value (a key of another type included): the call is answered for good.
redis.call('SET', key, receipt, 'PX', 3 * tonumber(ARGV[7]))
if freed then wakeIfLimited(qp) end
return {released, killed}
