-- update-node.lua: sets one field of an existing node hash (its address or its services) and announces it.
-- KEYS[1]  node hash       <prefix>:nodes:<nodeId>
-- ARGV[1]  nodeId
-- ARGV[2]  field, "address" or "services"
-- ARGV[3]  the new value (for services, a JSON array)
-- ARGV[4]  pub/sub channel, or "" for no event
-- ARGV[5]  event timestamp, decimal milliseconds since the epoch
-- Returns 1 when the node hash existed and was updated, else 0 (nothing is written: a hash created here
-- would have no TTL and no index entry, so no reader would ever remove it).
-- As titan-discovery's update, a bare HSET: the hash keeps its TTL and the heartbeat is not renewed.
-- The NODE_UPDATED event carries the node as it now is, so event-fed caches stay right.
local nodeKey = KEYS[1]
local channel = ARGV[4]

if redis.call('EXISTS', nodeKey) == 0 then
  return 0
end
redis.call('HSET', nodeKey, ARGV[2], ARGV[3])
if channel ~= '' then
  local fields = redis.call('HMGET', nodeKey, 'address', 'services')
  local services = fields[2] or '[]'
  local ok, decoded = pcall(cjson.decode, services)
  if not ok or type(decoded) ~= 'table' then
    services = '[]'
  end
  local event = '{"type":"NODE_UPDATED","nodeId":' .. cjson.encode(ARGV[1]) .. ',"address":' .. cjson.encode(fields[1] or '')
    .. ',"services":' .. services .. ',"timestamp":' .. ARGV[5] .. '}'
  redis.call('PUBLISH', channel, event)
end
return 1
