-- Chats whose customer is gone: due in chat-deadlines (no socket confirmed them in time: the grace after a drop
-- ran out, or the node holding the socket stopped) and not resumed since. Each is removed as it is claimed, so
-- exactly one node ends it. A pending drop (detached) of a socket that no longer holds the chat (attached is
-- another: the customer resumed, and the old socket closed late) is stale: it is cleared and the chat watched
-- again until ARGV[4], which the node holding the new socket keeps moving on while it is there.
-- KEYS[1] chat-deadlines   ARGV[1] now (ms)   ARGV[2] batch   ARGV[3] the interactions' key prefix (<prefix>:int:)
-- ARGV[4] the new deadline (ms) of a chat found resumed
local gone = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])) do
  local detached, attached = ARGV[3] .. id .. ':detached', ARGV[3] .. id .. ':attached'
  local drop = redis.call('GET', detached)
  if not drop or drop == redis.call('GET', attached) then
    redis.call('ZREM', KEYS[1], id)
    redis.call('DEL', detached, attached)
    gone[#gone + 1] = id
  else
    redis.call('DEL', detached)
    redis.call('ZADD', KEYS[1], ARGV[4], id)
  end
end
return gone
