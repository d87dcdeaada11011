-- kam run raise.lua POLICY FUNCTION [ITEM ...]: the sandbox's error reaches kam run itself.
local path, fname = ...
local f = assert(io.open(path))
local box = kam.sandbox.open(f:read("a"), "policies/untrusted.lua")
f:close()
local items = {}
for i = 3, select("#", ...) do items[#items + 1] = tonumber((select(i, ...))) end
print(table.concat(box:call(fname, items), " "))
