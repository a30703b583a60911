--[[ release: a node hands jobs it holds back to the head of the queue (graceful shutdown).
  The attempt is not used up: the job did not fail. The interrupted run is archived in the
  status's previous attempts (state 'handed back', with its times, progress, errors and data),
  which are then reset, so that the queued job does not show a half-done run as its own.
  KEYS[1] {q}:ready   LIST   KEYS[2] {q}:prio  ZSET   KEYS[3] {q}:active  ZSET
  KEYS[4] {q}:signal  LIST
  ARGV[1] job key prefix   ARGV[2] node name   ARGV[3] now (µs)   ARGV[4] expiry (s) of a killed
  job's status   ARGV[5] type of the internal job that reports a batch part's end
  ARGV[6] hand-backs at stops a job may have without using an attempt (the worker's maxHandBacks)
  ARGV[7] default attempts (for jobs whose options carry no retry policy)
  ARGV[8..] triples: id, attempt, when the job was recorded (µs, as fetch gave it; see holdsAttempt)
  A job whose kill was requested ('krq') is not handed back: it ends killed, its batch part, if
  any, reported to its batch as failed. Each hand-back is counted in the job's 'hb'; a job handed
  back ARGV[6] times already ends its attempt as abandoned instead (error 'HandedBack'), as reap
  ends one whose lease expired: attempt + 1 at the head of the queue, or the dead set when its
  retry policy leaves no attempt. Without the cap, a job that always outlives the stop's deadline
  (or makes its node stop) would restart forever. A job whose step fails goes to the dead set as
  "corrupt job: its hand-back failed: <error>".
  Returns: {jobs handed back, jobs ended killed, jobs whose hand-back used an attempt, of those
  the jobs moved to the dead set} ]]
local prefix, node, now = ARGV[1], ARGV[2], ARGV[3]
local qp = string.sub(prefix, 1, -5)
local released, killed, used, dead, freed = 0, 0, 0, 0, false
local why = 'killed on request while node \'' .. node .. '\' stopped'
local stops = {max = tonumber(ARGV[6]), attempts = tonumber(ARGV[7])}
for i = 8, #ARGV, 3 do
  -- Guarded: a job whose step fails goes to the dead set ('buried', in no count: the dead set
  -- shows it, with its error), and the jobs after it are still handed back.
  local outcome = handBackGuarded(qp, prefix, node, ARGV[i], ARGV[i + 1], ARGV[i + 2], now, ARGV[4],
    ARGV[5], 'handed back', why, stops)
  if outcome then freed = true end
  if outcome == 'released' then released = released + 1 end
  if outcome == 'killed' then killed = killed + 1 end
  if outcome == 'requeued' or outcome == 'dead' then used = used + 1 end
  if outcome == 'dead' then dead = dead + 1 end
end
if freed then wakeIfLimited(qp) end
return {released, killed, used, dead}
