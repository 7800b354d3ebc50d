-- wrk: POST /api/v1/match with job titles, one after the other (per thread).
-- With BENCH_TITLES=FILE, the titles are the lines of FILE (bench/load/distinct_titles.py
-- writes thousands of distinct ones); otherwise the 20 below, which a result cache answers
-- after the first round.
local titles = {
  "administrateur réseaux", "développeur java", "chef de projet MOA", "technicien support",
  "RSSI", "data scientist", "architecte cloud", "webmestre", "testeur logiciel",
  "ingénieur systèmes linux", "DBA Oracle", "responsable d'exploitation", "analyste SOC",
  "urbaniste SI", "chargé de relation utilisateurs", "directeur des systèmes d'information",
  "technicien poste de travail", "intégrateur d'applications", "product owner", "auditeur sécurité",
}
local file = os.getenv("BENCH_TITLES")
if file then
  titles = {}
  for line in io.lines(file) do
    if #line > 0 then titles[#titles + 1] = line end
  end
end
local bodies = {}
for i, t in ipairs(titles) do
  bodies[i] = '{"text":"' .. t .. '","top":3}'
end
local i = 0
local requests = {}
setup = function(thread)
  -- Threads start at different places of the list.
  thread:set("offset", math.random(#bodies))
end
-- Each request is written once per thread, here, rather than by wrk.format at every request:
-- that Lua call cost wrk about as much CPU as the server spends on a /healthz, and wrk shares
-- the machine's cores with the server it measures.
init = function()
  i = offset or 0
  for k, b in ipairs(bodies) do
    requests[k] = wrk.format("POST", "/api/v1/match", { ["Content-Type"] = "application/json" }, b)
  end
end
request = function()
  i = i % #bodies + 1
  return requests[i]
end
