-- Claims the outbox's messages due by now for one node: each moves to the end of a lease in the same step, so no other
-- node takes it meanwhile, and it is due again if the claiming node stops before it is sent (and removed).
-- KEYS[1] email-outbox   ARGV: nowMs, leaseEndMs, batch
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, entry in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], entry) end
return due
