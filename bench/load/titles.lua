-- wrk: POST /api/v1/match with job titles, one after the other (per thread).
local titles = {
  "administrateur réseaux", "développeur java", "chef de projet MOA", "technicien support",
  "RSSI", "data scientist", "architecte cloud", "webmestre", "testeur logiciel",
  "ingénieur systèmes linux", "DBA Oracle", "responsable d'exploitation", "analyste SOC",
  "urbaniste SI", "chargé de relation utilisateurs", "directeur des systèmes d'information",
  "technicien poste de travail", "intégrateur d'applications", "product owner", "auditeur sécurité",
}
local bodies = {}
for i, t in ipairs(titles) do
  bodies[i] = '{"text":"' .. t .. '","top":3}'
end
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/api/v1/match", { ["Content-Type"] = "application/json" }, bodies[i])
end
