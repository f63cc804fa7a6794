local cache = ngx.shared.maintenance_cache
local cached = cache:get("flag")
if cached == nil then
local redis = require("resty.redis")
local r = redis:new()
r:set_timeout(50)
if r:connect(os.getenv("REDIS_HOST"), os.getenv("REDIS_PORT")) == 1 then
if os.getenv("REDIS_PASSWORD") then r:auth(os.getenv("REDIS_PASSWORD")) end
local v = r:get("platform:maintenance")
cached = (v == "1") and "1" or "0"
cache:set("flag", cached, 1) -- 1s TTL; minimal Redis chatter
else
cached = "0" -- fail-open
end
end
if cached == "1" then
ngx.status = 503
ngx.header.content_type = "text/html"
ngx.say(io.open("/etc/nginx/maintenance.html"):read("*all"))
ngx.exit(503)
end
