--[[ job-log-read: up to ARGV[2] lines of a job's log from a position (Statuses.log, logTail),
  so that a page following a running job reads only the lines added since it last looked.
  KEYS[1] {q}:job:<id>  HASH  the status: 'lg' counts the lines ever added to its log
  KEYS[2] {q}:log:<id>  LIST  its log, oldest first (job-log keeps the newest lines)
  ARGV[1] the position of the first line wanted: lines count from 0, the first ever added, and
          keep their position when older ones are dropped; -1 for the newest ARGV[2] lines
  ARGV[2] lines at most (the work is bounded by it)
  A position before the oldest line kept reads from that line; one beyond the lines ever added
  (the log was deleted with its status and begun again) reads from the oldest line kept too, so
  the reader sees the position it got differ from the one it asked for. A log key of another
  type reads as no log; a count that is missing or garbage (a log from before the count, marked
  '1') reads as the lines kept.
  Returns: {position of the first line returned, lines ever added, line, line, …} ]]
if redis.call('TYPE', KEYS[2]).ok ~= 'list' then return {0, 0} end
local added = logLinesAdded(KEYS[1], KEYS[2])
local oldest = added - redis.call('LLEN', KEYS[2])
local max = tonumber(ARGV[2])
local from = tonumber(ARGV[1])
if from < 0 then from = added - max end
if from < oldest or from > added then from = oldest end
local out = {}
if from < added and max > 0 then
  out = redis.call('LRANGE', KEYS[2], from - oldest, from - oldest + max - 1)
end
table.insert(out, 1, added)
table.insert(out, 1, from)
return out
