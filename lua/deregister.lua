-- deregister.lua: removes a node's registration atomically and announces it.
-- KEYS[1]  node hash       <prefix>:nodes:<nodeId>
-- KEYS[2]  heartbeat key   <prefix>:heartbeat:<nodeId>
-- KEYS[3]  index set       <prefix>:index:nodes
-- ARGV[1]  nodeId
-- ARGV[2]  pub/sub channel, or "" for no event
-- ARGV[3]  the NODE_DEREGISTERED event, complete JSON
-- Returns 1 when the id was in the index, else 0. The event is published either way, as titan-discovery does.
local nodeId = ARGV[1]
local channel = ARGV[2]

redis.call('DEL', KEYS[1], KEYS[2])
local removed = redis.call('SREM', KEYS[3], nodeId)
if channel ~= '' then
  redis.call('PUBLISH', channel, ARGV[3])
end
return removed
