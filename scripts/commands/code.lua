-- kam code next ADMIN6 [--branch-of CODE]: the next free 14-digit customer code (DOMAIN
-- §2: AAAAAA division, SSSSS sequence from 00001, BBB branch, 000 the head office).
local cli = require "common.cli"
local ob = require "common.obligations"
local json = kam.json

local USAGE = [[
usage: kam code next ADMIN6 [--branch-of CODE]
The next free customer code under the administrative division ADMIN6: the largest
sequence used there + 1, branch 000.  With --branch-of, the next branch of the head
office CODE (a stored customer): its largest branch number + 1, sharing its first 11
digits.  The division must be in the table shipped for the policy's province; a full
division (sequence 99999) or head office (branch 999) is refused.  Codes of lost and
merged customers stay used: a code is never given twice.
]]

local args = { ... }
local sub = cli.subcommand(args)
local opts, operands = cli.parse(args, { ["branch-of"] = "value", help = "flag" }, USAGE)
if not opts then return 2 end
if opts.help or sub == "--help" or sub == "-h" then io.write(USAGE) return 0 end
if sub ~= "next" then
  return cli.usage_error(sub and ("unknown code subcommand '" .. sub .. "'") or "code needs a subcommand", USAGE)
end
if #operands > 1 then return cli.usage_error("code next takes one division code", USAGE) end
local admin = operands[1]
if admin and not admin:match("^%d%d%d%d%d%d$") then
  return cli.usage_error("division code '" .. admin .. "' must be 6 digits", USAGE)
end
local head = opts["branch-of"]
if not admin and not head then return cli.usage_error("code next needs a division code or --branch-of", USAGE) end
if head then
  local err
  head, err = cli.check_code(head)
  if not head then return cli.usage_error(err, USAGE) end
  if admin and head:sub(1, 6) ~= admin then
    error(string.format("head office %s is not under division %s", head, admin), 0)
  end
  admin = head:sub(1, 6)
end

local divisions, from = ob.divisions()
if not divisions then error(from, 0) end
local div = divisions[admin]
if not div then
  error(string.format("administrative division '%s' is not in the table shipped for %s (%s)", admin,
    ob.policy().name, from), 0)
end

local code, n, arithmetic
if head then
  local h = head:sub(1, 11) .. "000"
  if not kam.store.customer_exists(math.tointeger(tonumber(h))) then
    error(string.format("no head office %s: a branch's code shares its stored head office's first 11 digits", h), 0)
  end
  code, n, arithmetic = ob.next_branch(head)
else
  code, n, arithmetic = ob.next_code(admin)
end
if not code then error(n, 0) end
if kam.output_json then
  print(json.encode({ code = code, admin_code = admin, division = div.name, city = div.city,
    head_office = head and (head:sub(1, 11) .. "000") or json.null, arithmetic = arithmetic }, { sort_keys = true }))
else
  io.write(code, "\n")
  io.stderr:write(string.format("kam: %s %s: %s\n", admin, div.name, arithmetic))
end
return 0
