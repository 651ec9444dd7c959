-- Counts one request of a client in a fixed window: the counter starts with the window's expiry, so a
-- crash between INCR and PEXPIRE cannot leave a counter that never expires.
--
-- KEYS[1] the client's counter
-- ARGV: windowMillis
-- Returns the count in the current window, this request included.
local n = redis.call('INCR', KEYS[1])
if n == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
