-- wrk script: every request casts one ballot with the next unused code.
-- Set by cast-load.sh through the environment: CODES (file), BALLOT, CSRF,
-- PRE (pre-session cookie) and THREADS.
local codes_file = os.getenv("CODES")
local ballot = os.getenv("BALLOT")
local csrf = os.getenv("CSRF")
local pre = os.getenv("PRE")
local threads = tonumber(os.getenv("THREADS"))
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

local codes = {}
local n = 0

function init(args)
  local i = 0
  for line in io.lines(codes_file) do
    if i % threads == tid then
      codes[#codes + 1] = line
    end
    i = i + 1
  end
end

local function encode(s)
  return (s:gsub("[^%w%-]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  n = n + 1
  local code = codes[n] or "exhausted"
  local body = "csrf=" .. csrf .. "&code=" .. encode(code) .. "&q0=" .. ({ "yes", "no", "abstain" })[n % 3 + 1]
  return wrk.format("POST", "/vote/" .. ballot .. "/cast", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "votum_pre=" .. pre,
  }, body)
end
