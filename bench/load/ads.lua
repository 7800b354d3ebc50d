-- wrk: POST /api/v1/match with job ads (600 to 1,500 characters), one after the other.
local ads = {
  "Le ministère recrute un administrateur systèmes et réseaux (H/F) pour sa direction du numérique. Au sein d'une équipe de dix personnes, vous assurez l'administration des serveurs Linux et Windows, la supervision des infrastructures, la gestion des sauvegardes et la sécurité du réseau local. Vous participez aux projets de modernisation (virtualisation, migration vers le cloud) et au support de niveau 2 des utilisateurs. Profil : Bac+2 à Bac+3 en informatique, connaissance des protocoles réseau, rigueur et sens du service. Poste ouvert aux titulaires et aux contractuels, télétravail possible deux jours par semaine.",
  "Nous cherchons un chef de projet maîtrise d'ouvrage pour piloter la refonte du système d'information des ressources humaines. Vous recueillez et formalisez les besoins des directions métier, rédigez les expressions de besoins et les cahiers des charges, suivez les prestataires, organisez la recette fonctionnelle et accompagnez le changement auprès des utilisateurs. Vous rendez compte au comité de pilotage du budget, des délais et des risques. Profil : Bac+5, expérience de conduite de projet, aisance rédactionnelle.",
  "Rattaché au responsable de la sécurité des systèmes d'information, l'analyste en détection d'intrusions surveille les journaux et les alertes du centre opérationnel de sécurité, qualifie les incidents, analyse les codes malveillants et propose des mesures de remédiation. Il contribue à l'amélioration des règles de détection et à la veille sur les menaces. Une habilitation est requise. Astreintes possibles.",
  "La direction interministérielle du numérique recrute un data scientist pour son laboratoire de données. Missions : explorer et préparer des jeux de données publics et internes, construire des modèles statistiques et d'apprentissage automatique, visualiser et restituer les résultats aux équipes métier, contribuer à l'ouverture des données publiques. Compétences : Python, SQL, statistiques, gestion de projet agile. Bac+5 en statistiques, mathématiques appliquées ou informatique.",
  "Au sein du bureau de l'assistance, le technicien support utilisateurs prend en charge les demandes et les incidents des agents par téléphone et par ticket, installe et configure les postes de travail et les logiciels, gère le parc matériel, forme les utilisateurs aux outils bureautiques et rédige les procédures. Bac à Bac+2, sens de l'écoute et de la pédagogie.",
}
local bodies = {}
for i, t in ipairs(ads) do
  bodies[i] = '{"text":"' .. t .. '","top":3}'
end
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/api/v1/match", { ["Content-Type"] = "application/json" }, bodies[i])
end
