--[[ batch-stop: stop a batch: its parts that have not started end killed; running ones finish.
  KEYS[1] {bq}:batch:<token>:state  HASH
  A batch that is not known (never opened, or expired) is left alone: a stop must not create a
  state key, which would have no expiry. The state's expiry stands (HSET keeps it).
  Returns: 1 if the batch was stopped, 0 if there is no such batch ]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'stopped', 1)
return 1
