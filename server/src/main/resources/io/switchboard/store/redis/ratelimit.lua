-- Counts one request of a client in a fixed window: the counter starts with the window's expiry, so a
-- crash between INCR and PEXPIRE cannot leave a counter that never expires.
--
-- KEYS[1] the client's counter
-- ARGV: windowMillis, or 'forgive'
-- Returns the count in the current window, this request included; with 'forgive', takes one request back from a
-- counter of the current window only: a DECR after the window ended would make a counter of -1 with no expiry, a
-- key for ever and a free guess in every window after.
if ARGV[1] == 'forgive' then
  if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
  return redis.call('DECR', KEYS[1])
end
local n = redis.call('INCR', KEYS[1])
if n == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
