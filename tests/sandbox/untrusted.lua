-- Untrusted code for tests/cli/sandbox.sh, run by drive.lua inside kam.sandbox: each
-- function runs away or tries to reach outside.  Plain Lua 5.4 can load it too, which
-- the test uses to show that the runaways really run away without the sandbox.
local M = {}

function M.double(x) return x * 2 end

function M.boom(x)
  if x == 3 then error("boom") end
  return x
end

-- Runaways.
function M.spin() while true do end end

function M.swallow()
  while true do pcall(function() while true do end end) end
end

-- Backtracking in C: no hook runs inside string.find.
function M.find(n)
  return string.find(("a"):rep(n), ("a-"):rep(3) .. "b")
end

-- Finalizers run with hooks off; enough garbage makes a collection run this one.
function M.gc()
  setmetatable({}, {__gc = function() while true do end end})
  local t = {}
  for i = 1, 1000000 do t[i % 64] = {i} end
end

-- Lua 5.4.4 overflows the C stack closing a long chain of coroutines, each closing the
-- previous one from a to-be-closed variable.
function M.close_chain(n)
  local co = false
  for _ = 1, n do
    local prev = co
    co = coroutine.create(function()
      local c <close> = setmetatable({}, {__close = function()
        if prev then coroutine.close(prev) end
      end})
      coroutine.yield()
    end)
    coroutine.resume(co)
  end
  return coroutine.close(co)
end

function M.hog()
  local t = {}
  while true do t[#t + 1] = ("x"):rep(1000) .. #t end
end

-- Escapes.
function M.os_execute() return os.execute("touch pwned") end
function M.io_open() return io.open("/etc/passwd"):read("a") end
function M.require() return require("os") end
function M.load_bytecode(bc)
  local f, err = load(bc, "=bytecode", "b")
  if not f then error(err, 0) end
  return f()
end
function M.string_dump() return string.dump(M.double) end
function M.string_dump_method() return ("").dump(M.double) end
function M.string_metatable()
  getmetatable("").__index = {upper = function() return "pwned" end}
end
function M.rawset() rawset(_ENV, "leaked", 1) end
function M.new_global() leaked = 1 end
function M.collectgarbage() return collectgarbage("count") end
function M.debug() return debug.getregistry() end

return M
