-- resty-redis.lua: installed as resty/redis.lua, last on the gateway's Lua path, so a real
-- lua-resty-redis (OpenResty ships one) wins and this serves only where none is installed (Debian).
-- The subset of lua-resty-redis's API the gateway's Lua uses, over ngx.socket.tcp, same returns:
--   new() -> client | nil, err        set_timeout(ms)        connect(host, port) -> 1 | nil, err
--   auth, get, mget, set, del, select, ping -> reply | ngx.null (nil bulk) | false, error reply | nil, err
--   set_keepalive(idle_ms, pool_size), get_reused_times(), close()
local tcp = ngx.socket.tcp
local null = ngx.null
local concat = table.concat
local tonumber = tonumber
local tostring = tostring
local setmetatable = setmetatable

local _M = { _VERSION = "0.1-omnitron" }
local mt = { __index = _M }

function _M.new(_)
  local sock, err = tcp()
  if not sock then return nil, err end
  return setmetatable({ sock = sock }, mt)
end

function _M.set_timeout(self, ms)
  return self.sock:settimeout(ms)
end

function _M.connect(self, host, port, opts)
  if host == nil then return nil, "no host" end
  return self.sock:connect(host, tonumber(port) or port, opts)
end

function _M.set_keepalive(self, idle_ms, pool_size)
  return self.sock:setkeepalive(idle_ms, pool_size)
end

function _M.get_reused_times(self)
  return self.sock:getreusedtimes()
end

function _M.close(self)
  return self.sock:close()
end

local read_reply

local function read_array(sock, count)
  if count < 0 then return null end
  local items = {}
  for i = 1, count do
    local item, err = read_reply(sock)
    if item == nil then return nil, err end
    items[i] = item
  end
  return items
end

read_reply = function(sock)
  local line, err = sock:receive()
  if not line then return nil, err end
  local kind, rest = line:sub(1, 1), line:sub(2)
  if kind == "+" then return rest end
  if kind == "-" then return false, rest end
  if kind == ":" then return tonumber(rest) end
  if kind == "$" then
    local size = tonumber(rest)
    if size < 0 then return null end
    local data, data_err = sock:receive(size + 2)
    if not data then return nil, data_err end
    return data:sub(1, size)
  end
  if kind == "*" then return read_array(sock, tonumber(rest)) end
  return nil, "unsupported reply type " .. kind
end

local function command(self, ...)
  local args = { ... }
  local request = { "*" .. #args .. "\r\n" }
  for i = 1, #args do
    local arg = tostring(args[i])
    request[#request + 1] = "$" .. #arg .. "\r\n" .. arg .. "\r\n"
  end
  local sent, err = self.sock:send(concat(request))
  if not sent then return nil, err end
  return read_reply(self.sock)
end

for _, name in ipairs({ "auth", "get", "mget", "set", "del", "select", "ping" }) do
  _M[name] = function(self, ...) return command(self, name, ...) end
end

return _M
