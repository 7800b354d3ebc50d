-- wrk: the soak mix of bench/soak/run.sh (issue 7). Each request is drawn from a cycle of 20:
-- search ×3, suggest ×2, match of a title ×4, match of an ad ×1, fiche page ×3,
-- cartographie API list ×2 and dashboard ×1, portal pages (positions, dashboard) ×1 each,
-- review through the API ×2. Data from bench/soak/prepare.py (SOAK_DATA); token, session
-- cookie and position numbers from the environment (set by run.sh).

local data = os.getenv("SOAK_DATA")
local token = os.getenv("SOAK_TOKEN")
local cookie = os.getenv("SOAK_COOKIE")
local first_id = tonumber(os.getenv("SOAK_FIRST_ID"))
local positions = tonumber(os.getenv("SOAK_POSITIONS"))

local function lines(name)
  local t = {}
  for line in io.lines(data .. "/" .. name) do
    t[#t + 1] = line
  end
  assert(#t > 0, name .. " is empty")
  return t
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local titles, ads, queries, prefixes, fiches, occupations
local slot = 0
reviews_ok = 0
failures = 0
samples = {}

function init(args)
  math.randomseed(id * 7919)
  titles = lines("match-titles.txt")
  ads = lines("match-ads.txt")
  queries = lines("queries.txt")
  prefixes = lines("prefixes.txt")
  fiches = lines("fiches.txt")
  occupations = lines("occupations.txt")
end

local json = { ["Content-Type"] = "application/json" }
local bearer = { ["Authorization"] = "Bearer " .. token }
local bearer_json = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
local session = { ["Cookie"] = cookie }

local function pick(t)
  return t[math.random(#t)]
end

local cycle = {
  "search", "match", "fiche", "suggest", "carto", "match", "search", "review", "fiche", "portal",
  "match", "search", "suggest", "carto", "fiche", "match", "ad", "dashboard", "review", "portal_dashboard",
}

function request()
  slot = slot % #cycle + 1
  local kind = cycle[slot]
  if kind == "search" then
    return wrk.format("GET", "/api/v1/search?q=" .. pick(queries))
  elseif kind == "suggest" then
    return wrk.format("GET", "/api/v1/suggest?q=" .. pick(prefixes))
  elseif kind == "match" then
    return wrk.format("POST", "/api/v1/match", json, pick(titles))
  elseif kind == "ad" then
    return wrk.format("POST", "/api/v1/match", json, pick(ads))
  elseif kind == "fiche" then
    return wrk.format("GET", pick(fiches))
  elseif kind == "carto" then
    local offset = math.random(0, positions - 50)
    return wrk.format("GET", "/api/v1/positions?limit=50&offset=" .. offset, bearer)
  elseif kind == "dashboard" then
    return wrk.format("GET", "/api/v1/dashboard", bearer)
  elseif kind == "portal" then
    return wrk.format("GET", "/cartographie/postes?page=" .. math.random(1, math.floor(positions / 50)), session)
  elseif kind == "portal_dashboard" then
    return wrk.format("GET", "/cartographie", session)
  else
    local body = '{"occupation_id":"' .. pick(occupations) .. '","reviewer":"Charge ' .. id .. '"}'
    local position = first_id + math.random(0, positions - 1)
    return wrk.format("POST", "/api/v1/positions/" .. position .. "/review", bearer_json, body)
  end
end

function response(status, headers, body)
  if status == 200 then
    if body:find('"review":{', 1, true) then
      reviews_ok = reviews_ok + 1
    end
  else
    failures = failures + 1
    if #samples < 10 then
      samples[#samples + 1] = status .. " " .. string.sub(body or "", 1, 200)
    end
  end
end

function done(summary, latency, requests)
  local ok, failed = 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("reviews_ok")
    failed = failed + thread:get("failures")
    local s = thread:get("samples")
    for i = 1, #s do
      io.stderr:write("non-2xx: " .. s[i] .. "\n")
    end
  end
  io.write(string.format("reviews_acknowledged %d\n", ok))
  io.write(string.format("responses_not_200 %d\n", failed))
end
