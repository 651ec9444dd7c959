-- Which Switchboard node acts on a call's AMI events, when several nodes share one Asterisk.
-- KEYS[1] = <prefix>:call:<uniqueid>:owner   ARGV[1] = this node's id   ARGV[2] = <prefix>:node:
-- ARGV[3] = seconds the owner record lives (a call's lifetime bound)   ARGV[4] = the call's Asterisk ('' = any)
-- Replies 1 when this node owns the call (or has just taken it over from a node that can no longer act on
-- it: its <prefix>:node:<id>:<asterisk> heartbeat expired, the node gone or its AMI link to that Asterisk down),
-- 0 when a node that can act owns it. Atomic, so of two nodes taking over one call only one wins.
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then return 1 end
local alive = ARGV[2] .. (owner or '') .. ((ARGV[4] or '') ~= '' and (':' .. ARGV[4]) or '')
if owner and redis.call('EXISTS', alive) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[3]))
return 1
