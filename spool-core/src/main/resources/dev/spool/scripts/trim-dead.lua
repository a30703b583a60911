--[[ trim-dead: keep a queue's dead set within its bounds of age and size (the Pruner's step,
  after each prune; safe on every node at once). A death by a failed attempt trims the set
  itself; this also covers deaths by an expired lease or corrupt fields, and dead jobs that age
  out while nothing dies. The oldest go first, with their statuses, at most ARGV[4] per call.
  KEYS[1] {q}:dead  ZSET  id -> time of death (ms)
  ARGV[1] job key prefix   ARGV[2] max size   ARGV[3] dead jobs that died before this (ms) go
  ARGV[4] max deletions this call
  Returns: dead jobs deleted (call again while it returns ARGV[4]) ]]
local qp = string.sub(ARGV[1], 1, -5)
return trimDead(qp, KEYS[1], ARGV[2], ARGV[3], tonumber(ARGV[4]))
