-- maintenance.lua: the access check of a gateway config omnitron generates.
-- Redis (env REDIS_HOST, REDIS_PORT, REDIS_PASSWORD), DB 0, one command per refresh:
--   MGET <key> <key>:message   the flag ("1" = on; key from env OMNITRON_MAINTENANCE_KEY, i.e.
--                              <project>:maintenance) and the text the maintenance page shows
-- Read at most once a second (shared dict maintenance_cache, shared by the workers) over a kept-alive
-- connection (AUTH only when it is new): the one request a second that adds the 1 s "checked" marker
-- refreshes the flag while the others go on with the value cached, so a busy gateway does not send
-- one read per request in flight. (The value itself has no TTL: nginx drops expired entries on the next
-- write to the dict, which would send every request in flight to Redis at once.)
-- Fail-open: while Redis cannot be reached the gateway serves as usual and tries again a second later.
-- Answers 503 with the maintenance page when the flag is on.
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
  if password and password ~= "" and r:get_reused_times() == 0 and not r:auth(password) then r:close() return "0", "" end
  local values = r:mget(key, key .. ":message")
  if type(values) ~= "table" then r:close() return "0", "" end
  r:set_keepalive(10000, 16)
  local message = values[2]
  return values[1] == "1" and "1" or "0", type(message) == "string" and message or ""
end

local flag = cache:get("flag")
local message = cache:get("message")
if flag == nil or cache:add("checked", true, 1) then
  flag, message = read_flag()
  cache:set("message", message)
  cache:set("flag", flag)
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
