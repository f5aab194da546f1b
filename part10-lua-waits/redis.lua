-- part10-lua-waits/redis.lua: just enough of Redis's protocol (RESP) for route(request), part 10.
--
-- A module beside the config: rsp.lua says `local redis = require "redis"` (config.h: require
-- looks in the config's folder first). It runs inside route's coroutine, over rsp.tcp()
-- (cosocket.h), so while Redis takes its time only this request waits.
--
--   local value, err = redis.call({ host = "127.0.0.1", port = 6379 }, "GET", "site:a.test")
--   -- value: the string; or nil, nil: no such key; or nil, err: Redis or the network failed
--
-- One connection per call, closed before it returns: simple, and a cache in front (rsp.lua)
-- makes calls rare. A request in RESP is an array of bulk strings; a reply starts with a type
-- byte: "+" status, "-" error, ":" integer, "$" bulk string ("$-1": nil).
local redis = {}

local function encode(args)
  local parts = { "*" .. #args .. "\r\n" }
  for _, arg in ipairs(args) do
    arg = tostring(arg)
    parts[#parts + 1] = "$" .. #arg .. "\r\n" .. arg .. "\r\n"
  end
  return table.concat(parts)
end

local function readReply(sock)
  local line, err = sock:receive("*l")
  if not line then return nil, err end
  local kind, rest = line:sub(1, 1), line:sub(2)
  if kind == "$" then
    local size = tonumber(rest)
    if not size or size < 0 then return nil end  -- $-1: no such key
    local data, err = sock:receive(size + 2)     -- the bytes, then CR LF
    if not data then return nil, err end
    return data:sub(1, size)
  elseif kind == "+" then
    return rest
  elseif kind == ":" then
    return tonumber(rest)
  elseif kind == "-" then
    return nil, rest
  end
  return nil, "unexpected reply " .. line:sub(1, 40)
end

-- Sends one command and returns its reply. server: host, port (numeric), timeout (ms).
function redis.call(server, ...)
  local sock = rsp.tcp()
  sock:settimeout(server.timeout or 1000)
  local ok, err = sock:connect(server.host, server.port)
  if not ok then return nil, "redis: " .. err end
  local sent, err = sock:send(encode({ ... }))
  if not sent then return nil, "redis: " .. err end
  local value, err = readReply(sock)
  sock:close()
  if err then return nil, "redis: " .. err end
  return value
end

return redis
