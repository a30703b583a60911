--[[ recur-skip: move the due entry of a recurring job that cannot fire out of the way, so that it
  no longer comes first among the queue's due ticks: an entry with no definition leaves the due
  set; one whose definition does not parse waits until ARGV[5], and is tried again then (a
  definition set again meanwhile, by recur-set, brings its own next run). Nothing moves if the
  entry or the definition changed since this node read them.
  KEYS[1] {q}:recurring      HASH  name -> definition JSON
  KEYS[2] {q}:recurring:due  ZSET  name -> next run (ms)
  KEYS[3] {q}:recurring:last HASH  name -> last run (ms); given for 'moved' only
  ARGV[1] name   ARGV[2] the next run this node saw (ms)
  ARGV[3] 'missing', 'malformed' or 'moved'   ARGV[4] the definition it read
  ARGV[5] when a malformed definition is tried again (ms)
  'moved': the name is defined on another queue now (a move that crashed halfway, or two
  processes moving it at once): this queue's definition, next and last run are removed, so that
  it never fires beside the other.
  Returns: 1 moved or removed, 0 changed meanwhile ]]
local name = ARGV[1]
local seen = redis.call('ZSCORE', KEYS[2], name)
if not seen or tonumber(seen) ~= tonumber(ARGV[2]) then return 0 end
local definition = redis.call('HGET', KEYS[1], name)
if ARGV[3] == 'missing' then
  if definition then return 0 end
  redis.call('ZREM', KEYS[2], name)
  return 1
end
if definition ~= ARGV[4] then return 0 end
if ARGV[3] == 'moved' then
  local qp = string.sub(KEYS[1], 1, -#'recurring' - 1)
  redis.call('ZREM', KEYS[2], name)
  redis.call('HDEL', KEYS[1], name)
  onOwn(qp, 'HDEL', KEYS[3], name)
  return 1
end
redis.call('ZADD', KEYS[2], ARGV[5], name)
return 1
