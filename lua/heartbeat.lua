-- heartbeat.lua: one atomic upsert of a node's registration, wire-compatible with titan-discovery.
-- KEYS[1]  node hash       <prefix>:nodes:<nodeId>
-- KEYS[2]  heartbeat key   <prefix>:heartbeat:<nodeId>
-- KEYS[3]  index set       <prefix>:index:nodes
-- ARGV[1]  nodeId
-- ARGV[2]  address, "host:port"
-- ARGV[3]  services, a JSON array of {name, version?}
-- ARGV[4]  timestamp, decimal milliseconds since the epoch
-- ARGV[5]  hash TTL in seconds, ceil(heartbeatTTL / 1000)
-- ARGV[6]  heartbeat TTL in milliseconds
-- ARGV[7]  pub/sub channel, or "" for no event
-- ARGV[8]  the event, complete JSON; its type is the client's to choose (NODE_REGISTERED on its first
--          heartbeat, NODE_UPDATED after, as titan-discovery's writer does), not the keys'
-- Returns 1 when the registration was new to Redis (SADD added the id, or the heartbeat had lapsed), else 0.
-- ARGV[1..6] match titan-discovery's own script; the event is published here so a heartbeat is one
-- command and subscribers never receive an event before the data it describes.
local nodeKey = KEYS[1]
local heartbeatKey = KEYS[2]
local indexKey = KEYS[3]
local nodeId = ARGV[1]
local timestamp = ARGV[4]
local channel = ARGV[7]

local lapsed = redis.call('EXISTS', heartbeatKey) == 0
redis.call('HSET', nodeKey, 'address', ARGV[2], 'services', ARGV[3], 'timestamp', timestamp)
redis.call('EXPIRE', nodeKey, ARGV[5])
redis.call('SET', heartbeatKey, timestamp, 'PX', ARGV[6])
local added = redis.call('SADD', indexKey, nodeId) == 1

if channel ~= '' then
  redis.call('PUBLISH', channel, ARGV[8])
end
if added or lapsed then
  return 1
end
return 0
