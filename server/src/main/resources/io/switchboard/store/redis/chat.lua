-- Appends one chat message to an interaction's transcript and publishes it, in one atomic step, so
-- the order readers see on pub/sub is the transcript order (seq = the message's place in the list).
--
-- KEYS[1] the transcript list
-- ARGV: messageJson (an object; seq is added), channel to publish on ('' = none), max messages kept
-- Returns the message's seq (1, 2, ...), or 0 if the transcript is full.
local n = redis.call('LLEN', KEYS[1])
if n >= tonumber(ARGV[3]) then
  return 0
end
local message = cjson.decode(ARGV[1])
message.seq = n + 1
local json = cjson.encode(message)
redis.call('RPUSH', KEYS[1], json)
if ARGV[2] ~= '' then
  redis.call('PUBLISH', ARGV[2], json)
end
return n + 1
