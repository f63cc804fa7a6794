-- maintenance.lua: the access check of a gateway config omnitron generates.
-- Redis (env REDIS_HOST, REDIS_PORT, REDIS_PASSWORD), DB 0:
--   GET <key>          the flag, key from env OMNITRON_MAINTENANCE_KEY (<project>:maintenance); "1" = on
--   GET <key>:message  the text shown on the maintenance page, optional
-- Read at most once a second (shared dict maintenance_cache), and fail-open: while Redis cannot be
-- reached the gateway serves as usual. Answers 503 with the maintenance page when the flag is on.
local cache = ngx.shared.maintenance_cache
local key = os.getenv("OMNITRON_MAINTENANCE_KEY")

local function escape_html(text)
  return (text:gsub("[&<>\"]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;" }))
end

local function read_flag()
  local redis = require("resty.redis")
  local r = redis:new()
  r:set_timeout(50)
  if r:connect(os.getenv("REDIS_HOST"), os.getenv("REDIS_PORT")) ~= 1 then return "0", "" end
  local password = os.getenv("REDIS_PASSWORD")
  if password and password ~= "" and not r:auth(password) then r:close() return "0", "" end
  local flag = r:get(key)
  local message = r:get(key .. ":message")
  r:set_keepalive(10000, 16)
  return flag == "1" and "1" or "0", type(message) == "string" and message or ""
end

local flag = cache:get("flag")
local message = cache:get("message")
if flag == nil then
  flag, message = read_flag()
  cache:set("flag", flag, 1)
  cache:set("message", message, 1)
end

if flag == "1" then
  local text = (message ~= nil and message ~= "") and message or "We are doing some maintenance and will be back shortly."
  ngx.status = 503
  ngx.header.content_type = "text/html"
  ngx.header["Retry-After"] = "60"
  ngx.say("<!doctype html><html><head><title>Maintenance</title></head><body><h1>Down for maintenance</h1><p>",
    escape_html(text), "</p></body></html>")
  return ngx.exit(503)
end
