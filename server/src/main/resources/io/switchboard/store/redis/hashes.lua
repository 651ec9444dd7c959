-- Many hashes in one call: each of KEYS whole (HGETALL) when ARGV names no field, else the fields ARGV
-- names (HMGET, false where absent). The floor's statistics read every agent and hundreds of counter buckets
-- every few seconds; as one command each, the node handled a reply and a future apiece, and routing on that
-- event loop waited 60-100 ms behind them. The caller bounds how many keys one call reads, since Redis runs
-- nothing else while a script runs.
local out = {}
for i, key in ipairs(KEYS) do
  if #ARGV == 0 then
    out[i] = redis.call('HGETALL', key)
  else
    out[i] = redis.call('HMGET', key, unpack(ARGV))
  end
end
return out
