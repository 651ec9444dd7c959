-- Adds to KPI counters kept outside the routing script (CSAT, case resolutions), in the same minute buckets as
-- router.lua's stats (rolled up into hours by rollup.lua), atomically, so every node reads the same totals.
--
-- KEYS[1] the minute bucket (kept 2 days), KEYS[2] the set of counter families (kpifamilies)
-- ARGV: family, field, amount, field, amount, ...
for i = 2, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('EXPIRE', KEYS[1], 172800)
redis.call('SADD', KEYS[2], ARGV[1])
return 'OK'
