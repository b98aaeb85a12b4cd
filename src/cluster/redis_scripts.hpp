#pragma once

// The Lua scripts of the Redis bus: each is one atomic step on a conversation's keys.
// Keys of a conversation: `reply` (hash: gen, start, seq, owner, ended, endframe), `text` (the
// reply's text so far), `queue` (list of tickets), `lease` (the ticket holding the turn),
// `previous-reply` and `previous-text` (the reply before, as it was when the next one began).

namespace moodring::cluster::scripts {

// KEYS reply text channel previous-reply previous-text; ARGV gen start owner seq text px
// envelope ended endframe. A reply begun (seq 0, no text) or written again after Redis lost it.
// The reply of another generation it replaces becomes the previous one, for px.
inline constexpr const char* store_reply = R"lua(
local old = redis.call('HGET', KEYS[1], 'gen')
if old and old ~= ARGV[1] then
  redis.call('RENAME', KEYS[1], KEYS[4])
  redis.call('PEXPIRE', KEYS[4], ARGV[6])
  redis.call('SET', KEYS[5], redis.call('GET', KEYS[2]) or '', 'PX', ARGV[6])
else
  redis.call('DEL', KEYS[1])
end
redis.call('HSET', KEYS[1], 'gen', ARGV[1], 'start', ARGV[2], 'owner', ARGV[3], 'seq', ARGV[4])
if ARGV[8] == '1' then redis.call('HSET', KEYS[1], 'ended', '1', 'endframe', ARGV[9]) end
redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
if ARGV[7] ~= '' then redis.call('PUBLISH', KEYS[3], ARGV[7]) end
return 1
)lua";

// KEYS reply text channel; ARGV gen delta seq envelope. The delta joins the text and the
// frame goes out in one step, so that a snapshot's seq always matches its text; a delta that
// does not follow the stored text (Redis lost some while unreachable) waits for store_reply.
inline constexpr const char* chunk = R"lua(
local r = redis.call('HMGET', KEYS[1], 'gen', 'seq')
if r[1] == ARGV[1] and tonumber(r[2]) + 1 == tonumber(ARGV[3]) then
  redis.call('APPEND', KEYS[2], ARGV[2])
  redis.call('HSET', KEYS[1], 'seq', ARGV[3])
end
return redis.call('PUBLISH', KEYS[3], ARGV[4])
)lua";

// KEYS reply text channel; ARGV gen px envelope endframe. Kept a little (px) for the watchers
// who resynchronise just after the end.
inline constexpr const char* end_reply = R"lua(
if redis.call('HGET', KEYS[1], 'gen') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'ended', '1', 'endframe', ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return redis.call('PUBLISH', KEYS[3], ARGV[3])
)lua";

// KEYS reply text previous-reply previous-text: the live reply, then the one before.
inline constexpr const char* snapshot = R"lua(
local r = redis.call('HMGET', KEYS[1], 'gen', 'start', 'seq', 'ended', 'endframe')
local p = redis.call('HMGET', KEYS[3], 'gen', 'start', 'seq', 'ended', 'endframe')
return {r[1], r[2], r[3], r[4], r[5], redis.call('GET', KEYS[2]),
        p[1], p[2], p[3], p[4], p[5], redis.call('GET', KEYS[4])}
)lua";

// KEYS queue lease reply text; ARGV ticket px instance-key-prefix. Tickets of instances whose
// sign of life expired leave the head; the first ticket takes a free lease and leaves the
// line; the line outlives the last instance that waits in it by three leases. Returns
// {0, place} to wait, {1} granted, or {1, <the reply as `snapshot` gives it>}
// granted with an orphan.
inline constexpr const char* acquire = R"lua(
if not redis.call('LPOS', KEYS[1], ARGV[1]) then redis.call('RPUSH', KEYS[1], ARGV[1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2] * 3)
while true do
  local head = redis.call('LINDEX', KEYS[1], 0)
  if head == ARGV[1] then break end
  local owner = string.match(head, '^(%x+):')
  if owner and redis.call('EXISTS', ARGV[3] .. owner) == 1 then
    return {0, redis.call('LPOS', KEYS[1], ARGV[1])}
  end
  redis.call('LPOP', KEYS[1])
end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0, 0} end
redis.call('LPOP', KEYS[1])
local r = redis.call('HMGET', KEYS[3], 'gen', 'start', 'seq', 'ended', 'endframe')
if r[1] and not r[4] then return {1, r[1], r[2], r[3], r[4], r[5], redis.call('GET', KEYS[4])} end
return {1}
)lua";

// KEYS lease reply text; ARGV ticket px reply-px. Our lease lives on; one Redis lost (restarted)
// is taken again. 0: another instance holds it.
inline constexpr const char* renew = R"lua(
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2])
elseif not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else return 0 end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return 1
)lua";

// KEYS lease channel; ARGV ticket envelope.
inline constexpr const char* release = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return redis.call('PUBLISH', KEYS[2], ARGV[2])
)lua";

// KEYS lease reply text; ARGV ticket px. A reply whose turn's lease is gone is taken over:
// {1, <the reply as `snapshot` gives it>}; {0} the lease is held; {-1} no reply is unfinished.
inline constexpr const char* take_orphan = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return {0} end
local r = redis.call('HMGET', KEYS[2], 'gen', 'start', 'seq', 'ended', 'endframe')
if not r[1] or r[4] then return {-1} end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end
return {1, r[1], r[2], r[3], r[4], r[5], redis.call('GET', KEYS[3])}
)lua";

// KEYS lease reply text; ARGV ticket px gen. A reply the store still shows streaming, taken
// when no turn holds its conversation: {1, <the reply as `snapshot` gives it>}, or {1} when
// Redis holds none of that generation; {0} a turn holds the conversation.
inline constexpr const char* claim_stale = R"lua(
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end
local r = redis.call('HMGET', KEYS[2], 'gen', 'start', 'seq', 'ended', 'endframe')
if r[1] ~= ARGV[3] then return {1} end
return {1, r[1], r[2], r[3], r[4], r[5], redis.call('GET', KEYS[3])}
)lua";

// The sign-in throttle (auth::login_throttle's rules, counted in Redis's own time so that
// the instances' clocks do not matter). Keys are sorted sets of failures scored by time.
// KEYS name address; ARGV window-ms max-failures. The wait in ms (0: none): until the
// oldest counted failure of a key at its limit leaves the window.
inline constexpr const char* throttle_wait = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - tonumber(ARGV[1]))
  if redis.call('ZCARD', KEYS[i]) >= tonumber(ARGV[2]) then
    local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + tonumber(ARGV[1]) - now)
  end
end
return wait
)lua";

// KEYS name address; ARGV window-ms max-failures member. Only the newest max-failures are
// kept, as the decision needs no more; the keys expire with the window.
inline constexpr const char* throttle_failure = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], now, ARGV[3])
  redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -tonumber(ARGV[2]) - 1)
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
end
return 1
)lua";

}  // namespace moodring::cluster::scripts
