--[[ leader-resign: a node that stops gracefully gives up the lead of one duty it holds, so that a
  standby takes the duty over at its next period instead of when the lead lapses (up to three
  periods: 3 minutes for pruning).
  KEYS[1] {q}:leader:<duty>  STRING  name of the leading node
  ARGV[1] node name
  Returns: 1 given up, 0 this node did not lead ]]
if redis.pcall('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
