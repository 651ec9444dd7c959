-- Adds to KPI counters kept outside the routing script (CSAT, SLA verdicts, case resolutions), in the
-- same minute and hour buckets as router.lua's stats, atomically, so every node reads the same totals.
--
-- KEYS[1] the minute bucket (kept 2 days), KEYS[2] the hour bucket (kept 400 days): hashes
-- ARGV: field, amount, field, amount, ...
for _, bucket in ipairs(KEYS) do
  for i = 1, #ARGV, 2 do
    redis.call('HINCRBY', bucket, ARGV[i], ARGV[i + 1])
  end
end
redis.call('EXPIRE', KEYS[1], 172800)
redis.call('EXPIRE', KEYS[2], 34560000)
return 'OK'
