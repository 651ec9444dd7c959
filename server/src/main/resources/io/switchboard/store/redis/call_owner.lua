-- Which Switchboard node acts on a call's AMI events, when several nodes share one Asterisk.
-- KEYS[1] = <prefix>:call:<uniqueid>:owner   ARGV[1] = this node's id   ARGV[2] = <prefix>:node:
-- ARGV[3] = seconds the owner record lives (a call's lifetime bound)
-- Replies 1 when this node owns the call (or has just taken it over from a node that is no longer
-- alive: its <prefix>:node:<id> heartbeat expired), 0 when a live node owns it. Atomic, so of two nodes
-- taking over one call only one wins.
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then return 1 end
if owner and redis.call('EXISTS', ARGV[2] .. owner) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[3]))
return 1
