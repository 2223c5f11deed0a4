/**
 * The Lua script that makes a shard server's step atomic. Redis runs a script as one unit (other
 * clients see all of its writes or none; AOF and replicas get it as one MULTI/EXEC), so a server
 * killed at any moment leaves either the old shard with its pushes still pending, or the new shard
 * with those pushes recorded as applied and acknowledged — never half of it.
 * @internal
 * @packageDocumentation
 */
import { LuaScript } from './connection';

/**
 * KEYS: shard hash, applied-id sorted set, push stream.
 * ARGV: expectedVersion, newVersion, group, dedupWindow, rejectedCount, trimBelowId,
 *       nFields, (field, value) × nFields, nApplied, pushId × nApplied, streamEntryId × rest.
 * Compare-and-set on `version`: when another server committed since this one read the shard, it
 * writes nothing and replies {0, currentVersion}; otherwise it writes the blobs and the version,
 * records the applied push ids (scored by the new version, trimmed to the last dedupWindow
 * versions), acknowledges every stream entry of the batch (applied, duplicate or rejected), trims
 * acknowledged entries from the stream, and replies {1, newVersion}.
 */
export const COMMIT_SCRIPT = new LuaScript(`
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
if current ~= tonumber(ARGV[1]) then return {0, current} end
local i = 8
local nFields = tonumber(ARGV[7])
for _ = 1, nFields do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
local newVersion = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'version', ARGV[2])
local rejected = tonumber(ARGV[5])
if rejected > 0 then redis.call('HINCRBY', KEYS[1], 'rejected', rejected) end
local nApplied = tonumber(ARGV[i])
i = i + 1
for _ = 1, nApplied do
  redis.call('ZADD', KEYS[2], newVersion, ARGV[i])
  i = i + 1
end
local window = tonumber(ARGV[4])
if window > 0 and newVersion > window then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. tostring(newVersion - window))
end
for j = i, #ARGV do redis.call('XACK', KEYS[3], ARGV[3], ARGV[j]) end
-- Entries below both the oldest pending one and the newest acknowledged one were all delivered
-- and acknowledged: drop them so the stream does not grow with every push.
local trimTo = ARGV[6]
local summary = redis.call('XPENDING', KEYS[3], ARGV[3])
if tonumber(summary[1]) > 0 then
  local a1, a2 = string.match(summary[2], '(%d+)-(%d+)')
  local b1, b2 = string.match(trimTo, '(%d+)-(%d+)')
  a1, a2, b1, b2 = tonumber(a1), tonumber(a2), tonumber(b1), tonumber(b2)
  if a1 < b1 or (a1 == b1 and a2 < b2) then trimTo = summary[2] end
end
redis.call('XTRIM', KEYS[3], 'MINID', trimTo)
return {1, newVersion}
`);
