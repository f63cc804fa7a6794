-- reap.lua: a reader's cleanup of one dead or malformed node, rechecked under the script's atomicity
-- so a node that heartbeated after the reader looked is kept.
-- KEYS[1]  node hash       <prefix>:nodes:<nodeId>
-- KEYS[2]  heartbeat key   <prefix>:heartbeat:<nodeId>
-- KEYS[3]  index set       <prefix>:index:nodes
-- ARGV[1]  nodeId
-- Returns 1 when something was removed (heartbeat gone, a hash field missing or empty, or services not JSON), else 0.
local nodeKey = KEYS[1]
local heartbeatKey = KEYS[2]
local indexKey = KEYS[3]
local nodeId = ARGV[1]

local function complete()
  local fields = redis.call('HMGET', nodeKey, 'address', 'services', 'timestamp')
  for i = 1, 3 do
    -- Real readers test the fields for truth in JavaScript, where '' is false (in Lua it is true).
    if not fields[i] or fields[i] == '' then
      return false
    end
  end
  local parsed = pcall(cjson.decode, fields[2])
  return parsed
end

if redis.call('EXISTS', heartbeatKey) == 1 and complete() then
  return 0
end
local removed = redis.call('DEL', nodeKey, heartbeatKey) + redis.call('SREM', indexKey, nodeId)
if removed > 0 then
  return 1
end
return 0
