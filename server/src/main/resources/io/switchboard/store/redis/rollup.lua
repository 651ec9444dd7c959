-- Rolls a KPI family's minute buckets up into its hour buckets, once an hour is over (see KpiCounters).
--
-- The routing scripts count every fact into the minute bucket only: writing the hour bucket as well was about
-- 7 of a lifecycle's 100 commands. An hour bucket is the sum of its 60 minutes, written here in one atomic run
-- (the sum replaces the bucket, so summing again changes nothing), so any node may run this at any time;
-- `<family>:rolled` says how far. The last hour summed is summed again at every run until the next hour is due:
-- a count that comes late (a node whose clock is behind by up to an hour) still reaches its hour.
--
-- Call: EVALSHA sha 1 <prefix>:<family>:rolled  prefix family nowMs maxHours
-- Reads kpifamilies, the set of the families the routing scripts have counted into (they add to it).
-- Reply: {hours summed by this run, hours still due (another run does the next maxHours)}
local P, FAMILY, NOW, MAX_HOURS = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local HOUR = 3600000
-- An hour is first summed this long after it ends: each node counts by its own clock (the node calling this may be
-- ahead of the others), and a request may wait in a queue.
local GRACE = 300000
-- Minute buckets live 48 hours from their first write: an older hour may have lost some of its minutes, so a
-- family's first roll-up starts within that (older hours keep the bucket they have, if any).
local MINUTES_SAFE = 46 * HOUR
local BASE = P .. ':' .. FAMILY
local HOUR_TTL = '34560000' -- 400 days, in seconds

local settled = math.floor((NOW - GRACE) / HOUR) - 1 -- the last hour no more writes are expected for
local oldest = math.ceil((NOW - MINUTES_SAFE) / HOUR)
local marker = tonumber(redis.call('GET', KEYS[1]))
if not marker and redis.call('SISMEMBER', P .. ':kpifamilies', FAMILY) == 0 then
  -- no minute of this family was ever counted (a queue without traffic yet, or only an older version's hour
  -- buckets, which are whole): nothing to sum, and readers may take its hour buckets as they are
  redis.call('SET', KEYS[1], string.format('%d', settled))
  return {0, 0}
end
-- from the last hour summed (again), then up to MAX_HOURS new ones
local from, first_new = oldest, oldest
if marker then from, first_new = math.max(marker, oldest), math.max(marker + 1, oldest) end
local to = math.min(settled, first_new + MAX_HOURS - 1)

local function roll(hour)
  local sums, fields = {}, {}
  for minute = hour * 60, hour * 60 + 59 do
    local kv = redis.call('HGETALL', BASE .. ':m:' .. string.format('%d', minute))
    for i = 1, #kv, 2 do
      local field = kv[i]
      if not sums[field] then
        fields[#fields + 1] = field
        sums[field] = 0
      end
      sums[field] = sums[field] + tonumber(kv[i + 1])
    end
  end
  -- replaces what is there: an hour counted live by an older version (which wrote its minutes too) is summed again
  local hour_key = BASE .. ':h:' .. string.format('%d', hour)
  redis.call('DEL', hour_key)
  if #fields == 0 then return end
  local args = {}
  for _, field in ipairs(fields) do
    args[#args + 1] = field
    args[#args + 1] = string.format('%d', sums[field])
  end
  redis.call('HSET', hour_key, unpack(args))
  redis.call('EXPIRE', hour_key, HOUR_TTL)
end

if to < from then return {0, 0} end
for hour = from, to do roll(hour) end
redis.call('SET', KEYS[1], string.format('%d', to))
return {to - from + 1, settled - to}
