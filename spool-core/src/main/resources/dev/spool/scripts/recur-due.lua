--[[ recur-due: checks a queue's due times of recurring jobs against its definitions, for
  RecurringStore to give each definition without one its next run again.
  KEYS[1] {q}:recurring      HASH  name -> definition JSON
  KEYS[2] {q}:recurring:due  ZSET  name -> next run (ms)
  ARGV[1] queue prefix ("<ns>:{q}:")
  A due set of another type (garbage written behind Spool's back) is set aside for a week as
  <qp>corrupt:recurring:due in this same step, so that two nodes never both move it, and it never
  stays without its expiry.
  Returns: {1 if it was set aside, else 0; definitions (0 when their key holds another type); due
  entries} ]]
local qp = ARGV[1]
local asideNow = 0
local kind = redis.call('TYPE', KEYS[2]).ok
if kind ~= 'zset' and kind ~= 'none' then
  setAside(qp, KEYS[2], 'recurring:due')
  asideNow = 1
end
local defined = redis.pcall('HLEN', KEYS[1])
if type(defined) ~= 'number' then defined = 0 end
return {asideNow, defined, redis.call('ZCARD', KEYS[2])}
