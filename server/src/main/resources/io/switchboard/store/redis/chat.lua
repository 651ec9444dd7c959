-- Appends one chat message to an interaction's transcript and publishes it, in one atomic step, so
-- the order readers see on pub/sub is the transcript order (seq = the message's place in the list).
--
-- KEYS[1] the transcript list, KEYS[2] the interaction's hash
-- ARGV: messageJson (an object; seq is added), channel to publish on ('' = none), max messages kept, the agent who
-- must hold the chat ('' = anyone: a customer's line): read in the same step, so a line meant for one agent never
-- lands after the chat went to another
-- Returns the message's seq (1, 2, ...), 0 if the transcript is full, -1 if the chat is not that agent's now.
if ARGV[4] ~= nil and ARGV[4] ~= '' then
  local held = redis.call('HMGET', KEYS[2], 'agent', 'status')
  if held[1] ~= ARGV[4] or held[2] ~= 'assigned' then
    return -1
  end
end
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
