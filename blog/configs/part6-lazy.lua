-- A broken config for part 6's error transcript (blog/07-part6-loadbalancer.md): a backends
-- entry whose fields are computed by a metatable, which raises when rsp reads them.
listenPort = 8000
local lazy = setmetatable({}, { __index = function(_, key) error("no " .. key .. " yet") end })
backends = { "127.0.0.1:8001", lazy }
