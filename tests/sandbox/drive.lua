-- kam run drive.lua POLICY FUNCTION [ARG [TIME_MS]]: call FUNCTION of POLICY once in
-- kam.sandbox and print "returned VALUE" or "error MESSAGE"; then show the host goes on:
-- double(21).  TIME_MS 0 or absent: the default time limit.
local path, fname, a, time_ms = ...
local f = assert(io.open(path))
local src = f:read("a")
f:close()
time_ms = tonumber(time_ms)
local box <close> = kam.sandbox.open(src, "policies/untrusted.lua",
                                     {time_ms = time_ms ~= 0 and time_ms or nil})
local item = tonumber(a) or a or 0
if fname == "load_bytecode" then
  -- Trusted code may make bytecode; the sandbox must not run it.
  item = string.dump(function() return "pwned" end)
end
local ok, res = pcall(box.call, box, fname, {item})
if ok then
  print("returned", tostring(res[1]))
else
  print("error", res)
end
print("next", box:call("double", {21})[1])
