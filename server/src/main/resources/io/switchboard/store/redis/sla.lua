-- Switchboard SLA timers, run atomically inside Redis.
--
-- Every armed target (an interaction's `answer`; a case's firstResponse, nextResponse, resolution) is
-- one timer walking its policy's escalation ladder (warn, breach, raise_priority, notify, severity steps).
-- Java computes the wall-clock offset of every step once (business calendars, DST) when a timer is
-- armed, resumed or re-targeted; this script only compares instants, so firing needs no calendar.
-- Redis runs one script at a time, so each step fires exactly once whichever node sweeps first, and
-- every timer lives in Redis: a node that stops loses nothing; what fell due meanwhile fires at the
-- next sweep of any node, marked late.
--
-- Layout (CommandScript): the server runs one script per command, holding that command's handler
-- (`if CMD == '<name>' then ... end`) and the top-level locals it names, directly or through others; every
-- other top-level statement is kept. So every top-level statement starts at column 0 and everything else is
-- indented; a helper that a command needs is a top-level local it names. Run whole, this file does the same.
--
-- An interaction's answer timer is armed by router.lua's enqueue instead, in the run that queues the contact
-- (arm_sla there writes this same layout), and met by its accept when the answer comes within a running target
-- that counts every second (meet_answer); everything else goes through this script.
--
-- Call: EVALSHA sha 1 <prefix>:sla:slots  prefix nowMs lateAfterMs breachesKept eventsMaxLen cmd args...
-- Reply: a JSON string {"result": ..., "error": "..."}.
--
-- Keys (all share the {hash tag} of the prefix, so the script works on Redis Cluster too). Memory is
-- the point of this layout: small hashes and sorted sets are stored as ziplists/listpacks, a few bytes
-- of overhead per entry, where one key or one skiplist node per timer would cost 100+ bytes.
--   sla:slots              zset of wheel slots holding timers: slot = floor(due / 100 ms), score = slot
--   sla:w:<slot>           zset of the timer ids whose next step is due in that slot, score = due (ms)
--   sla:idx:<bucket>       hash timer id -> payload; bucket = hash(id) mod 16384 keeps each under 128 entries
--                          up to ~1.5 M armed timers
--   sla:armed              number of armed timers (the gauge)
--   sla:policies           hash policy ref (name@version) -> ladder "calendar;at:code[:points],..."
--                          codes: w warn, b breach, r raise_priority, n notify, m severity major,
--                          c severity critical
--   sla:breaches           zset breach id -> breachedAt; capped at breachesKept. A breach id is its timer's id, or
--                          <timer id>#<breachedAt> when an earlier arming of that timer (a case's next response,
--                          a reopened case's resolution) left a breach under the plain id: every breach is kept
--   sla:breachof           hash timer id -> the breach id of its current arming, once that arming breached
--   sla:breach             hash breach id -> JSON {interaction | case, policy, target, queue, channel, dueAt,
--                          breachedAt, severity, late}
--   sla:warned             zset timer id -> deadline (ms) of running timers past a warn step and not yet
--                          breached: with the wheel, what `risk` reads without scanning the keyspace
--   sla:raises             zset of raise_priority and widen (member ending #x) steps fired but not yet done -> lease
--                          end (ms): the node that
--                          fired one removes it once the routing script raised; one that died leaves it to
--                          the next sweep of any node (the raise carries this member as a once-only token)
--   sla:events             pub/sub channel of SLA events for supervisors (any node's WebSocket)
--   sla:watch              zset timer id -> when to look at it again (ms): armed timers with no step on the wheel
--                          (every step fired, or paused). The node that ends a contact or a case ends its timers;
--                          one that stopped first left them armed for ever, off the wheel where `fire` finds such
--                          timers (over): the sweep looks at these every WATCH and ends those whose subject is over
--   kpi:m:<minute>         the floor's KPI minute buckets (KpiCounters; rollup.lua sums them into kpi:h:<hour>):
--                          every verdict is counted here, in the same run as the timer change that reaches it
--                          ("<target>:sla_met", "<target>:sla_breached_<severity>"), so a node that stops in
--                          between counts nothing twice and loses nothing
--   kpifamilies            the counter families rollup.lua rolls up (router.lua's)
--   events                 the webhook stream (router.lua's): SLA events are added when eventsMaxLen > 0
--   int:<iid>              the interaction: slaState slaBreachedAt slaSeverity slaMetAt slaElapsedMs mirrored
--   case:<cid>             the case: the same fields per target, prefixed by its letter (f:slaState, ...)
--
-- Timer id: <subject>|<target code> (a answer, f firstResponse, n nextResponse, r resolution); the subject
-- is an interaction id, or case:<case id> for a case's targets.
-- Payload:  state|ref|lengthMs|segmentStart|counted|next|offset,offset,...
--           state r (running) or p (paused); numbers in base 36 except next (decimal); offsets are the
--           wall-clock ms of each ladder step after the step before (the first: after segmentStart), none
--           while paused. A typical payload is about 50 bytes: under the 64 up to which hashes stay compact.

local P = ARGV[1]
local NOW = tonumber(ARGV[2])
local LATE_AFTER = tonumber(ARGV[3])
local BREACHES_KEPT = tonumber(ARGV[4])
local EVENTS_MAXLEN = tonumber(ARGV[5])
local CMD = ARGV[6]
local A = {} -- the command's arguments
for i = 7, #ARGV do A[#A + 1] = ARGV[i] end
local SLOT = 100
local RAISE_LEASE = 10000 -- ms a node has to raise a fired step's priority (or end a stale timer) before another does
local WATCH = 300000 -- ms between looks at an armed timer with no step left to fire (sla:watch)
local BUCKETS = 16384
local TARGETS = {a = 'answer', f = 'firstResponse', n = 'nextResponse', r = 'resolution'}
local ACTIONS = {w = 'warn', b = 'breach', r = 'raise_priority', n = 'notify', x = 'widen', m = 'severity_major',
                 c = 'severity_critical'}

-- P:a[:b[:c]]; plain concatenation (a vararg table per key costs more than the key)
local function key(a, b, c)
  if c then return P .. ':' .. a .. ':' .. b .. ':' .. c end
  if b then return P .. ':' .. a .. ':' .. b end
  return P .. ':' .. a
end

local function split(s, sep)
  local out, start = {}, 1
  while true do
    local i = string.find(s, sep, start, true)
    if not i then out[#out + 1] = string.sub(s, start) return out end
    out[#out + 1] = string.sub(s, start, i - 1)
    start = i + 1
  end
end

-- (RedisKeys.slaIndex computes the same in Java: nodes read a payload with a plain HGET)
local function bucket(id)
  local h = 0
  for i = 1, #id do h = (h * 31 + string.byte(id, i)) % BUCKETS end
  return h
end

local function idx(id) return key('sla', 'idx', bucket(id)) end

local function parse(payload)
  local f = split(payload, '|')
  local t = {state = f[1], ref = f[2], length = tonumber(f[3], 36), seg = tonumber(f[4], 36), counted = f[5],
             next = tonumber(f[6]), offs = {}}
  if f[7] and f[7] ~= '' then
    local sum = 0
    for _, o in ipairs(split(f[7], ',')) do
      sum = sum + tonumber(o, 36)
      t.offs[#t.offs + 1] = sum
    end
  end
  return t
end

local function encode(t, payload)
  local f = split(payload, '|')
  f[6] = tostring(t.next)
  return table.concat(f, '|')
end

-- the wall-clock instant of the next step, or nil (paused, or every step fired)
local function due(t)
  if t.state ~= 'r' or t.next >= #t.offs then return nil end
  return t.seg + t.offs[t.next + 1]
end

local function wheel_add(id, at)
  local slot = math.floor(at / SLOT)
  redis.call('ZADD', key('sla', 'w', slot), at, id)
  redis.call('ZADD', key('sla', 'slots'), slot, slot)
end

local function wheel_remove(id, at)
  local slot = math.floor(at / SLOT)
  local w = key('sla', 'w', slot)
  redis.call('ZREM', w, id)
  if redis.call('EXISTS', w) == 0 then redis.call('ZREM', key('sla', 'slots'), slot) end
end

-- An armed timer's place: its next step on the wheel, else (every step fired, or paused) on the watch
local function place(id, t)
  local at = due(t)
  if at then
    wheel_add(id, at)
    redis.call('ZREM', key('sla', 'watch'), id)
  else
    redis.call('ZADD', key('sla', 'watch'), NOW + WATCH, id)
  end
end

local ladders = {}
local function ladder(ref)
  local l = ladders[ref]
  if not l then
    l = {calendar = '', steps = {}}
    local def = redis.call('HGET', key('sla', 'policies'), ref)
    if def then
      local parts = split(def, ';')
      l.calendar = parts[1]
      for _, s in ipairs(split(parts[2] or '', ',')) do
        local f = split(s, ':')
        l.steps[#l.steps + 1] = {at = tonumber(f[1]), code = f[2], points = tonumber(f[3]) or 0}
      end
    end
    ladders[ref] = l
  end
  return l
end

local function subject(id) return string.sub(id, 1, #id - 2) end
local function is_case(id) return string.sub(id, 1, 5) == 'case:' end

-- the record the timer's state is mirrored into, and the prefix of its fields there (a case has several targets)
local function record(id)
  if is_case(id) then return P .. ':' .. subject(id), string.sub(id, -1) .. ':' end
  return key('int', subject(id)), ''
end

-- writes fields into the subject's record, if it exists (a benchmark's bare timers have none)
local function mirror(id, fields)
  local rkey, pre = record(id)
  if redis.call('EXISTS', rkey) == 0 then return end
  local args = {}
  for k, v in pairs(fields) do args[#args + 1] = pre .. k; args[#args + 1] = v end
  if #args > 0 then redis.call('HSET', rkey, unpack(args)) end
end

-- to supervisors' consoles and, when webhooks are on, to the webhook stream (same signing and retries)
local function publish_json(json, type)
  redis.call('PUBLISH', key('sla', 'events'), json)
  if EVENTS_MAXLEN > 0 then
    redis.call('XADD', P .. ':events', 'MAXLEN', '~', EVENTS_MAXLEN, '*', 'type', type or cjson.decode(json).type,
               'event', json)
  end
end

local function publish(ev) publish_json(cjson.encode(ev), ev.type) end

-- one SLA verdict of timer `id` into the floor's minute bucket (kept 2 days; rolled up into hours)
local function count(id, counter)
  local field = (TARGETS[string.sub(id, -1)] or '') .. ':' .. counter
  local k = key('kpi', 'm', string.format('%d', NOW / 60000))
  if redis.call('HINCRBY', k, field, '1') == 1 then
    redis.call('EXPIRE', k, 172800)
    redis.call('SADD', key('kpifamilies'), 'kpi')
  end
end

-- 1-based index of the breach step in the timer's ladder
local function breach_index(t)
  for i, s in ipairs(ladder(t.ref).steps) do
    if s.code == 'b' then return i end
  end
  return #t.offs + 1
end

-- the deadline of a running timer not yet breached, and whether a warn step fired; nil otherwise
local function deadline(t)
  local bi = breach_index(t)
  if t.state ~= 'r' or t.next >= bi or not t.offs[bi] then return nil end
  local warned = false
  for i, s in ipairs(ladder(t.ref).steps) do
    if i <= t.next and s.code == 'w' then warned = true end
  end
  return t.seg + t.offs[bi], warned
end

-- keeps sla:warned in step with the timer's new state (payload '' = disarmed)
local function track_warned(id, payload)
  redis.call('ZREM', key('sla', 'warned'), id)
  if payload == '' then return end
  local d, warned = deadline(parse(payload))
  if d and warned then redis.call('ZADD', key('sla', 'warned'), d, id) end
end

-- the fields every event of a step carries
local function base_event(id, t, at)
  local rkey, pre = record(id)
  local r
  if pre == '' then r = redis.call('HMGET', rkey, 'queue', 'channel')
  else r = {'', redis.call('HGET', rkey, pre .. 'slaChannel')} end
  local late = NOW - at
  local ev = {id = id, target = TARGETS[string.sub(id, -1)] or '', policy = split(t.ref, '@')[1], at = NOW,
              dueAt = at, lateMs = late, late = late > LATE_AFTER, queue = r[1] or '', channel = r[2] or ''}
  if is_case(id) then ev.case = string.sub(subject(id), 6) else ev.interaction = subject(id) end
  return ev
end

-- the breach of the timer's current arming (a breach from before sla:breachof was kept has the timer's id)
local function set_severity(id, severity)
  local bid = redis.call('HGET', key('sla', 'breachof'), id) or id
  local json = redis.call('HGET', key('sla', 'breach'), bid)
  if json then
    local b = cjson.decode(json)
    b.severity = severity
    redis.call('HSET', key('sla', 'breach'), bid, cjson.encode(b))
  end
  mirror(id, {slaSeverity = severity})
end

-- an arming breaches once (its breach step fires once, or its late end records it), so a breach already under the
-- timer's id is an earlier arming's, which keeps it
local function record_breach(id, ev)
  local bid = id
  if redis.call('HEXISTS', key('sla', 'breach'), id) == 1 then bid = id .. '#' .. NOW end
  redis.call('HSET', key('sla', 'breachof'), id, bid)
  ev.breach = bid
  local b = {id = bid, interaction = ev.interaction, case = ev.case, policy = ev.policy, target = ev.target,
             queue = ev.queue, channel = ev.channel, dueAt = ev.dueAt, breachedAt = NOW, severity = 'minor',
             late = ev.late}
  redis.call('HSET', key('sla', 'breach'), bid, cjson.encode(b))
  redis.call('ZADD', key('sla', 'breaches'), NOW, bid)
  local over = redis.call('ZCARD', key('sla', 'breaches')) - BREACHES_KEPT
  if over > 0 then
    for _, old in ipairs(redis.call('ZRANGE', key('sla', 'breaches'), 0, over - 1)) do
      redis.call('HDEL', key('sla', 'breach'), old)
    end
    redis.call('ZREMRANGEBYRANK', key('sla', 'breaches'), 0, over - 1)
  end
  mirror(id, {slaState = 'breached', slaBreachedAt = NOW, slaSeverity = 'minor'})
end

-- one step of one timer: its effects in Redis, its event, and an entry for the node that fired it
local function act(id, t, step, at, fired)
  local ev = base_event(id, t, at)
  ev.action = ACTIONS[step.code] or step.code
  ev.share = step.at
  if step.code == 'w' then
    ev.type = 'sla_warn'
    ev.remainingMs = math.floor(t.length * (1 - step.at) + 0.5)
    publish(ev)
  elseif step.code == 'b' then
    ev.type = 'sla_breach'
    ev.severity = 'minor'
    record_breach(id, ev)
    publish(ev)
  elseif step.code == 'm' or step.code == 'c' then
    ev.type = 'sla_severity'
    ev.severity = step.code == 'm' and 'major' or 'critical'
    set_severity(id, ev.severity)
    -- critical is the last severity: the breach is counted now, not when the target ends
    if step.code == 'c' then count(id, 'sla_breached_critical') end
    publish(ev)
  elseif step.code == 'r' then
    ev.points = step.points
    if not is_case(id) then
      ev.raise = id .. '#' .. t.next .. '#' .. step.points
      redis.call('ZADD', key('sla', 'raises'), NOW + RAISE_LEASE, ev.raise)
    end
  elseif step.code == 'n' then
    ev.type = 'sla_notify'
    publish(ev)
  elseif step.code == 'x' then
    ev.type = 'sla_widen'
    if not is_case(id) then
      -- leased as a raise is: a node that stops before routing widens leaves it to the next sweep ('x': a widen)
      ev.raise = id .. '#' .. t.next .. '#x'
      redis.call('ZADD', key('sla', 'raises'), NOW + RAISE_LEASE, ev.raise)
    end
    publish(ev)
  end
  fired[#fired + 1] = ev
end

-- What ended the target's subject, if it has: an interaction no longer waiting (answered, abandoned, canceled), a case
-- resolved or closed. The node that committed that change ends the timer right after; one that stopped first left it
-- running. nil while the subject still waits, or has no record (a benchmark's bare timers).
local function over(id)
  local rkey = record(id)
  if is_case(id) then
    local f = redis.call('HMGET', rkey, 'status', 'resolvedAt')
    if f[1] ~= 'resolved' and f[1] ~= 'closed' then return nil end
    return {case = string.sub(subject(id), 6), status = f[1], resolvedAt = tonumber(f[2])}
  end
  local f = redis.call('HMGET', rkey, 'status', 'answered', 'ended')
  if not f[1] or f[1] == 'queued' or f[1] == 'reserved' then return nil end
  return {interaction = subject(id), status = f[1], answeredAt = tonumber(f[2]), endedAt = tonumber(f[3])}
end

-- the event that hands a timer whose subject is over to the sweeping node, to end as its subject ended
local function stale(id, ended, fired)
  ended.id, ended.action, ended.target, ended.at = id, 'stale', TARGETS[string.sub(id, -1)], NOW
  fired[#fired + 1] = ended
end

-- fires every step of the timer that is due; the payload's `next` moves on before anything else can
-- read it, so no step fires twice. A timer whose subject is over fires nothing (no breach of a contact answered in
-- time): it goes to the sweeping node to end as its subject ended, and comes round again after a lease in case that
-- node stops too.
local function fire(id, fired)
  local key_idx = idx(id)
  local payload = redis.call('HGET', key_idx, id)
  if not payload then return end
  local t = parse(payload)
  if t.state ~= 'r' then return end
  local ended = over(id)
  if ended then
    wheel_add(id, NOW + RAISE_LEASE)
    stale(id, ended, fired)
    return
  end
  local steps = ladder(t.ref).steps
  while t.next < #t.offs do
    local at = t.seg + t.offs[t.next + 1]
    if at > NOW then break end
    t.next = t.next + 1
    act(id, t, steps[t.next] or {code = '?', at = 0}, at, fired)
  end
  local updated = encode(t, payload)
  redis.call('HSET', key_idx, id, updated)
  track_warned(id, updated)
  place(id, t)
end

-- The armed timers of the watch due for a look: those whose subject is over are handed to the sweeping node to end
-- (stale; looked at again after a lease in case it stops too), the others looked at again after WATCH.
local function watch(limit, fired)
  local w = key('sla', 'watch')
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', w, '-inf', NOW, 'LIMIT', 0, limit)) do
    if not redis.call('HGET', idx(id), id) then
      redis.call('ZREM', w, id) -- ended since without the look (a disarm that was not told)
    else
      local ended = over(id)
      redis.call('ZADD', w, NOW + (ended and RAISE_LEASE or WATCH), id)
      if ended then stale(id, ended, fired) end
    end
  end
end

-- an answer after the deadline but before the sweep fired the breach step is a breach all the same:
-- recorded here, so the breach list is the one place every breach is found
local function ensure_breach(id, t)
  local bi = breach_index(t)
  if t.next >= bi or redis.call('HEXISTS', key('sla', 'breachof'), id) == 1 then return end
  local ev = base_event(id, t, t.offs[bi] and (t.seg + t.offs[bi]) or NOW)
  ev.type = 'sla_breach'
  ev.action = 'breach'
  ev.share = 1.0
  ev.severity = 'minor'
  record_breach(id, ev)
  publish(ev)
end

-- Only the handler of the command at hand is created (`if CMD == ... then ... end end`): the body of a
-- script runs in full on every call, so every other handler would be a closure built and collected for
-- nothing, with all its upvalues; that was a fifth of the time Redis spent in these scripts.
local commands = {}

-- cas id expected new recordFieldsJson eventJson policyRef ladder severity verdict
-- verdict: the KPI counter the change reaches (sla_met, sla_breached_<severity>), '' for none
-- Replaces the timer's payload only if it is still `expected` ('' = not armed), atomically with its
-- place on the wheel, the armed count, the subject's record, the breach's severity and the event.
-- new = '' disarms. Arm, cancel, pause, resume and re-target are all this one operation.
if CMD == 'cas' then commands.cas = function()
  local id, expected, new = A[1], A[2], A[3]
  local key_idx = idx(id)
  local current = redis.call('HGET', key_idx, id) or ''
  if current ~= expected then return nil, 'conflict' end
  if current ~= '' then
    local at = due(parse(current))
    if at then wheel_remove(id, at) end
  end
  if new == '' then
    if current ~= '' then
      redis.call('HDEL', key_idx, id)
      redis.call('DECR', key('sla', 'armed'))
      redis.call('ZREM', key('sla', 'watch'), id)
    end
  else
    redis.call('HSET', key_idx, id, new)
    if current == '' then redis.call('INCR', key('sla', 'armed')) end
    place(id, parse(new))
  end
  if A[6] ~= '' then redis.call('HSETNX', key('sla', 'policies'), A[6], A[7]) end
  track_warned(id, new)
  if A[4] ~= '' then mirror(id, cjson.decode(A[4])) end
  if A[8] ~= '' then
    if current ~= '' then ensure_breach(id, parse(current)) end
    set_severity(id, A[8])
  end
  if A[9] and A[9] ~= '' then count(id, A[9]) end
  if A[5] ~= '' then publish_json(A[5]) end
  -- disarmed (or armed afresh): the next arming's breach, if any, is its own
  if new == '' or current == '' then redis.call('HDEL', key('sla', 'breachof'), id) end
  return {}
end end

-- sweep limit : fires the steps due by now, up to about `limit` timers
if CMD == 'sweep' then commands.sweep = function()
  local limit = tonumber(A[1])
  local fired, claimed = {}, 0
  local slots = redis.call('ZRANGEBYSCORE', key('sla', 'slots'), '-inf', math.floor(NOW / SLOT), 'LIMIT', 0, limit)
  for _, slot in ipairs(slots) do
    local w = key('sla', 'w', slot)
    local due_ids = redis.call('ZRANGEBYSCORE', w, '-inf', NOW, 'LIMIT', 0, limit - claimed)
    for _, id in ipairs(due_ids) do
      redis.call('ZREM', w, id)
      claimed = claimed + 1
      fire(id, fired)
    end
    if redis.call('EXISTS', w) == 0 then redis.call('ZREM', key('sla', 'slots'), slot) end
    if claimed >= limit then break end
  end
  watch(limit, fired)
  -- raises whose node did not report them done within the lease: delivered again, under a new lease
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', key('sla', 'raises'), '-inf', NOW, 'LIMIT', 0, limit)) do
    redis.call('ZADD', key('sla', 'raises'), NOW + RAISE_LEASE, member)
    local p = split(member, '#')
    if p[3] == 'x' then
      fired[#fired + 1] = {id = p[1], interaction = subject(p[1]), action = 'widen', raise = member,
                           redelivered = true, at = NOW}
    else
      fired[#fired + 1] = {id = p[1], interaction = subject(p[1]), action = 'raise_priority', points = tonumber(p[3]),
                           raise = member, redelivered = true, at = NOW}
    end
  end
  return {claimed = claimed, fired = fired}
end end

-- raised member : the raise_priority step is done (or moot: the interaction no longer waits)
if CMD == 'raised' then commands.raised = function()
  redis.call('ZREM', key('sla', 'raises'), A[1])
  return {}
end end

-- risk horizonMs limit budget : running timers past a warn step (sla:warned) or due by now + horizon (the
-- wheel, read in due order), soonest deadline first; at most `budget` timers of each are looked at
if CMD == 'risk' then commands.risk = function()
  local horizon, limit, budget = NOW + tonumber(A[1]), tonumber(A[2]), tonumber(A[3])
  local seen, out = {}, {}
  local function consider(id)
    if seen[id] then return end
    seen[id] = true
    local payload = redis.call('HGET', idx(id), id)
    if not payload then return end
    local t = parse(payload)
    local d, warned = deadline(t)
    if d and (warned or d <= horizon) then
      out[#out + 1] = {id = id, policy = split(t.ref, '@')[1], dueAt = d, state = warned and 'warned' or 'running'}
    end
  end
  for _, id in ipairs(redis.call('ZRANGE', key('sla', 'warned'), 0, budget - 1)) do consider(id) end
  local looked = 0
  local slots = redis.call('ZRANGEBYSCORE', key('sla', 'slots'), '-inf', math.floor(horizon / SLOT), 'LIMIT', 0, budget)
  for _, slot in ipairs(slots) do
    local ids = redis.call('ZRANGEBYSCORE', key('sla', 'w', slot), '-inf', horizon, 'LIMIT', 0, budget - looked)
    for _, id in ipairs(ids) do consider(id) end
    looked = looked + #ids
    if looked >= budget then break end
  end
  table.sort(out, function(a, b) return a.dueAt < b.dueAt end)
  local capped = {}
  for i = 1, math.min(limit, #out) do capped[i] = out[i] end
  return {timers = capped}
end end

local handler = commands[CMD]
if not handler then return cjson.encode({error = 'unknown_command'}) end
local result, err = handler()
return cjson.encode({result = result or {}, error = err})
