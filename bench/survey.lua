-- wrk script: every request answers the benchmark survey (see
-- examples/survey_bench.rs) with the next unused letter code. Set by
-- survey-load.sh through the environment: CODES (file), SURVEY, CSRF,
-- PRE (pre-session cookie) and THREADS.
local codes_file = os.getenv("CODES")
local survey = os.getenv("SURVEY")
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
  local body = "csrf=" .. csrf .. "&code=" .. encode(code)
    .. "&q0=" .. (n % 5) .. "&q1=" .. (n % 5) .. "&q1=" .. ((n + 2) % 5)
    .. "&q2=" .. (n % 11) .. "&q3=" .. ({ "yes", "no" })[n % 2 + 1]
    .. "&q4=" .. (n % 7 == 0 and "Mehr+Ortstermine+bitte" or "")
  return wrk.format("POST", "/s/" .. survey, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "votum_pre=" .. pre,
  }, body)
end
