--[[ job-log: add a line to a job's log (JobContext.log), kept beside its status.
  KEYS[1] {q}:job:<id>  HASH  the status   KEYS[2] {q}:log:<id>  LIST  its log, oldest first
  ARGV[1] the line (JSON: time, attempt, message)   ARGV[2] lines kept: the oldest go beyond
  ARGV[3..5] the attempt the line belongs to: node, attempt, recorded time; the line is added
  only while that node holds that attempt of that job (holdsAttempt); a node of '' adds to any
  The log lives as long as its status: it takes the status's expiry, or none while the status has
  none (a job waiting, running or dead). The status counts the lines ever added ('lg'), so that
  the scripts that give it an expiry or delete it (complete, endKilled, forget) do the same to its
  log, and a reader can ask for the lines after the ones it has (job-log-read). A log from before
  the count (marked '1') counts on from the lines it keeps.
  A job whose status is gone gets no log. A log key of another type is set aside.
  Returns: 1 added, 0 no such status (or no longer that attempt's) ]]
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then return 0 end
if not writableBy(KEYS[1], ARGV[3], ARGV[4], ARGV[5]) then return 0 end
local qp = string.match(KEYS[1], '^(.*}:)job:')
local added = logLinesAdded(KEYS[1], KEYS[2]) + 1 -- with this line
onOwn(qp, 'RPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
redis.call('HSET', KEYS[1], 'lg', added)
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) else redis.call('PERSIST', KEYS[2]) end
return 1
