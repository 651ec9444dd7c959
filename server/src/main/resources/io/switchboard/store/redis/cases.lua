-- Commits one case change if nobody changed the case since it was read (optimistic concurrency:
-- the Java domain decides, this script only refuses a lost update), and keeps the indexes in step.
-- All keys share the {prefix} hash tag, so this runs in one Redis Cluster slot.
--
-- KEYS[1] the case hash
-- ARGV: prefix, expectedVersion ('0' = the case must not exist), fieldsJson (string -> string),
--       id, customerId, type, status, createdAt (epoch ms, the index score), agentId ('' = none)
-- Returns the new version, or 0 if the case changed (or exists) meanwhile.
local key = KEYS[1]
local prefix, expected, id, customer, ctype, status, created, agent =
  ARGV[1], ARGV[2], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9] or ''
local current = redis.call('HGET', key, 'version')
if (current or '0') ~= expected then
  return 0
end
local old = redis.call('HGET', key, 'status')
local old_agent = redis.call('HGET', key, 'agentId') or ''
local version = tonumber(expected) + 1
local flat = {}
for k, v in pairs(cjson.decode(ARGV[3])) do
  flat[#flat + 1] = k
  flat[#flat + 1] = v
end
flat[#flat + 1] = 'version'
flat[#flat + 1] = tostring(version)
redis.call('HSET', key, unpack(flat))
if old ~= status then
  if old then
    redis.call('ZREM', prefix .. ':cases:status:' .. old, id)
  end
  redis.call('ZADD', prefix .. ':cases:status:' .. status, created, id)
end
-- by assignee: an agent's cases however many others there are (added on every write, so a case written before this
-- index existed joins it at its next change)
if old_agent ~= agent and old_agent ~= '' then
  redis.call('ZREM', prefix .. ':cases:agent:' .. old_agent, id)
end
if agent ~= '' then
  redis.call('ZADD', prefix .. ':cases:agent:' .. agent, created, id)
end
if not current then
  redis.call('ZADD', prefix .. ':cases', created, id)
  redis.call('ZADD', prefix .. ':cases:customer:' .. customer, created, id)
  redis.call('ZADD', prefix .. ':cases:type:' .. ctype, created, id)
end
return version
