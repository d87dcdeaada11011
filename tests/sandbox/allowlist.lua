-- kam run allowlist.lua WALKER: print what a sandboxed chunk can reach (see walk.lua).
local f = assert(io.open((...)))
local box = kam.sandbox.open(f:read("a"), "walk.lua")
f:close()
print(box:call("list", {0})[1])
box:close()
