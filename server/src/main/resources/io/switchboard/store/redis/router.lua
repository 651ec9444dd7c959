-- Switchboard routing state machine, run atomically inside Redis.
--
-- Every state change of interactions, reservations and agents happens in this one script, so two
-- server nodes on one Redis can never reserve the same agent capacity or the same interaction twice:
-- Redis runs one script at a time. The Java side decides *what* should happen (which workflow, which
-- pools, which priority); this script decides *who gets what* and keeps the indexes consistent.
--
-- Call: EVALSHA sha 1 <prefix>:agents  prefix nowMs reservationTimeoutMs maxMissedOffers agingPerSecond
--       eventsMaxLen retentionMs cmd args...
-- Reply: a JSON string {"result": ..., "error": "...", "events": [...]}.
--
-- Layout (CommandScript): the server runs one script per command, holding that command's handler
-- (`if CMD == '<name>' then ... end`) and the top-level locals it names, directly or through others; every
-- other top-level statement is kept. So every top-level statement starts at column 0 and everything else is
-- indented; a helper that a command needs is a top-level local it names. Run whole, this file does the same.
--
-- Keys (all share the {hash tag} of the prefix, so the script works on Redis Cluster too):
--   agent:<id>                 hash: presence reason state stateSince idle rsv missed wrap cap:<c> load:<c> skill:<s> ...
--                              free: the channels the agent is indexed as free in (pool:*:avail:<c>), e.g. "voice chat "
--                              pools:<c>: the shared pools the agent belongs to for capacity channel <c>, those whose
--                              queue serves <c> (computed by the server from the rules), as words
--                              "<pool>[/<order>][#<priority>]"; the order (least_occupied, highest_proficiency:<skill>)
--                              says how the pool ranks its agents, absent = longest idle; the priority is the agent's
--                              queuePriority for the pool's queue, absent = 1. Read with the agent: refresh reads no set of pools per
--                              channel and no hash per pool for its order (16 reads of a lifecycle's 129 in the bench)
--                              encoding: a text longer than 64 bytes, there to keep the hash a hash table (upsert)
--                              exclusive: the channels the agent handles alone (cross-channel concurrency, can_take)
--                              autoaccept: the channels whose offers it accepts at once (chat, email: reserve)
--   agent:<id>:lines           set of "<c>|<pool>", the same membership and the agent's own pool (@<id>) on every
--                              channel: a decision intersects it with `waiting` inside Redis
--   agent:<id>:work            set of interactions the agent holds (assigned or wrapping)
--   agents                     set of all agent ids
--   pool:<id>:avail:<c>        zset of agents that can take one more <c> interaction now; lowest score = best
--                              (not for an agent's own pool @<id>: the agent itself is asked)
--   pool:<id>:on:<c>           set of the pool's agents signed in (presence not offline): a step's no_logged_in_agents
--   pool:<id>:wait:<c>         zset of interactions waiting in that pool; lowest score = highest priority
--   pools                      set of the pool ids the rules last installed have (the `rules` command writes it)
--   waiting                    set of "<c>|<pool>" whose line pool:<pool>:wait:<c> is not empty (a decision reads
--                              only those)
--   queue:<q>:prio             zset of waiting interactions of queue q by priority (position in line)
--   queue:<q>:since            zset of waiting interactions of queue q by time queued (longest wait)
--   int:<id>                   hash: the interaction (consult: the agent a warm transfer is consulting, who holds
--                              voice capacity for it until it ends; offerms: its step's queue's offer timeout;
--                              manual: 1 once a person chose its route; replan, refilter: reattribute's pending route;
--                              passedBy, passedAt: the agent that last transferred it, and when)
--   int:<id>:history           list of JSON events
--   int:<id>:rejected          the agents skipped for this interaction a while: the one that last refused (rejected or
--                              missed) it, and the one that just transferred it
--   rsv:<id>                   hash: a reservation (offer)
--   (SLA timers live in sla:* keys, see sla.lua; their raise_priority escalation calls `raise` here)
--   timers                     zset of deadlines: "rsv|<rid>", "step|<iid>|<n>", "wrap|<iid>", "awrap|<aid>~<iid>~<transfer n>|<c>",
--                              "reoffer|<iid>" (the skip of the agent who refused it ends),
--                              "dial|<iid>" (a call out whose agent's phone has not answered yet),
--                              "empty|<pool>|<c><rank>" (a line left with nobody signed in: drain_empty)
--   queues:closed              set of the queues outside their hours of operation now (a step's skipIf closed), written
--                              by every node at each opening and closing (QueueHours), the same for all
--   queue:<q>:meta             hash: sl (service-level threshold ms), short (short-abandon threshold ms)
--   stats:<q>:m:<minute>       hash of counters "<channel>:<field>" for that minute (kept 2 days), rolled up
--   stats:<q>:h:<hour>         into the same per hour (kept 400 days) by rollup.lua: offered answered answered_sl wait_ms
--                              abandoned abandoned_short abandoned_sl abandon_wait_ms overflowed
--                              overflowed_sl transferred canceled completed talk_ms wrap_ms revenue_cents
--                              arrived (new contacts only: offered less overflow and transfer legs; channel cost)
--                              dialled connected (calls out, under the queue named outbound)
--                              csat_count csat_sum (added by counters.lua, see KpiCounters)
--   agentstats:<a>:h:<hour>    per agent and hour: handled completed talk_ms wrap_ms <state>_ms (state time split
--                              over the hours it was spent in: credit_state)
--   teamstats:<t>:h:<hour>     per team and hour: <state>_ms (occupancy, utilization)
--   teamstats:<t>:total        per team since ever: <state>_ms (the Prometheus counters); teams: their names
--   kpifamilies                set of the counter families with minute buckets (stats:<q>, kpi), for rollup.lua
--   floor                      pub/sub channel: one message per run of this script, the JSON array of its events;
--                              every node delivers those naming an agent to that agent's desktop and all of them
--                              to supervisor consoles (one message per run, not per event: fewer publishes here,
--                              fewer messages to decode on every node)
--   voice:callback:dials       zset of accepted callbacks still to be dialled, by deadline; :<iid> its hash (state tries
--                              channel): dial_job writes them pending with the accept, CallbackDialStore the rest
--   events                     stream of every event (webhooks read it through a consumer group), capped

local P = ARGV[1]
local NOW = tonumber(ARGV[2])
local NOW_S = ARGV[2] -- written as given: formatting a Lua number costs more than the write
-- The other settings are parsed where they are used (tonumber, a strtod, was 1.2 k instructions each per call):
-- reservation timeout ARGV[3], max missed offers ARGV[4], aging ARGV[5]. Zero turns off the other two.
local STREAM_EVENTS, RETAIN = ARGV[6] ~= '0', ARGV[7] ~= '0'
-- Redis turns every Lua number argument of redis.call into text with "%.17g", a floating-point formatting that
-- was 5 % of all the instructions Redis ran for a lifecycle (callgrind): arguments go as text where they can,
-- as given (ARGV), as constants, or as integers formatted here, which costs a fraction of that.
local EVENTS_MAXLEN_S, RETENTION_MS_S = ARGV[6], ARGV[7]
local function int(n)
  if n == 1 then return '1' end
  return string.format('%d', n)
end
local CMD = ARGV[8]
local CAPACITY_CHANNELS = {'voice', 'chat', 'email'}
local SLA_WHEEL_SLOT = 100 -- ms a slot of sla.lua's timer wheel spans (its SLOT)

-- P:a[:b[:c[:d]]]; plain concatenation (a vararg table per key showed in profiles)
local function key(a, b, c, d)
  if d then return P .. ':' .. a .. ':' .. b .. ':' .. c .. ':' .. d end
  if c then return P .. ':' .. a .. ':' .. b .. ':' .. c end
  if b then return P .. ':' .. a .. ':' .. b end
  return P .. ':' .. a
end
-- interactions kept on a customer's timeline (customer:<id>:interactions); older ones drop off
local CUSTOMER_TIMELINE_LAST = '199' -- the newest 200 are kept

-- Events and history entries are collected while the command runs and written once at its end (publish):
-- every redis.call from Lua has a fixed cost of its own, larger than that of most commands it runs.
local events = {}
local function emit(ev)
  ev.at = NOW
  events[#events + 1] = ev
end

local histories, history_order = {}, {}
local function history(iid, ev)
  ev.at = NOW
  local entries = histories[iid]
  if not entries then
    entries = {}
    histories[iid] = entries
    history_order[#history_order + 1] = iid
  end
  entries[#entries + 1] = cjson.encode(ev)
end

-- The sla_met event of an answer target this run met (accept), published as sla.lua publishes its events, after the
-- routing events: a webhook hears of the answer before it hears that it met its agreement
local sla_met_event

-- Writes what the command collected; returns the events as one JSON array.
local function publish()
  for _, iid in ipairs(history_order) do
    redis.call('RPUSH', key('int', iid, 'history'), unpack(histories[iid]))
  end
  local json = '[]'
  if #events > 0 then
    -- each event encoded once, for the floor's array and for the stream alike
    local encoded = {}
    for i, ev in ipairs(events) do encoded[i] = cjson.encode(ev) end
    json = '[' .. table.concat(encoded, ',') .. ']'
    redis.call('PUBLISH', P .. ':floor', json)
    if STREAM_EVENTS then
      for i, ev in ipairs(events) do
        redis.call('XADD', P .. ':events', 'MAXLEN', '~', EVENTS_MAXLEN_S, '*', 'type', ev.type, 'event', encoded[i])
      end
    end
  end
  if sla_met_event then
    redis.call('PUBLISH', P .. ':sla:events', sla_met_event)
    if STREAM_EVENTS then
      redis.call('XADD', P .. ':events', 'MAXLEN', '~', EVENTS_MAXLEN_S, '*', 'type', 'sla_met', 'event', sla_met_event)
    end
  end
  return json
end

local function num(v) return tonumber(v) or 0 end
local function str(v) if v == nil or v == cjson.null then return '' end return v end
local function blank(v) return v == nil or v == false or v == '' end

-- What refresh and a decision need of an agent, in one read.
local AGENT_FIELDS = {'presence', 'rsv', 'wrap', 'idle', 'state', 'stateSince', 'team', 'reason', 'free', 'endpoint',
                      'load:voice', 'cap:voice', 'load:chat', 'cap:chat', 'load:email', 'cap:email',
                      'pools:voice', 'pools:chat', 'pools:email', 'exclusive', 'autoaccept'}
-- The counters come as numbers, converted once here rather than at every check (each tonumber of a string is a
-- strtod); a constructor sizes the table once, where filling an empty one grew and rehashed it four times.
local function agent_now(akey)
  local v = redis.call('HMGET', akey, unpack(AGENT_FIELDS))
  return {presence = v[1], rsv = v[2], wrap = num(v[3]), idle = v[4], state = v[5], stateSince = v[6], team = v[7],
          reason = v[8], free = v[9], endpoint = v[10], ['load:voice'] = num(v[11]), ['cap:voice'] = num(v[12]),
          ['load:chat'] = num(v[13]), ['cap:chat'] = num(v[14]), ['load:email'] = num(v[15]),
          ['cap:email'] = num(v[16]), ['pools:voice'] = v[17] or '', ['pools:chat'] = v[18] or '',
          ['pools:email'] = v[19] or '', exclusive = v[20] or '', autoaccept = v[21] or ''}
end
-- field names by channel, built once: a concatenation per check made a new string each time
local LOAD, CAP, POOLS = {}, {}, {}
for _, c in ipairs(CAPACITY_CHANNELS) do LOAD[c], CAP[c], POOLS[c] = 'load:' .. c, 'cap:' .. c, 'pools:' .. c end

-- Cross-channel concurrency: while the agent holds a contact of a channel it handles alone (`exclusive`, e.g.
-- "voice chat"), only more of that channel may come, up to capacity. The load counts wrap-up, so after-contact
-- work keeps the other channels away too.
-- fits: whether one more <c> contact fits the agent's capacity and exclusivity, whatever its presence (an agent's own
-- call out: outbound); can_take adds what routing asks of an agent it offers work to.
local function fits(a, c)
  if a[LOAD[c]] >= a[CAP[c]] then return false end
  local exclusive = a.exclusive
  if exclusive ~= '' then
    for _, held in ipairs(CAPACITY_CHANNELS) do
      if held ~= c and a[LOAD[held]] > 0 and string.find(exclusive, held, 1, true) then return false end
    end
  end
  return true
end

local function can_take(a, c)
  return a.presence == 'available' and blank(a.rsv) and fits(a, c)
end

-- Agent state, derived so it can never disagree with the counters:
-- an open offer wins, then live work, then wrap-up, then what the agent chose (available/away/offline).
local function derive_state(a)
  if not blank(a.rsv) then return 'reserved' end
  local wrap = a.wrap
  if a['load:voice'] + a['load:chat'] + a['load:email'] - wrap > 0 then return 'busy' end
  if wrap > 0 then return 'wrap_up' end
  return a.presence or 'offline'
end

-- Counters that every node reads the same: per queue and channel, in minute buckets (rolled up into hours by
-- rollup.lua once the hour is over: writing both was 7 more commands per lifecycle); per agent and team, hours.
local MINUTE, HOUR = string.format('%d', NOW / 60000), string.format('%d', NOW / 3600000)
-- A bucket gets its time to live when it is created: a counter answering exactly its increment is new, so the
-- hash may be; any later writer finds its fields and skips the EXPIRE. Returns whether a counter was new.
local function bump(hash_key, ttl, prefix, counters)
  local fresh = false
  for field, n in pairs(counters) do
    if n ~= 0 and redis.call('HINCRBY', hash_key, prefix .. field, int(n)) == n then fresh = true end
  end
  if fresh and ttl > 0 then redis.call('EXPIRE', hash_key, ttl) end
  return fresh
end

-- into a family's minute bucket; a new bucket makes the family known to the roll-up
local function minute_stat(family, prefix, counters)
  if bump(key(family, 'm', MINUTE), 172800, prefix, counters) then redis.call('SADD', key('kpifamilies'), family) end
end

local function stat(queue, channel, counters)
  minute_stat('stats:' .. queue, channel .. ':', counters)
end

local function agent_stat(aid, counters)
  bump(key('agentstats', aid, 'h', HOUR), 34560000, '', counters)
end

-- Time an agent spent in a state that ends now, credited to the hours it was spent in (per agent and team), so
-- an hour's occupancy is that hour's; time more than 47 hours back goes to the oldest of those hours. The
-- team's total since ever gets it all.
local HOUR_MS = 3600000
local function credit_state(aid, team, state, since)
  since = math.min(since, NOW) -- a node whose clock ran ahead wrote it: no negative time
  local field = state .. '_ms'
  local counters = {[field] = NOW - since}
  if bump(key('teamstats', team, 'total'), 0, '', counters) then redis.call('SADD', key('teams'), team) end
  local hour_start = NOW - NOW % HOUR_MS
  local first = since < hour_start and math.max(since - since % HOUR_MS, hour_start - 47 * HOUR_MS) or hour_start
  local from = since
  for at = first, hour_start, HOUR_MS do -- almost always one hour, the current one
    local upto = at == hour_start and NOW or at + HOUR_MS
    counters[field] = upto - from
    from = upto
    local hour = at == hour_start and HOUR or string.format('%d', at / HOUR_MS)
    bump(key('agentstats', aid, 'h', hour), 34560000, '', counters)
    bump(key('teamstats', team, 'h', hour), 34560000, '', counters)
  end
end

local queue_meta = {}
local function qmeta(queue)
  local m = queue_meta[queue]
  if not m then
    local f = redis.call('HMGET', key('queue', queue, 'meta'), 'sl', 'short')
    m = {sl = tonumber(f[1]) or 20000, short = tonumber(f[2]) or 5000}
    queue_meta[queue] = m
  end
  return m
end

local function flag(b) if b then return 1 end return 0 end

-- An agent's own pool (@<id>: preferred agent, transfer to an agent) has no availability index: it would
-- hold one agent, and every change of that agent would cost one more write; the agent is asked instead.
local function direct(pool) return string.byte(pool, 1) == 64 end

-- Signed in: any presence but offline (away counts: the agent is at the desk). pool:<id>:on:<c> holds a pool's signed-in
-- agents with capacity on <c>, for a step's no_logged_in_agents; written when the presence crosses offline or the membership changes, never
-- by a lifecycle.
local function logged_in(presence) return not blank(presence) and presence ~= 'offline' end
-- Taken out of a set: when that leaves a line of waiting contacts with nobody signed in (its own agent, for a direct
-- pool), the next sweep looks at them (drain_empty): the check is left to then, when this run's changes are all made
-- (an upsert takes the agent out of every set before it puts it back).
local function mark_logged_in(akey, aid, on)
  local caps = redis.call('HMGET', akey, 'cap:voice', 'cap:chat', 'cap:email')
  local serves = {voice = num(caps[1]) > 0, chat = num(caps[2]) > 0, email = num(caps[3]) > 0}
  for _, line in ipairs(redis.call('SMEMBERS', akey .. ':lines')) do
    local c, pool = string.match(line, '^(%a+)|(.+)$')
    -- put only where it has capacity (a chat-only agent staffs no voice step), taken out of every other set
    local put = on and serves[c]
    if not direct(pool) then redis.call(put and 'SADD' or 'SREM', key('pool', pool, 'on', c), aid) end
    if not put and redis.call('ZCARD', key('pool', pool, 'wait', c)) > 0
        and (direct(pool) or redis.call('SCARD', key('pool', pool, 'on', c)) == 0) then
      redis.call('ZADD', key('timers'), int(NOW), 'empty|' .. pool .. '|' .. c .. '0')
    end
  end
end

-- "<pool>[/<order>][#<priority>]", a word of an agent's pools:<c>: the pool, how it ranks its agents (nil = longest
-- idle) and the agent's priority for the pool's queue (nil = 1, the first; see queue_priority)
local function pool_word(word)
  local priority
  local hash = string.find(word, '#', 1, true)
  if hash then
    priority = tonumber(string.sub(word, hash + 1))
    word = string.sub(word, 1, hash - 1)
  end
  local slash = string.find(word, '/', 1, true)
  if not slash then return word, nil, priority end
  return string.sub(word, 1, slash - 1), string.sub(word, slash + 1), priority
end

-- An agent's queue priority (queuePriority, Amazon Connect's routing-profile priority, app_queue's penalty): agents
-- with the queue at priority 2 are offered its contacts only when nobody at 1 is free (a band of 1e15 below the
-- orders' scores), and an agent freeing up takes its priority-1 queues' contacts before its priority-2 ones.
local PRIORITY_BAND = 1e15

-- Lower score = offered first. Ties fall back to longest idle.
local function pool_score(order, akey, a, priority)
  if priority and priority > 1 then
    return (priority - 1) * PRIORITY_BAND + pool_score(order, akey, a)
  end
  if not order then return a.idle or '0' end -- as written (NOW_S), not a number to format again
  local skill = string.match(order, '^highest_proficiency:(.+)$')
  if skill then
    return -num(redis.call('HGET', akey, 'skill:' .. skill)) * 1e13 + num(a.idle)
  elseif order == 'least_occupied' then
    local load, cap = 0, 0
    for _, c in ipairs(CAPACITY_CHANNELS) do
      load = load + a[LOAD[c]]; cap = cap + a[CAP[c]]
    end
    local occupancy = 1
    if cap > 0 then occupancy = load / cap end
    return occupancy * 1e13 + num(a.idle)
  end
  return a.idle or '0'
end

-- Puts the agent into (or takes it out of) the availability index of every pool and channel,
-- and publishes its state when that changed. Only the channels the agent is or was free in are
-- touched (`free` remembers the latter; an agent written before it existed counts as free in all).
-- a: the agent as it is now, when the caller has it (read, and kept up to date with what it wrote since);
-- returns the agent as refresh leaves it
local function refresh(aid, a)
  local akey = key('agent', aid)
  a = a or agent_now(akey)
  local was = a.free or 'voice chat email '
  local free = ''
  for _, c in ipairs(CAPACITY_CHANNELS) do
    local can = can_take(a, c)
    if can or string.find(was, c, 1, true) then
      for word in string.gmatch(a[POOLS[c]], '%S+') do
        local pool, order, priority = pool_word(word)
        local z = key('pool', pool, 'avail', c)
        if can then redis.call('ZADD', z, pool_score(order, akey, a, priority), aid) else redis.call('ZREM', z, aid) end
      end
    end
    if can then free = free .. c .. ' ' end
  end
  local state, old = derive_state(a), a.state
  if state ~= old then
    if old then credit_state(aid, blank(a.team) and 'none' or a.team, old, num(a.stateSince)) end
    redis.call('HSET', akey, 'state', state, 'stateSince', NOW_S, 'free', free)
    emit({type = 'state_changed', agent = aid, state = state, previous = old or '', reason = a.reason or ''})
    a.state, a.stateSince = state, NOW_S
  elseif free ~= was then
    redis.call('HSET', akey, 'free', free)
  end
  a.free = free
  return a
end

-- offering: the contact leaves its lines but still waits in the queue's figures (queue:<q>:since) until it is
-- answered or leaves (assign, close_reservation), as a ringing caller is still in app_queue's queue
local function unplace(iid, f, offering)
  local line = key('pool', f.pool, 'wait', f.cch)
  if redis.call('ZREM', line, iid) == 1 and redis.call('ZCARD', line) == 0 then
    redis.call('SREM', key('waiting'), f.cch .. '|' .. f.pool)
  end
  redis.call('ZREM', key('queue', f.queue, 'prio'), iid)
  if not offering then redis.call('ZREM', key('queue', f.queue, 'since'), iid) end
  f.placed = false
end

local function place(iid, f)
  redis.call('ZADD', key('pool', f.pool, 'wait', f.cch), f.score, iid)
  redis.call('SADD', key('waiting'), f.cch .. '|' .. f.pool)
  redis.call('ZADD', key('queue', f.queue, 'prio'), f.score, iid)
  -- waiting in this queue since it entered it (a transfer, an overflow: not its talk time, not the last queue's
  -- wait), or since it was queued here if later (a contact that keeps its place in line from before)
  redis.call('ZADD', key('queue', f.queue, 'since'), int(math.max(num(f.queued), f.entered)), iid)
  f.placed = true
end

-- placed: the interaction is in its lines (pool, queue), which a queued one is except while enqueue first
-- tries a free agent
local function fields(iid)
  local v = redis.call('HMGET', key('int', iid), 'status', 'pool', 'cch', 'queue', 'score', 'queued', 'step', 'agent',
                      'rsv', 'channel', 'entered', 'answered', 'ended', 'steptimer', 'slaState', 'priority', 'caseId',
                      'slaIdx', 'consult', 'offerms', 'direction', 'connected')
  if not v[1] then return nil end
  return {status = v[1], pool = v[2], cch = v[3], queue = v[4], score = tonumber(v[5]), queued = v[6],
          step = tonumber(v[7]), agent = v[8], rsv = v[9], channel = v[10], entered = num(v[11]),
          answered = num(v[12]), ended = num(v[13]), steptimer = v[14], slaState = v[15] or nil,
          priority = num(v[16]), caseId = v[17] or nil, slaIdx = v[18] or nil, consult = v[19],
          offer = tonumber(v[20]), outbound = v[21] == 'outbound', connected = v[22], placed = v[1] == 'queued'}
end

-- The payload of the answer timer the enqueue armed (slaIdx: its index bucket), as this run leaves it: the events
-- that end the timer carry it, so the SLA observer compares-and-sets from it without reading it back first.
local function answer_timer(iid, f)
  if not f.slaState or not f.slaIdx then return nil end
  return redis.call('HGET', f.slaIdx, iid .. '|a') or nil
end

-- The hash fields of a status change (to write with others in one HSET), and its history entry.
local function status_fields(iid, status, reason)
  history(iid, {type = 'status', status = status, reason = reason or ''})
  return {'status', status, 'reason', reason or '', 'updated', NOW_S}
end

local function set_status(iid, status, reason)
  redis.call('HSET', key('int', iid), unpack(status_fields(iid, status, reason)))
end

-- A finished interaction (completed, canceled, abandoned) stays readable for the retention period, then
-- Redis drops it with its history, chat transcript and email: the dataset stops growing with every contact.
-- The statistics, cases and the customer's timeline (which skips what is gone) keep what outlives it.
-- refused: whether it may still have int:<id>:rejected (an agent's acceptance deletes it)
local function retire(iid, channel, refused)
  if not RETAIN then return end
  local keys = {key('int', iid), key('int', iid, 'history')}
  if refused then keys[#keys + 1] = key('int', iid, 'rejected') end
  if channel == 'chat' then keys[#keys + 1] = key('int', iid, 'transcript') end
  if channel == 'email' then
    local email = key('int', iid, 'email')
    keys[#keys + 1] = email
    local attachments = redis.call('HGET', email, 'attachments')
    if attachments then
      for _, a in ipairs(cjson.decode(attachments)) do keys[#keys + 1] = email .. ':attachment:' .. a.n end
    end
  end
  for _, k in ipairs(keys) do redis.call('PEXPIRE', k, RETENTION_MS_S) end
end

-- A closed offer (accepted, rejected, timed out, canceled) stays readable for the retention period too.
local function close_offer(rkey, status)
  redis.call('HSET', rkey, 'status', status, 'closed', NOW_S)
  if RETAIN then redis.call('PEXPIRE', rkey, RETENTION_MS_S) end
end

local function append(list, more)
  for _, v in ipairs(more) do list[#list + 1] = v end
  return list
end

-- Every agent of the pool is offline (its own agent, for a direct pool). Someone free is signed in, whatever the set
-- says (a node of the older version keeps no such set).
local function nobody_signed_in(pool, cch)
  if direct(pool) then return not logged_in(redis.call('HGET', key('agent', string.sub(pool, 2)), 'presence')) end
  return redis.call('ZCARD', key('pool', pool, 'avail', cch)) == 0 and redis.call('SCARD', key('pool', pool, 'on', cch)) == 0
end

-- A step's skipIf, as the interaction enters it (TaskRouter's skip_if): no_available_agents = nobody of its pool can
-- take one more contact of the channel now; no_logged_in_agents = every agent of its pool is offline (app_queue's
-- joinempty), so waiting there would wait out the step's timeout for nobody (and drain_empty moves on those waiting
-- there when the last one signs out: app_queue's leavewhenempty); closed = its queue is outside its hours of operation
-- (those already waiting there when it closes stay: the agents still signed in work the line down).
local function skips(step, cch)
  local skip = step.skip
  if not skip then return false end
  if skip == 'no_logged_in_agents' then return nobody_signed_in(step.pool, cch) end
  if skip == 'closed' then return redis.call('SISMEMBER', key('queues', 'closed'), step.queue) == 1 end
  if direct(step.pool) then return not can_take(agent_now(key('agent', string.sub(step.pool, 2))), cch) end
  return redis.call('ZCARD', key('pool', step.pool, 'avail', cch)) == 0
end

-- Moves the interaction onto step n of its route plan (or past it while its skipIf holds, never past the last):
-- pool, queue, priority and the step's timer.
-- Priority = base (customer value + requested) + step priority + aging. Aging is linear in waiting
-- time at the same rate for everyone, so ordering by (aging * queuedAt - priority) never needs
-- rescoring: an old standard contact overtakes a new gold one after (gap in points / aging) seconds.
local function step_fields(iid, n, plan_json, base, queued, cch)
  local plan = cjson.decode(plan_json)
  while n + 1 < #plan and skips(plan[n + 1], cch) do
    history(iid, {type = 'step_skipped', step = n, queue = plan[n + 1].queue, reason = plan[n + 1].skip})
    n = n + 1
  end
  local step = plan[n + 1]
  -- a later step of a plan made under earlier rules may name a narrowed pool those rules had and these have not (its
  -- `agents` or `order` edited since): its queue's plain pool holds every member of the queue (the hot path, step 0 of
  -- a fresh plan, reads nothing more)
  if n > 0 and step.pool ~= step.queue and string.sub(step.pool, 1, 1) ~= '@'
      and redis.call('SISMEMBER', key('pools'), step.pool) == 0 then
    step.pool = step.queue
  end
  local priority = num(base) + num(step.priority)
  local score = tonumber(ARGV[5]) * (num(queued) / 1000) - priority
  history(iid, {type = 'step', step = n, queue = step.queue, pool = step.pool, priority = priority})
  local timer = ''
  if step.timeout and step.timeout > 0 and n + 1 < #plan then
    timer = 'step|' .. iid .. '|' .. n
    redis.call('ZADD', key('timers'), int(NOW + step.timeout * 1000), timer)
  end
  -- the step's queue's offer timeout (ms), written as text; '' = the node's
  local offer = step.offer and int(step.offer * 1000) or ''
  return {'step', int(n), 'pool', step.pool, 'queue', step.queue, 'priority', priority, 'score', score, 'steptimer', timer,
          'offerms', offer}
end

local function enter_step(iid, n)
  local ikey = key('int', iid)
  local h = redis.call('HMGET', ikey, 'plan', 'base', 'queued', 'cch')
  redis.call('HSET', ikey, unpack(step_fields(iid, n, h[1], h[2], h[3], h[4])))
end

local function clear_step_timer(iid)
  local member = redis.call('HGET', key('int', iid), 'steptimer')
  if not blank(member) then
    redis.call('ZREM', key('timers'), member)
    redis.call('HSET', key('int', iid), 'steptimer', '')
  end
end

-- Gives an open offer's interaction to its agent: the accept command, or an auto-accepting agent's offer in the run
-- that made it. f: the interaction's fields (as the offer left them); meet: the accept command's meeting of the answer
-- timer in this run (nil: the SLA observer ends it from the event, slaTimer). Returns the agent as refresh leaves it.
-- an accepted callback's dial, as a job any node carries out (CallbackDialStore): written with the accept, so a node
-- that dies right after it leaves the dial to another. Pending: the committing node takes it at once; any node's
-- sweep takes it 5 s on if none did.
local function dial_job(iid)
  local dials = key('voice', 'callback', 'dials')
  local job = dials .. ':' .. iid
  redis.call('DEL', job)
  redis.call('HSET', job, 'state', 'pending', 'tries', '0')
  redis.call('PEXPIRE', job, '86400000')
  redis.call('ZADD', dials, int(NOW + 5000), iid)
end

local function assign(rid, aid, iid, f, reason, meet)
  close_offer(key('rsv', rid), 'accepted')
  redis.call('ZREM', key('timers'), 'rsv|' .. rid)
  if not blank(f.steptimer) then redis.call('ZREM', key('timers'), f.steptimer) end
  local updates = status_fields(iid, 'assigned', reason)
  local timer = answer_timer(iid, f)
  local met, policy
  if timer and meet then met, policy = meet(iid, f.slaIdx, timer) end
  if met then append(updates, met) end
  redis.call('HSET', key('int', iid), 'answered', NOW_S, 'rsv', '', 'steptimer', '', unpack(updates))
  redis.call('ZREM', key('queue', f.queue, 'since'), iid) -- it waited there while offered (unplace)
  redis.call('DEL', key('int', iid, 'rejected'))
  local akey = key('agent', aid)
  redis.call('HSET', akey, 'rsv', '', 'missed', '0')
  redis.call('SADD', akey .. ':work', iid)
  local waited = NOW - f.entered
  stat(f.queue, f.channel, {answered = 1, answered_sl = flag(waited <= qmeta(f.queue).sl), wait_ms = waited})
  agent_stat(aid, {handled = 1})
  if f.channel == 'callback' then dial_job(iid) end
  -- slaState and slaTimer tell the SLA observer there is a timer to end (slaMetPolicy: met in this run, to count),
  -- caseId the case SLA that an agent answered the call (absent = none: no extra round trip for either)
  emit({type = 'assigned', agent = aid, reservation = rid, interaction = iid, queue = f.queue,
        channel = f.channel, waitedMs = waited, slaState = met and 'met' or f.slaState,
        slaMetPolicy = policy, slaTimer = not met and timer or nil, caseId = f.caseId})
  return refresh(aid)
end

-- a: the agent as it is now (offer_interaction and offer_agent have just read it)
-- Returns the reservation, and the agent as it is after when it auto-accepts the channel (autoAccept): the offer is
-- then assigned in the same run, and the agent may take more.
local function reserve(iid, aid, f, a)
  local ikey = key('int', iid)
  local n = redis.call('HINCRBY', ikey, 'offers', '1')
  local rid = iid .. '.' .. n
  local timeout = f.offer or tonumber(ARGV[3]) -- the queue's offer timeout, else the node's
  if f.placed then unplace(iid, f, true) end
  redis.call('HSET', ikey, 'status', 'reserved', 'rsv', rid, 'agent', aid, 'offered', NOW_S, 'updated', NOW_S)
  redis.call('HSET', key('rsv', rid), 'interaction', iid, 'agent', aid, 'created', NOW_S,
             'expires', int(NOW + timeout), 'status', 'pending', 'channel', f.channel, 'queue', f.queue)
  redis.call('ZADD', key('timers'), int(NOW + timeout), 'rsv|' .. rid)
  local akey = key('agent', aid)
  redis.call('HSET', akey, 'rsv', rid)
  a.rsv = rid
  a[LOAD[f.cch]] = redis.call('HINCRBY', akey, LOAD[f.cch], '1')
  history(iid, {type = 'status', status = 'reserved', agent = aid, reservation = rid})
  local attrs = redis.call('HMGET', ikey, 'customerId', 'attributes', 'tier')
  -- the offer carries what the agent's desktop shows before accepting (screen pop)
  local offer = {type = 'offer', agent = aid, reservation = rid, interaction = iid, channel = f.channel,
                 queue = f.queue, customerId = attrs[1] or '', customerTier = attrs[3] or '',
                 attributes = cjson.decode(attrs[2] or '{}'), waitedMs = NOW - num(f.queued),
                 priority = f.priority, timeoutMs = timeout, expiresAt = NOW + timeout}
  emit(offer)
  -- the endpoint comes from the agent read that refresh does anyway (events are encoded at the end)
  offer.endpoint = refresh(aid, a).endpoint or ''
  f.status = 'reserved'
  if a.autoaccept ~= '' and string.find(a.autoaccept, f.cch, 1, true) then
    offer.autoAccepted = true
    f.status = 'assigned'
    return rid, assign(rid, aid, iid, f, 'auto_accepted')
  end
  return rid
end

local function rejected_by(iid, aid)
  return redis.call('SISMEMBER', key('int', iid, 'rejected'), aid) == 1
end

-- The agent's priority for a pool on channel c (1 unless its pools:<c> word says otherwise): only agents with a
-- queuePriority have a '#' in their words, so the others pay one string.find.
local function queue_priority(a, c, pool)
  local words = a[POOLS[c]]
  if not string.find(words, '#', 1, true) then return 1 end
  for word in string.gmatch(words, '%S+') do
    local p, _, priority = pool_word(word)
    if p == pool then return priority or 1 end
  end
  return 1
end

-- Finds the highest-priority interaction an agent can take now: the head of each waiting line of its pools that has
-- one, for each channel with free capacity; one intersection inside Redis finds those lines (agent lines ∩ waiting).
-- The agent's first queue priority with someone waiting wins, then the interactions' priority and age.
-- a: the agent as it is now
local function best_for_agent(aid, a)
  local akey = key('agent', aid)
  local free, any = {}, false
  for _, c in ipairs(CAPACITY_CHANNELS) do
    if can_take(a, c) then free[c], any = true, true end
  end
  if not any then return nil end
  local best, best_score, best_priority = nil, nil, nil
  for _, line in ipairs(redis.call('SINTER', akey .. ':lines', key('waiting'))) do
    local c, pool = string.match(line, '^(%a+)|(.+)$')
    if free[c] then
      local priority = queue_priority(a, c, pool)
      local head = redis.call('ZRANGE', key('pool', pool, 'wait', c), '0', '9', 'WITHSCORES')
      for i = 1, #head, 2 do
        if not rejected_by(head[i], aid) then
          local s = tonumber(head[i + 1])
          if not best or priority < best_priority or (priority == best_priority and s < best_score) then
            best, best_score, best_priority = head[i], s, priority
          end
          break
        end
      end
    end
  end
  return best
end

-- a: the agent as refresh just left it, when nothing changed it since (saves reading it again)
-- An auto-accepting agent goes on taking what waits for it, up to its capacity.
local function offer_agent(aid, a)
  a = a or agent_now(key('agent', aid))
  while true do
    local iid = best_for_agent(aid, a)
    if not iid then return nil end
    local rid, after = reserve(iid, aid, fields(iid), a)
    if not after then return rid end
    a = after
  end
end

-- Offers a newly queued interaction to the best free agent of its pool. Only the head few agents
-- are looked at (those that did not already refuse it), so the cost is logarithmic in pool size. An agent that
-- auto-accepts it takes nothing else here: being free, it had nothing it could take waiting for it.
-- f: the interaction's fields when the caller has them fresh
local function offer_interaction(iid, f)
  f = f or fields(iid)
  if not f or f.status ~= 'queued' then return nil end
  if direct(f.pool) then
    local aid = string.sub(f.pool, 2)
    local a = agent_now(key('agent', aid))
    if can_take(a, f.cch) and not rejected_by(iid, aid) then return (reserve(iid, aid, f, a)) end
    return nil
  end
  -- each candidate is read and checked before it is reserved (refresh then works from that read instead of its own):
  -- an index entry that no longer holds (an older node left running through an upgrade) never reserves an agent who
  -- cannot take the contact, and is dropped
  local avail = key('pool', f.pool, 'avail', f.cch)
  for _, aid in ipairs(redis.call('ZRANGE', avail, '0', '9')) do
    if not rejected_by(iid, aid) then
      local a = agent_now(key('agent', aid))
      if can_take(a, f.cch) then return (reserve(iid, aid, f, a)) end
      redis.call('ZREM', avail, aid)
    end
  end
  return nil
end

-- iid: the contact that leaves the agent's work; nil when it left before (a transfer's wrap-up ending: the contact may
-- be the agent's again by then)
local function release_agent(aid, cch, was_wrapping, iid)
  local akey = key('agent', aid)
  if iid then redis.call('SREM', akey .. ':work', iid) end
  redis.call('HINCRBY', akey, 'load:' .. cch, '-1')
  if was_wrapping then redis.call('HINCRBY', akey, 'wrap', '-1') end
  redis.call('HSET', akey, 'idle', NOW_S)
  return refresh(aid)
end

-- The workflow routes the interaction anew, its attributes having changed (reattribute): off its old line (an offer
-- on the old route is closed by then), onto the new plan's first step, keeping its age (queued time, SLA clock) as
-- move_waiting does for a supervisor's move; when the queue changes it counts as a transfer out of the old one.
-- keep_rejected: the agent who just refused it is still skipped
local function reroute(iid, f, plan, filter, keep_rejected)
  if f.placed then unplace(iid, f) end
  clear_step_timer(iid)
  if not keep_rejected then redis.call('DEL', key('int', iid, 'rejected')) end
  redis.call('HSET', key('int', iid), 'plan', plan, 'filter', filter, 'replan', '', 'refilter', '', 'status', 'queued',
             'rsv', '', 'agent', '', 'updated', NOW_S)
  history(iid, {type = 'rerouted', filter = filter, queue = f.queue})
  enter_step(iid, 0)
  local g = fields(iid)
  if g.queue ~= f.queue then
    redis.call('HSET', key('int', iid), 'entered', NOW_S)
    g.entered = NOW -- an agent auto-accepting it below measures its wait in the new queue from now
    stat(f.queue, f.channel, {transferred = 1})
    stat(g.queue, g.channel, {offered = 1})
  end
  emit({type = 'rerouted', interaction = iid, queue = f.queue, channel = f.channel, toQueue = g.queue, filter = filter})
  place(iid, g)
  offer_interaction(iid, g)
  return g
end

-- Closes an open reservation. missed = the agent let it ring out (counts toward away(missed)).
-- requeue = the interaction goes back to its place in line (false when it is being canceled).
-- How long the agent who refused a contact (rejected it, or let it ring out) is skipped for it: then it may be offered
-- it again (sweep's reoffer), so a contact only that agent can take is never stranded while the agent sits free
local REOFFER_MS = 10000

local function close_reservation(rid, outcome, missed, requeue)
  local rkey = key('rsv', rid)
  local r = redis.call('HMGET', rkey, 'interaction', 'agent', 'status')
  if r[3] ~= 'pending' then return false end
  local iid, aid = r[1], r[2]
  close_offer(rkey, outcome)
  redis.call('ZREM', key('timers'), 'rsv|' .. rid)
  local f = fields(iid)
  -- out of the queue's waiting figures (it stayed there while offered): a requeue places it back below
  redis.call('ZREM', key('queue', f.queue, 'since'), iid)
  local akey = key('agent', aid)
  redis.call('HSET', akey, 'rsv', '')
  redis.call('HINCRBY', akey, 'load:' .. f.cch, '-1')
  if missed then
    local count = redis.call('HINCRBY', akey, 'missed', '1')
    if count >= tonumber(ARGV[4]) then
      redis.call('HSET', akey, 'presence', 'away', 'reason', 'missed', 'missed', '0')
    end
  end
  emit({type = 'offer_canceled', agent = aid, reservation = rid, interaction = iid, reason = outcome, channel = f.channel})
  refresh(aid)
  if requeue then
    -- skip the agent who just refused it (no ping-pong), but only that one: once another agent
    -- refuses it too, the first is eligible again, so a small team never strands a contact. A phone that could not
    -- be rung (not_rung: the Asterisk link is down) adds to the skipped instead: each agent is tried once, then the
    -- contact waits for the reoffer timer, rather than bouncing between two agents as fast as Redis answers
    if outcome ~= 'not_rung' then redis.call('DEL', key('int', iid, 'rejected')) end
    redis.call('SADD', key('int', iid, 'rejected'), aid)
    -- the agent who just transferred it stays skipped whoever refuses it next (the named agent of the transfer: the
    -- contact goes on to the queue's line, which that agent may serve too)
    local passed = redis.call('HMGET', key('int', iid), 'passedBy', 'passedAt')
    if not blank(passed[1]) and num(passed[2]) + REOFFER_MS > NOW then
      redis.call('SADD', key('int', iid, 'rejected'), passed[1])
    end
    redis.call('ZADD', key('timers'), NOW + REOFFER_MS, 'reoffer|' .. iid)
    -- the one agent a transfer named said no: on to the step after (its queue's line) now, not at the step's timeout
    if direct(f.pool) and not missed and string.sub(outcome, 1, 6) ~= 'agent_' and not blank(f.steptimer) then
      redis.call('ZADD', key('timers'), NOW, f.steptimer)
    end
    history(iid, {type = 'status', status = 'queued', reason = outcome, agent = aid})
    emit({type = 'requeued', interaction = iid, queue = f.queue, reason = outcome})
    -- a call whose attributes gave it another route while it rang (reattribute) comes back onto that one
    local pending = redis.call('HMGET', key('int', iid), 'replan', 'refilter')
    if blank(pending[1]) then
      redis.call('HSET', key('int', iid), 'status', 'queued', 'rsv', '', 'agent', '', 'updated', NOW_S)
      f.status = 'queued'
      place(iid, f)
      offer_interaction(iid, f)
    else
      reroute(iid, f, pending[1], pending[2], true)
    end
  end
  offer_agent(aid)
  return true
end

local function escalate(iid, n)
  local f = fields(iid)
  if not f or f.step ~= n then return end
  if f.status ~= 'queued' and f.status ~= 'reserved' then return end
  if f.status == 'queued' then unplace(iid, f) end
  -- an offered one's offer stands; it waits on in the figures of the queue its new step names (below)
  if f.status == 'reserved' then redis.call('ZREM', key('queue', f.queue, 'since'), iid) end
  -- the agent who refused it last stays skipped on the new step until its reoffer timer: a refused preferred agent or
  -- transfer target (whose refusal ends the step at once) was offered it again straight away
  enter_step(iid, n + 1)
  local g = fields(iid)
  if g.queue ~= f.queue then
    local waited = NOW - f.entered
    stat(f.queue, f.channel, {overflowed = 1, overflowed_sl = flag(waited <= qmeta(f.queue).sl)})
    stat(g.queue, g.channel, {offered = 1})
    redis.call('HSET', key('int', iid), 'entered', NOW_S)
    g.entered = NOW
    emit({type = 'overflowed', interaction = iid, queue = f.queue, channel = f.channel, toQueue = g.queue,
          waitedMs = waited})
  end
  emit({type = 'escalated', interaction = iid, step = n + 1, queue = g.queue})
  if g.status == 'queued' then
    place(iid, g)
    offer_interaction(iid, g)
  else
    redis.call('ZADD', key('queue', g.queue, 'since'), int(math.max(num(g.queued), g.entered)), iid)
  end
end

-- The contacts waiting in a pool nobody is signed in to any more (mark_logged_in's empty timer) move on from a step
-- whose skipIf is no_logged_in_agents, as they would have skipped it on arrival: app_queue's leavewhenempty. `n` is
-- the channel and the rank this batch starts at ("voice0"): a batch of DRAIN_BATCH per sweep, so that a long line
-- never holds Redis for long; contacts on steps without that skipIf stay and are stepped over.
local DRAIN_BATCH = 100
local function drain_empty(pool, n)
  local c, from = string.match(n, '^(%a+)(%d*)$')
  from = tonumber(from) or 0
  if not nobody_signed_in(pool, c) then return end
  local line = key('pool', pool, 'wait', c)
  local moved = 0
  for _, iid in ipairs(redis.call('ZRANGE', line, int(from), int(from + DRAIN_BATCH - 1))) do
    local f = fields(iid)
    local plan = f and cjson.decode(redis.call('HGET', key('int', iid), 'plan')) or {}
    local step = plan[(f and f.step or 0) + 1]
    if step and step.skip == 'no_logged_in_agents' and f.step + 1 < #plan and f.status == 'queued' then
      history(iid, {type = 'step_skipped', step = f.step, queue = step.queue, reason = 'no_logged_in_agents'})
      clear_step_timer(iid)
      escalate(iid, f.step)
      moved = moved + 1
    end
  end
  local rest = from + DRAIN_BATCH - moved
  if redis.call('ZCARD', line) > rest then
    redis.call('ZADD', key('timers'), int(NOW), 'empty|' .. pool .. '|' .. c .. int(rest))
  end
end

-- The consultation of a warm transfer is over (canceled, the call ended, or the transfer it prepared): the
-- consulted agent gives back the voice capacity it held and, unless the transfer is about to reserve it for
-- this very call (offer = false), is offered the next contact.
local function end_consult(iid, f, outcome, offer)
  if blank(f.consult) then return end
  local aid = f.consult
  f.consult = nil
  redis.call('HSET', key('int', iid), 'consult', '')
  redis.call('HINCRBY', key('agent', aid), 'load:voice', '-1')
  history(iid, {type = 'consult_ended', agent = aid, outcome = outcome})
  -- `by`: the agent on the call, whose desktop shows the consultation too (AgentEventHub)
  emit({type = 'consult_ended', agent = aid, interaction = iid, outcome = outcome, by = f.agent})
  local a = refresh(aid)
  if offer then offer_agent(aid, a) end
end

local function complete(iid, f, disposition, notes, amount_cents)
  if f.status ~= 'assigned' and f.status ~= 'wrapping' then return 'conflict' end
  end_consult(iid, f, 'call_ended', true)
  local h = {'disposition', disposition or '', 'notes', notes or '', 'completed', NOW_S}
  -- talk and wrap-up counted with the completion, in one bucket: an AHT (their sum over completions) read while a
  -- contact is in wrap-up would otherwise hold its talk without it
  local talk, wrap = 0, 0
  if f.status == 'assigned' then
    talk = NOW - f.answered
    append(h, {'ended', NOW_S})
  else
    wrap = NOW - f.ended
    talk = f.ended - f.answered
    redis.call('ZREM', key('timers'), 'wrap|' .. iid)
  end
  amount_cents = amount_cents or 0
  if amount_cents > 0 then append(h, {'amountCents', amount_cents}) end
  redis.call('HSET', key('int', iid), unpack(append(h, status_fields(iid, 'completed', disposition))))
  retire(iid, f.channel, false)
  stat(f.queue, f.channel, {completed = 1, talk_ms = talk, wrap_ms = wrap, revenue_cents = amount_cents})
  agent_stat(f.agent, {completed = 1, talk_ms = talk, wrap_ms = wrap})
  emit({type = 'completed', interaction = iid, queue = f.queue, channel = f.channel, disposition = disposition or '',
        talkMs = talk, wrapMs = wrap, amountCents = amount_cents, handledBy = f.agent})
  offer_agent(f.agent, release_agent(f.agent, f.cch, f.status == 'wrapping', iid))
  return nil
end

-- A call out that never connected (the agent's phone did not answer, or was never reached): canceled, nothing handled,
-- the agent's voice capacity back at once.
local function dial_failed(iid, f, reason)
  redis.call('HSET', key('int', iid), 'ended', NOW_S)
  set_status(iid, 'canceled', reason)
  redis.call('ZREM', key('timers'), 'dial|' .. iid)
  retire(iid, f.channel, false)
  stat(f.queue, f.channel, {canceled = 1})
  emit({type = 'canceled', interaction = iid, queue = f.queue, channel = f.channel, agent = f.agent, waitedMs = 0,
        reason = reason})
  offer_agent(f.agent, release_agent(f.agent, f.cch, false, iid))
  return {status = 'canceled'}
end

-- Whether an assigned interaction is a call out the agent's phone has not answered yet.
local function unconnected_call_out(f)
  return f.status == 'assigned' and f.outbound and blank(f.connected)
end

-------------------------------------------------------------------------------------------- commands
local A = ARGV
-- Only the handler of the command at hand is created (`if CMD == ... then ... end end`): the body of a
-- script runs in full on every call, so every other handler would be a closure built and collected for
-- nothing, with all its upvalues; that was a fifth of the time Redis spent in these scripts.
local commands = {}

-- enqueue iid hashFieldsJson — fields include channel cch plan base customerId attributes created
-- Arms a new interaction's SLA answer timer in the run that queues it, so no node can stop between the two and
-- leave an orphan timer or an unwatched contact. The layout is sla.lua's (an armed timer is one payload in its
-- index bucket, its next step on the wheel, its ladder under its policy ref); Java encodes the timer and names the
-- bucket and wheel slot (SlaTimerCodec.armArgument). An id armed already is left alone, as sla.lua's cas does.
local function arm_sla(t)
  if redis.call('HSETNX', t.idx, t.id, t.payload) == 0 then return end
  redis.call('INCR', key('sla', 'armed'))
  if t.slot then
    local slot = int(t.slot)
    redis.call('ZADD', key('sla', 'w', slot), int(t.at), t.id)
    redis.call('ZADD', key('sla', 'slots'), slot, slot)
  end
  redis.call('HSETNX', key('sla', 'policies'), t.ref, t.ladder)
end

-- enqueue iid fieldsJson [slaTimerJson]
if CMD == 'enqueue' then commands.enqueue = function()
  local iid = A[9]
  local ikey = key('int', iid)
  if redis.call('EXISTS', ikey) == 1 then return nil, 'conflict' end
  local h = cjson.decode(A[10])
  local all = {}
  for k, v in pairs(h) do append(all, {k, str(v)}) end
  -- queued may come earlier than now (a callback asked for in the IVR keeps the time the call came in)
  local queued = blank(h.queued) and NOW_S or h.queued
  append(all, {'created', NOW_S, 'queued', queued, 'entered', NOW_S, 'offers', '0'})
  append(all, status_fields(iid, 'queued', 'created'))
  local sla = not blank(A[11]) and cjson.decode(A[11]) or nil
  if sla then append(all, {'slaIdx', sla.idx}) end
  redis.call('HSET', ikey, unpack(append(all, step_fields(iid, 0, h.plan, h.base, queued, h.cch))))
  if sla then arm_sla(sla) end
  if not blank(h.customerId) then
    -- the customer's timeline (360 view), newest first, capped so a frequent caller's list stays small
    local timeline = key('customer', h.customerId, 'interactions')
    redis.call('LPUSH', timeline, iid)
    redis.call('LTRIM', timeline, '0', CUSTOMER_TIMELINE_LAST)
  end
  local f = fields(iid)
  stat(f.queue, f.channel, {offered = 1, arrived = 1})
  emit({type = 'queued', interaction = iid, queue = f.queue, channel = f.channel})
  -- a free agent takes it at once, before it joins any line (its lines would be empty then anyway)
  f.placed = false
  if not offer_interaction(iid, f) then place(iid, f) end
  return {queue = f.queue, priority = f.priority, status = f.status}
end end

-- accept rid aid
-- (its helpers too are created only when it runs, as handlers are: see `commands` above)
if CMD == 'accept' then
  -- The answer timer as this run may meet it: running, counting every second (no calendar), within its target, its
  -- breach step not fired (a breach stays one when the target was lengthened since). Else nil: SlaService judges
  -- it. Payload state|ref|length|segmentStart|counted|next|offsets (next in decimal, the rest in base 36, each
  -- offset after the one before); ladder calendar;at:code[:points],...
  local function answer_timer_to_meet(payload)
    local state, ref, length, seg, counted, fired, offs =
      string.match(payload, '^(%a)|([^|]+)|(%w+)|(%w+)|(%w+)|(%d+)|(.*)$')
    local ladder = state == 'r' and redis.call('HGET', key('sla', 'policies'), ref)
    if not ladder or string.byte(ladder, 1) ~= 59 then return nil end -- 59 = ';': no calendar
    local t = {ref = ref, length = tonumber(length, 36), seg = tonumber(seg, 36), fired = tonumber(fired),
               offs = offs, warned = false}
    t.elapsed = tonumber(counted, 36) + math.max(0, NOW - t.seg)
    if t.elapsed > t.length then return nil end
    local step = 0
    for code in string.gmatch(ladder, '[%d.]+:(%a)') do
      step = step + 1
      if step > t.fired then break end
      if code == 'b' then return nil end
      if code == 'w' then t.warned = true end
    end
    return t
  end

  -- An answer within its agreement ends the answer timer in the run that answers, in sla.lua's layout (as arm_sla
  -- arms it): atomic with the answer, so a node that stops in between cannot leave a met call's timer running to a
  -- false breach, and a call costs one script run fewer (sla.lua's `cas` was a tenth of Redis's work per
  -- lifecycle). Severity and working time are Java's. Returns the record's fields and the policy, or nil.
  local function meet_answer(iid, idx, payload)
    local t = answer_timer_to_meet(payload)
    if not t then return nil end
    local id = iid .. '|a'
    -- off the wheel: the slot of the next step due
    local at, i = t.seg, 0
    for off in string.gmatch(t.offs, '%w+') do
      i = i + 1
      at = at + tonumber(off, 36)
      if i == t.fired + 1 then
        local slot = int(math.floor(at / SLA_WHEEL_SLOT))
        local wheel = key('sla', 'w', slot)
        redis.call('ZREM', wheel, id)
        if redis.call('EXISTS', wheel) == 0 then redis.call('ZREM', key('sla', 'slots'), slot) end
        break
      end
    end
    redis.call('HDEL', idx, id)
    redis.call('DECR', key('sla', 'armed'))
    if t.warned then redis.call('ZREM', key('sla', 'warned'), id) end
    minute_stat('kpi', 'answer:', {sla_met = 1})
    local policy = string.match(t.ref, '^(.*)@')
    sla_met_event = cjson.encode({interaction = iid, type = 'sla_met', id = id, target = 'answer', policy = policy,
                                  elapsedMs = t.elapsed, targetMs = t.length, at = NOW})
    return {'slaState', 'met', 'slaMetAt', NOW_S, 'slaElapsedMs', int(t.elapsed)}, policy
  end

  commands.accept = function()
    local rid, aid = A[9], A[10]
    local r = redis.call('HMGET', key('rsv', rid), 'interaction', 'agent', 'status', 'expires')
    if not r[1] then return nil, 'not_found' end
    if r[2] ~= aid then return nil, 'forbidden' end
    if r[3] ~= 'pending' then return nil, 'conflict' end
    -- past its deadline, not yet swept: it timed out (the phone may have stopped ringing); the sweep's work, done now
    if r[4] and NOW >= tonumber(r[4]) then
      close_reservation(rid, 'timeout', true, true)
      return nil, 'conflict'
    end
    local iid = r[1]
    offer_agent(aid, assign(rid, aid, iid, fields(iid), 'accepted', meet_answer))
    return {interaction = iid}
  end
end

-- reject rid aid reason
if CMD == 'reject' then commands.reject = function()
  local rid, aid = A[9], A[10]
  local r = redis.call('HMGET', key('rsv', rid), 'agent', 'status')
  if not r[1] then return nil, 'not_found' end
  if r[1] ~= aid then return nil, 'forbidden' end
  if r[2] ~= 'pending' then return nil, 'conflict' end
  -- no_answer: the agent's phone rang out (voice RONA), which counts toward away(missed)
  local reason = A[11] ~= '' and A[11] or 'rejected'
  close_reservation(rid, reason, reason == 'no_answer', true)
  return {}
end end

-- An agent may act only on an interaction assigned to it; staff (actor '') on any.
local function not_actor(f, actor)
  return actor ~= nil and actor ~= '' and f.agent ~= actor
end

-- wrapup iid wrapMs actor : the conversation ended; the agent keeps the capacity until wrap-up is done
if CMD == 'wrapup' then commands.wrapup = function()
  local iid, wrap_ms = A[9], tonumber(A[10])
  local f = fields(iid)
  if not f then return nil, 'not_found' end
  if not_actor(f, A[11]) then return nil, 'forbidden' end
  if f.status ~= 'assigned' then return nil, 'conflict' end
  if unconnected_call_out(f) then return nil, 'dialing' end
  redis.call('HSET', key('int', iid), 'ended', NOW_S)
  end_consult(iid, f, 'call_ended', true)
  if wrap_ms <= 0 then complete(iid, f, '', '', 0) return {status = 'completed'} end
  set_status(iid, 'wrapping', 'ended')
  redis.call('HINCRBY', key('agent', f.agent), 'wrap', '1')
  redis.call('ZADD', key('timers'), int(NOW + wrap_ms), 'wrap|' .. iid)
  emit({type = 'wrapping', agent = f.agent, interaction = iid, queue = f.queue, channel = f.channel,
        wrapUpMs = wrap_ms, talkMs = NOW - f.answered})
  refresh(f.agent)
  return {status = 'wrapping'}
end end

-- complete iid disposition notes actor amountCents
if CMD == 'complete' then commands.complete = function()
  local iid = A[9]
  local f = fields(iid)
  if not f then return nil, 'not_found' end
  if not_actor(f, A[12]) then return nil, 'forbidden' end
  if unconnected_call_out(f) then return nil, 'dialing' end
  local err = complete(iid, f, A[10], A[11], tonumber(A[13]) or 0)
  if err then return nil, err end
  return {status = 'completed'}
end end

-- cancel iid status reason : status is canceled or abandoned
if CMD == 'cancel' then commands.cancel = function()
  local iid, status, reason = A[9], A[10], A[11]
  local f = fields(iid)
  if not f then return nil, 'not_found' end
  if f.status == 'reserved' then
    close_reservation(f.rsv, 'canceled', false, false)
  elseif f.status == 'queued' then
    unplace(iid, f)
  else
    return nil, 'conflict'
  end
  clear_step_timer(iid)
  redis.call('HSET', key('int', iid), 'ended', NOW_S)
  set_status(iid, status, reason)
  retire(iid, f.channel, true)
  local waited = NOW - f.entered
  if status == 'abandoned' then
    local m = qmeta(f.queue)
    stat(f.queue, f.channel, {abandoned = 1, abandoned_short = flag(waited < m.short),
                               abandoned_sl = flag(waited <= m.sl), abandon_wait_ms = waited})
  else
    stat(f.queue, f.channel, {canceled = 1})
  end
  emit({type = status, interaction = iid, queue = f.queue, channel = f.channel, waitedMs = waited,
        slaState = f.slaState, slaTimer = answer_timer(iid, f)})
  return {status = status}
end end

-- A supervisor moves a waiting interaction onto a new route (another queue, or one agent first): it
-- leaves its line and joins the new one keeping its age, as a transfer does, with no agent to release.
local function move_waiting(iid, f)
  unplace(iid, f)
  clear_step_timer(iid)
  -- manual: a route a person chose, which new attributes do not override (reattribute)
  redis.call('HSET', key('int', iid), 'plan', A[10], 'base', A[11], 'manual', '1', 'replan', '')
  history(iid, {type = 'status', status = 'moved', queue = f.queue})
  enter_step(iid, 0)
  local g = fields(iid)
  emit({type = 'moved', interaction = iid, queue = f.queue, channel = f.channel, toQueue = g.queue})
  if g.queue ~= f.queue then
    -- as reroute: a new queue measures its wait from now; given to an agent in its own queue, the wait goes on
    redis.call('HSET', key('int', iid), 'entered', NOW_S)
    g.entered = NOW
    stat(f.queue, f.channel, {transferred = 1})
    stat(g.queue, g.channel, {offered = 1})
  end
  place(iid, g)
  offer_interaction(iid)
  return {queue = g.queue, status = 'queued'}
end

-- transfer iid planJson base actor wrapMs : an assigned interaction goes back in line on a new route, keeping its
-- age; the transferring agent wraps up for wrapMs (its queue's wrap-up time); staff may also move a waiting one
-- (move_waiting)
if CMD == 'transfer' then commands.transfer = function()
  local iid = A[9]
  local f = fields(iid)
  if not f then return nil, 'not_found' end
  if not_actor(f, A[12]) then return nil, 'forbidden' end
  -- an agent's own call out has no line to go back to, and no caller's channel to move
  if f.outbound then return nil, 'outbound' end
  if f.status == 'queued' and blank(A[12]) then return move_waiting(iid, f) end
  if f.status ~= 'assigned' then return nil, 'conflict' end
  -- a callback whose dial still rings its agent's phone (its job sending, before its deadline: CallbackDialStore):
  -- answered after the transfer, that phone would call the customer too, on top of the next agent's dial. Past the
  -- deadline (Asterisk never answered for it, and no sweep dropped it yet) it rings no more
  if f.channel == 'callback' then
    local dials = key('voice', 'callback', 'dials')
    if redis.call('HGET', dials .. ':' .. iid, 'state') == 'sending'
        and num(redis.call('ZSCORE', dials, iid)) > NOW then
      return nil, 'dialing'
    end
  end
  -- a transfer ends a consultation: the consulted agent is free again, so the new route may reserve it
  local consulted = f.consult
  end_consult(iid, f, 'transferred', false)
  redis.call('HSET', key('int', iid), 'plan', A[10], 'base', A[11], 'agent', '', 'manual', '1', 'replan', '',
             'passedBy', f.agent, 'passedAt', NOW_S)
  local transfers = redis.call('HINCRBY', key('int', iid), 'transfers', '1')
  history(iid, {type = 'status', status = 'transferred', agent = f.agent})
  local to_queue = cjson.decode(A[10])[1].queue
  -- the transferring agent's wrap-up (below) runs its whole length on a timer: counted now, with the leg's talk
  local wrap_ms = math.max(0, tonumber(A[13] or '') or 0)
  emit({type = 'transferred', agent = f.agent, interaction = iid, queue = f.queue, channel = f.channel,
        toQueue = to_queue, talkMs = NOW - f.answered, wrapMs = wrap_ms})
  stat(f.queue, f.channel, {transferred = 1, completed = 1, talk_ms = NOW - f.answered, wrap_ms = wrap_ms})
  agent_stat(f.agent, {completed = 1, talk_ms = NOW - f.answered, wrap_ms = wrap_ms})
  if wrap_ms > 0 then
    -- the transferring agent does its after-contact work, as after any contact (app_queue's wrapuptime):
    -- its capacity stays taken until the wrap-up timer frees it
    redis.call('SREM', key('agent', f.agent) .. ':work', iid)
    redis.call('HINCRBY', key('agent', f.agent), 'wrap', '1')
    -- one timer per transfer: the same agent transferring the same contact again (it came back to it) holds its
    -- capacity twice, and each wrap-up gives its own back
    redis.call('ZADD', key('timers'), int(NOW + wrap_ms),
               'awrap|' .. f.agent .. '~' .. iid .. '~' .. transfers .. '|' .. f.cch)
    refresh(f.agent)
  else
    release_agent(f.agent, f.cch, false, iid)
  end
  set_status(iid, 'queued', 'transferred')
  -- the agent passed it on: not offered it straight back by a queue it serves too, but skipped as after a refusal
  -- (REOFFER_MS: then it may be, if it is still the only one free)
  redis.call('DEL', key('int', iid, 'rejected'))
  redis.call('SADD', key('int', iid, 'rejected'), f.agent)
  redis.call('ZADD', key('timers'), NOW + REOFFER_MS, 'reoffer|' .. iid)
  enter_step(iid, 0)
  local g = fields(iid)
  stat(g.queue, g.channel, {offered = 1})
  redis.call('HSET', key('int', iid), 'entered', NOW_S)
  g.entered = NOW
  place(iid, g)
  offer_interaction(iid)
  offer_agent(f.agent)
  if not blank(consulted) then offer_agent(consulted) end -- when the route went elsewhere
  return {queue = g.queue}
end end

-- reattribute iid oldAttributes attributes oldPlan plan filter changedJson actor : the attributes an update gives
-- (RoutingEngine.updateAttributes), compared-and-set against what the node read: after a concurrent update or a
-- transfer it answers stale and the node reads again. plan: the route the workflow gives them ('' for none, or when
-- an agent updates the interaction it holds); a waiting interaction moves onto it, a chat, email or callback offer
-- on the old route is withdrawn, and a ringing call's offer stands, the new route kept for its return
-- (close_reservation): Switchboard cannot unring a phone the call is already redirected to.
if CMD == 'reattribute' then commands.reattribute = function()
  local iid, actor = A[9], A[16]
  local f = fields(iid)
  if not f then return nil, 'not_found' end
  if not_actor(f, actor) then return nil, 'forbidden' end
  -- an agent's own interaction is the one offered to it or held (until wrap-up ends), not one long gone
  if not blank(actor) and f.status ~= 'reserved' and f.status ~= 'assigned' and f.status ~= 'wrapping' then
    return nil, 'conflict'
  end
  local ikey = key('int', iid)
  local h = redis.call('HMGET', ikey, 'attributes', 'plan')
  if (h[1] or '') ~= A[10] or (h[2] or '') ~= A[12] then return {stale = true} end
  redis.call('HSET', ikey, 'attributes', A[11], 'updated', NOW_S)
  local changed = cjson.decode(A[15])
  history(iid, {type = 'attributes_updated', keys = changed, by = actor})
  -- the agent offered or holding it sees the new attributes on its desktop
  -- slaState: the SLA observer looks for the agreement the new attributes match while the answer timer runs
  emit({type = 'attributes_updated', interaction = iid, agent = (not blank(f.agent)) and f.agent or nil,
        queue = f.queue, channel = f.channel, keys = changed, slaState = f.slaState})
  local plan, filter = A[13], A[14]
  local same = {status = f.status, queue = f.queue, rerouted = false}
  if blank(plan) then return same end
  if plan == h[2] then
    -- back to the route it is on: a ringing call's pending route is void
    redis.call('HSET', ikey, 'replan', '', 'refilter', '')
    return same
  end
  if f.status == 'reserved' and f.channel == 'voice' then
    redis.call('HSET', ikey, 'replan', plan, 'refilter', filter)
    same.pending = true
    return same
  end
  if f.status == 'reserved' then
    close_reservation(f.rsv, 'rerouted', false, false)
  elseif f.status ~= 'queued' then
    return same
  end
  local g = reroute(iid, f, plan, filter, false)
  return {status = g.status, queue = g.queue, rerouted = true}
end end

-- replan iid expectedPlan plan filter : the rules changed under a waiting contact (its queue removed, or no longer
-- serving its channel): onto the route its workflow gives it now, keeping its place in line, as reattribute moves one
if CMD == 'replan' then commands.replan = function()
  local iid = A[9]
  local f = fields(iid)
  if not f then return nil, 'not_found' end
  if f.status ~= 'queued' or (redis.call('HGET', key('int', iid), 'plan') or '') ~= A[10] then return {stale = true} end
  history(iid, {type = 'rules_changed', queue = f.queue})
  local g = reroute(iid, f, A[11], A[12], false)
  return {status = g.status, queue = g.queue, rerouted = true}
end end

-- consult iid aid actor : the agent on the call (actor) consults agent aid before a warm transfer. The consulted
-- agent is on the phone with it, so it holds voice capacity meanwhile (busy: not offered another call) until
-- consult_end, the transfer, or the end of the call; one consultation at a time, with a free agent only.
if CMD == 'consult' then commands.consult = function()
  local iid, aid = A[9], A[10]
  local f = fields(iid)
  if not f then return nil, 'not_found' end
  if not_actor(f, A[11]) then return nil, 'forbidden' end
  if f.status ~= 'assigned' or not blank(f.consult) or f.agent == aid then return nil, 'conflict' end
  local akey = key('agent', aid)
  if redis.call('EXISTS', akey) == 0 then return nil, 'not_found' end
  if not can_take(agent_now(akey), 'voice') then return nil, 'agent_unavailable' end
  redis.call('HSET', key('int', iid), 'consult', aid)
  redis.call('HINCRBY', akey, 'load:voice', '1')
  history(iid, {type = 'consulting', agent = aid, by = f.agent})
  emit({type = 'consulting', agent = aid, interaction = iid, by = f.agent, queue = f.queue, channel = f.channel})
  refresh(aid)
  return {consult = aid}
end end

-- consult_end iid actor [outcome [aid]] : the consultation ended without a transfer: canceled (the default), or
-- not_answered (the consulted agent's leg ended before anyone answered), hung_up (it answered, then hung up);
-- aid: only if it is that agent's hold
if CMD == 'consult_end' then commands.consult_end = function()
  local iid = A[9]
  local f = fields(iid)
  if not f then return nil, 'not_found' end
  if not_actor(f, A[10]) then return nil, 'forbidden' end
  if blank(f.consult) or not blank(A[12]) and f.consult ~= A[12] then return nil, 'conflict' end
  end_consult(iid, f, A[11] or 'canceled', true)
  return {}
end end

-- outbound iid aid hashFieldsJson ringMs : the agent's own call out (click-to-dial), held by that agent from the start:
-- no line, no offer, no wait to count. Its voice capacity is taken in this run, so routing offers the agent no call
-- while it dials (the busy phone would ring out, a missed offer). Any presence but offline may dial (an agent away
-- calls a customer back); not with an offer open, nor beyond capacity. Fields as enqueue's (queue: the outbound
-- queue, whose statistics count these calls apart from the inbound lines). Until outbound_connected, a dial timer
-- runs: a call whose phone was never reached (no channel, no hang-up to see) is canceled by it.
if CMD == 'outbound' then commands.outbound = function()
  local iid, aid = A[9], A[10]
  local ikey = key('int', iid)
  if redis.call('EXISTS', ikey) == 1 then return nil, 'conflict' end
  local akey = key('agent', aid)
  local a = agent_now(akey)
  if not logged_in(a.presence) then return nil, 'agent_offline' end
  if not blank(a.rsv) then return nil, 'agent_offered' end
  if not fits(a, 'voice') then return nil, 'agent_busy' end
  local h = cjson.decode(A[11])
  local all = {}
  for k, v in pairs(h) do append(all, {k, str(v)}) end
  append(all, {'cch', 'voice', 'direction', 'outbound', 'agent', aid, 'created', NOW_S, 'queued', NOW_S,
               'entered', NOW_S, 'offered', NOW_S, 'answered', NOW_S, 'offers', '0'})
  redis.call('HSET', ikey, unpack(append(all, status_fields(iid, 'assigned', 'outbound'))))
  if not blank(h.customerId) then
    local timeline = key('customer', h.customerId, 'interactions')
    redis.call('LPUSH', timeline, iid)
    redis.call('LTRIM', timeline, '0', CUSTOMER_TIMELINE_LAST)
  end
  redis.call('SADD', akey .. ':work', iid)
  a['load:voice'] = redis.call('HINCRBY', akey, 'load:voice', '1')
  redis.call('ZADD', key('timers'), int(NOW + tonumber(A[12])), 'dial|' .. iid)
  stat(h.queue, h.channel, {dialled = 1})
  emit({type = 'outbound', agent = aid, interaction = iid, queue = h.queue, channel = h.channel,
        customerId = h.customerId})
  refresh(aid, a)
  return {queue = h.queue, status = 'assigned'}
end end

-- outbound_connected iid : the agent answered its phone for its call out (OriginateResponse Success, seen by every
-- node): talk time starts now, the dial timer stops, the agent has handled a contact. Answers connected = true only
-- to the first of the nodes that tell it (which starts the recording).
if CMD == 'outbound_connected' then commands.outbound_connected = function()
  local iid = A[9]
  local f = fields(iid)
  if not f then return nil, 'not_found' end
  if not unconnected_call_out(f) then return {connected = false} end
  redis.call('HSET', key('int', iid), 'connected', NOW_S, 'answered', NOW_S)
  redis.call('ZREM', key('timers'), 'dial|' .. iid)
  stat(f.queue, f.channel, {connected = 1})
  agent_stat(f.agent, {handled = 1})
  history(iid, {type = 'connected'})
  emit({type = 'outbound_connected', agent = f.agent, interaction = iid, queue = f.queue, channel = f.channel})
  return {connected = true}
end end

-- outbound_failed iid reason : the agent's phone never answered its call out (Originate failed, or its channel hung
-- up first): canceled, the agent free at once. Only the voice channel says so: staff cannot cancel a call out, whose
-- phone would ring on. Answers canceled = false when it had connected or ended already.
if CMD == 'outbound_failed' then commands.outbound_failed = function()
  local iid = A[9]
  local f = fields(iid)
  if not f then return nil, 'not_found' end
  if not unconnected_call_out(f) then return {canceled = false} end
  dial_failed(iid, f, A[10])
  return {canceled = true}
end end

-- callback iid attributesJson : a waiting caller hangs up for a callback and keeps its place in line: same
-- queue, score and queued time (voice and callback share voice capacity, so the pool line is the same)
if CMD == 'callback' then commands.callback = function()
  local iid = A[9]
  local f = fields(iid)
  if not f then return nil, 'not_found' end
  if f.status ~= 'queued' or f.channel ~= 'voice' then return nil, 'conflict' end
  redis.call('HSET', key('int', iid), 'channel', 'callback', 'attributes', A[10], 'updated', NOW_S)
  history(iid, {type = 'callback_requested'})
  -- out of the queue's voice figures, into its callback ones: offered and answered under one channel each
  stat(f.queue, 'voice', {transferred = 1})
  stat(f.queue, 'callback', {offered = 1})
  emit({type = 'callback_requested', interaction = iid, queue = f.queue, channel = 'callback'})
  return {status = f.status}
end end

-- Sets the agent's presence (available, away or offline) and what follows from it; nil, 'not_found' for no agent
local function set_presence(aid, presence, reason)
  local akey = key('agent', aid)
  if redis.call('EXISTS', akey) == 0 then return nil, 'not_found' end
  local before = redis.call('HMGET', akey, 'presence', 'reason', 'state')
  local was = before[1]
  redis.call('HSET', akey, 'presence', presence, 'reason', reason or '')
  if logged_in(presence) ~= logged_in(was) then mark_logged_in(akey, aid, logged_in(presence)) end
  if presence == 'available' and was ~= 'available' then redis.call('HSET', akey, 'idle', NOW_S, 'missed', '0') end
  -- presence is set first so that closing an open offer does not hand the leaving agent a new one
  local rid = redis.call('HGET', akey, 'rsv')
  if presence ~= 'available' and not blank(rid) then close_reservation(rid, 'agent_' .. presence, false, true) end
  local a = refresh(aid)
  -- busy or wrapping up, the state stays what it was, but what the agent will be after it changed: said, so the desk
  -- shows "busy, then away" whoever set it (a supervisor too), as a state change would be
  if (was ~= presence or (before[2] or '') ~= (reason or '')) and a.state == before[3] then
    emit({type = 'presence_changed', agent = aid, presence = presence, reason = reason or '', state = a.state})
  end
  offer_agent(aid, a) -- keeps `a` as it leaves the agent
  return {state = a.state}
end

-- Ends every session of the agent: tokens carry the session they were issued in (session, absent = 0), and the API
-- takes only the current one's; the desks still connected are told (signed_out) and closed by the node holding them
local function end_sessions(akey, aid, why)
  local session = redis.call('HINCRBY', akey, 'session', 1)
  emit({type = 'signed_out', agent = aid, session = session, reason = why})
end

-- state aid presence reason
if CMD == 'state' then commands.state = function()
  return set_presence(A[9], A[10], A[11])
end end

-- signout aid reason : ends the agent's sessions, then signs it out (offline; the work it holds stays with it)
if CMD == 'signout' then commands.signout = function()
  local aid = A[9]
  local akey = key('agent', aid)
  if redis.call('EXISTS', akey) == 0 then return nil, 'not_found' end
  end_sessions(akey, aid, A[10])
  return set_presence(aid, 'offline', A[10])
end end

-- upsert aid fieldsJson poolsJson : profile fields (cap:*, skill:*, name, ...) and pool membership per capacity
-- channel ({"voice": [pool, ...], "chat": [...], "email": [...]}, each "<pool>[/<order>][#<priority>]" as in pools:<c>)
if CMD == 'upsert' then commands.upsert = function()
  local aid = A[9]
  local akey = key('agent', aid)
  if redis.call('EXISTS', akey) == 0 then
    redis.call('HSET', akey, 'presence', 'offline', 'idle', NOW_S, 'rsv', '', 'missed', '0', 'wrap', 0,
               'load:voice', 0, 'load:chat', 0, 'load:email', 0)
    redis.call('SADD', key('agents'), aid)
  end
  -- Every change of an agent reads 19 fields of its hash. Redis keeps a hash of a few dozen short fields as a
  -- ziplist (a listpack from 7.0), where finding a field scans the hash from its start: for the agent's hash that
  -- was 6 % of all the instructions Redis ran for a lifecycle (bench/README.md). A value longer than
  -- hash-max-ziplist-value (64 bytes unless configured otherwise) makes Redis keep the hash as a hash table for
  -- good; agents are few, so the memory does not count. Written at every upsert, so older agents convert too.
  redis.call('HSET', akey, 'encoding', 'a hash table, not a ziplist: Redis converts a hash with a value this long')
  -- a new profile replaces the skills (skill:<s>, what highest_proficiency ranks by); a re-index ({}) keeps them
  local profile = cjson.decode(A[10])
  if profile.skills ~= nil then
    for _, k in ipairs(redis.call('HKEYS', akey)) do
      if string.sub(k, 1, 6) == 'skill:' then redis.call('HDEL', akey, k) end
    end
  end
  -- a new PIN ends the sessions opened with the old one (a PIN told to someone, an agent who left the team)
  local pin = redis.call('HGET', akey, 'pin')
  local pin_changed = profile.pin ~= nil and pin and profile.pin ~= pin
  if pin_changed then end_sessions(akey, aid, 'pin_changed') end
  for k, v in pairs(profile) do redis.call('HSET', akey, k, str(v)) end
  -- out of every availability index it was in
  for _, line in ipairs(redis.call('SMEMBERS', akey .. ':lines')) do
    local c, pool = string.match(line, '^(%a+)|(.+)$')
    if not direct(pool) then redis.call('ZREM', key('pool', pool, 'avail', c), aid) end
  end
  mark_logged_in(akey, aid, false)
  redis.call('DEL', akey .. ':lines')
  -- the older layouts: a set of pools per channel (agent:<id>:pools:<c>), before that one for all (agent:<id>:pools)
  for _, old in ipairs({akey .. ':pools', akey .. ':pools:voice', akey .. ':pools:chat', akey .. ':pools:email'}) do
    for _, pool in ipairs(redis.call('SMEMBERS', old)) do
      for _, c in ipairs(CAPACITY_CHANNELS) do redis.call('ZREM', key('pool', pool, 'avail', c), aid) end
    end
    redis.call('DEL', old)
  end
  local lines, shared = {}, {}
  for _, c in ipairs(CAPACITY_CHANNELS) do shared[c] = {} end
  for c, pools in pairs(cjson.decode(A[11])) do
    for _, word in ipairs(pools) do
      local pool = pool_word(word)
      lines[#lines + 1] = c .. '|' .. pool
      if not direct(pool) then table.insert(shared[c], word) end
    end
  end
  if #lines > 0 then redis.call('SADD', akey .. ':lines', unpack(lines)) end
  if logged_in(redis.call('HGET', akey, 'presence')) then mark_logged_in(akey, aid, true) end
  for _, c in ipairs(CAPACITY_CHANNELS) do redis.call('HSET', akey, POOLS[c], table.concat(shared[c], ' ')) end
  -- signed out with its sessions: offers would go to a desk that is no longer there
  if pin_changed then return set_presence(aid, 'offline', 'pin_changed') end
  local a = refresh(aid)
  offer_agent(aid, a) -- keeps `a` as it leaves the agent
  return {state = a.state}
end end

-- rules poolsJson queuesJson : [{id}], [{name, sl, short}] of the loaded rules
if CMD == 'rules' then commands.rules = function()
  local pools = cjson.decode(A[9])
  for _, q in ipairs(cjson.decode(A[10])) do
    redis.call('HSET', key('queue', q.name, 'meta'), 'sl', q.sl, 'short', q.short)
  end
  -- which lines are not empty (waiting), rebuilt from the lines themselves: also fills it for lines written before
  -- the index existed, and takes over the older layout's index (a set per channel, waiting:<c>)
  for _, c in ipairs(CAPACITY_CHANNELS) do
    for _, p in ipairs(pools) do
      if redis.call('ZCARD', key('pool', p.id, 'wait', c)) > 0 then
        redis.call('SADD', key('waiting'), c .. '|' .. p.id)
      end
    end
    for _, pool in ipairs(redis.call('SMEMBERS', key('waiting', c))) do
      if redis.call('ZCARD', key('pool', pool, 'wait', c)) > 0 then
        redis.call('SADD', key('waiting'), c .. '|' .. pool)
      end
    end
    redis.call('DEL', key('waiting', c))
  end
  -- the older layout's pool hashes (queue, order): a pool's order now comes with each agent's membership
  for _, p in ipairs(pools) do redis.call('DEL', key('pool', p.id)) end
  -- the pools these rules have (step_fields checks a later step's against them)
  local live = {}
  redis.call('DEL', key('pools'))
  for _, p in ipairs(pools) do
    live[p.id] = true
    redis.call('SADD', key('pools'), p.id)
  end
  -- contacts waiting in a pool these rules no longer have (a step's `agents` or `order` edited gives it a new id) are
  -- in no agent's lines: they move to their queue's plain pool, which every member of the queue is in, keeping their
  -- place; a free agent gets them there. Each node that loads the rules does this, so the last one to do so also moves
  -- what a node still on the old rules queued meanwhile.
  local moved = 0
  for _, member in ipairs(redis.call('SMEMBERS', key('waiting'))) do
    local c, pool = string.match(member, '^([^|]+)|(.+)$')
    if pool and not live[pool] and string.sub(pool, 1, 1) ~= '@' then
      for _, iid in ipairs(redis.call('ZRANGE', key('pool', pool, 'wait', c), 0, -1)) do
        local f = fields(iid)
        if f and f.pool == pool and f.status == 'queued' and live[f.queue] then
          unplace(iid, f)
          redis.call('HSET', key('int', iid), 'pool', f.queue)
          f.pool = f.queue
          place(iid, f)
          offer_interaction(iid, f)
          moved = moved + 1
        end
      end
    end
  end
  return {moved = moved}
end end

-- raise iid points reason : an SLA escalation moves a waiting (or offered) interaction up its line.
-- The points join its base priority, so later steps keep them; a queued one is re-placed at once.
-- raise iid points reason [once] : `once` (an SLA step's token) makes a redelivered raise a no-op
if CMD == 'raise' then commands.raise = function()
  local iid, points = A[9], tonumber(A[10])
  local f = fields(iid)
  if not f then return nil, 'not_found' end
  if f.status ~= 'queued' and f.status ~= 'reserved' then return nil, 'conflict' end
  local ikey = key('int', iid)
  if A[12] and A[12] ~= '' and redis.call('HSETNX', ikey, 'raised:' .. A[12], NOW_S) == 0 then
    return {priority = tonumber(redis.call('HGET', ikey, 'priority')), status = f.status, duplicate = true}
  end
  if f.status == 'queued' then unplace(iid, f) end
  redis.call('HINCRBYFLOAT', ikey, 'base', points)
  local priority = tonumber(redis.call('HINCRBYFLOAT', ikey, 'priority', points))
  f.score = f.score - points
  redis.call('HSET', ikey, 'score', f.score, 'updated', NOW_S)
  history(iid, {type = 'priority_raised', points = points, priority = priority, reason = A[11] or ''})
  emit({type = 'priority_raised', interaction = iid, queue = f.queue, channel = f.channel, points = points,
        priority = priority, reason = A[11] or ''})
  if f.status == 'queued' then place(iid, f) end
  return {priority = priority, status = f.status}
end end

-- widen iid reason : moves the interaction to its plan's next step now (an SLA escalation: wider skills,
-- an overflow queue) instead of at that step's timeout; on the last step nothing changes
if CMD == 'widen' then commands.widen = function()
  local iid = A[9]
  local f = fields(iid)
  if not f then return nil, 'not_found' end
  if f.status ~= 'queued' and f.status ~= 'reserved' then return nil, 'conflict' end
  -- once: an SLA step's token, so a widen delivered again (its node stopped before saying it was done) moves no further
  if A[11] and A[11] ~= '' and redis.call('HSETNX', key('int', iid), 'widened:' .. A[11], NOW_S) == 0 then
    return {step = f.step, widened = false, duplicate = true}
  end
  local plan = cjson.decode(redis.call('HGET', key('int', iid), 'plan'))
  if f.step + 1 >= #plan then return {step = f.step, widened = false} end
  history(iid, {type = 'widened', step = f.step + 1, reason = A[10] or ''})
  clear_step_timer(iid)
  escalate(iid, f.step)
  -- the step escalate left it at: a skipIf may pass more than one
  return {step = tonumber(redis.call('HGET', key('int', iid), 'step')), widened = true}
end end

-- A contact waiting in a line whose pool has an agent free for it is a match that the offers made at each change (a
-- contact queued, an agent freed) missed. None should be left, so one found says that some path lacks its offer: the
-- sweep looks once a second (rematch), offers what it finds, in line order, and names it for the log, rather than
-- leave the contact waiting for whatever changes next. Only lines whose pool has someone free are read further.
local function rematch()
  local offered = {}
  for _, line in ipairs(redis.call('SMEMBERS', key('waiting'))) do
    local c, pool = string.match(line, '^(%a+)|(.+)$')
    local someone_free
    if direct(pool) then
      someone_free = can_take(agent_now(key('agent', string.sub(pool, 2))), c)
    else
      someone_free = redis.call('ZCARD', key('pool', pool, 'avail', c)) > 0
    end
    if someone_free then
      for _, iid in ipairs(redis.call('ZRANGE', key('pool', pool, 'wait', c), '0', '9')) do
        local rid = offer_interaction(iid)
        if rid then
          offered[#offered + 1] = {interaction = iid, pool = pool, agent = redis.call('HGET', key('rsv', rid), 'agent')}
        end
      end
    end
  end
  return offered
end

-- sweep limit [rematch] : fires due timers; each is removed from the zset before it acts, so it fires once;
-- rematch '1' looks for missed matches too (rematch, above)
if CMD == 'sweep' then commands.sweep = function()
  local due = redis.call('ZRANGEBYSCORE', key('timers'), '-inf', NOW, 'WITHSCORES', 'LIMIT', 0, tonumber(A[9]))
  local late = {}
  for i = 1, #due, 2 do
    local member, deadline = due[i], tonumber(due[i + 1])
    -- read again: an earlier timer of this sweep may have removed this one (an offer closed) or armed it anew under
    -- the same name (a re-route's first step), due later
    local current = tonumber(redis.call('ZSCORE', key('timers'), member))
    local kind, id, n
    if current and current <= NOW then
      redis.call('ZREM', key('timers'), member)
      late[#late + 1] = NOW - deadline
      kind, id, n = string.match(member, '^(%a+)|([^|]+)|?(%w*)$')
    end
    if kind == 'rsv' then
      close_reservation(id, 'timeout', true, true)
    elseif kind == 'step' then
      escalate(id, tonumber(n))
    elseif kind == 'wrap' then
      local f = fields(id)
      if f and f.status == 'wrapping' then complete(id, f, 'wrap_up_timeout', '', 0) end
    elseif kind == 'dial' then
      local f = fields(id)
      if f and unconnected_call_out(f) then dial_failed(id, f, 'the agent\'s phone did not answer') end
    elseif kind == 'reoffer' then
      -- the refusing agent's skip ends: offered to whoever can take it now, that agent included
      redis.call('DEL', key('int', id, 'rejected'))
      local f = fields(id)
      if f and f.status == 'queued' then offer_interaction(id, f) end
    elseif kind == 'empty' then
      drain_empty(id, n)
    elseif kind == 'awrap' then
      -- an agent's wrap-up after a transfer ends (id = agent~interaction~transfer, n = capacity channel); the contact
      -- left the agent's work at the transfer
      local aid = string.match(id, '^([^~]+)~')
      release_agent(aid, n, true, nil)
      offer_agent(aid)
    end
  end
  return {fired = #late, lateMs = late, rematched = A[10] == '1' and rematch() or nil}
end end

local handler = commands[CMD]
if not handler then return cjson.encode({error = 'unknown_command'}) end
local result, err = handler()
local events_json = publish()
return '{"result":' .. cjson.encode(result or {}) .. ',"error":' .. cjson.encode(err) .. ',"events":' .. events_json .. '}'
