-- Counts one new chat from a client address in the current minute (the rate limit of /chat), and sets
-- the counter's expiry in the same step, so a counter can never outlive its minute.
-- KEYS[1] chat-starts:<address>:<minute>   ARGV[1] expiry in ms
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
