-- The grace period after customer socket ARGV[1] dropped is over. Returns 1 (and clears the marks) if
-- that drop is still pending and that socket still holds the chat; 0 if the customer came back on
-- another socket (any node) since. One step, so a resume and the end of the grace cannot both win.
-- KEYS[1] int:<id>:detached   KEYS[2] int:<id>:attached
if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
return 0
