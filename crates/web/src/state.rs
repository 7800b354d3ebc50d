//! What every handler can reach: [`AppState`].

use metiers_hr::mobility::{Close, Mobility};
use metiers_hr::profile::SkillFinder;
use metiers_hr::space::SkillSpace;
use metiers_knowledge::Knowledge;
use metiers_referentiel::Referentiel;
use metiers_search::Engine;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use crate::api::OpenApiDocument;
use crate::cartographie::Cartographie;
use crate::editions::Editions;
use crate::groups::Groups;
use crate::metrics::Metrics;
use crate::search::MatchCache;
use crate::security::TrustedProxy;
use crate::similar::map::Map;

/// What every handler can reach: its fields are those of `Shared`, behind one `Arc`, so
/// that the clone axum makes for every request costs one reference count, not one per field.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Shared>);

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The fields of [`AppState`]. Set once, by [`AppState::new`] and its `with_` builders.
#[derive(Clone, Debug)]
pub struct Shared {
    /// The current edition, the one served by default.
    pub referentiel: Arc<Referentiel>,
    pub engine: Arc<Engine>,
    /// The repertories (ROME, ESCO) and the crosswalk of the occupations to them.
    pub knowledge: Arc<Knowledge>,
    /// Every loaded edition, the current one among them (`?edition=`, « Nouveautés »).
    pub editions: Arc<Editions>,
    /// Our grouping of the occupations (a reading aid, `data/groupes.toml`).
    pub groups: Arc<Groups>,
    /// The map of occupations by closeness, computed on first use (see [`AppState::map`]).
    map: Arc<OnceLock<Map>>,
    /// Every occupation's list of close ones (all of them, closest first, on skills),
    /// computed on first use per occupation.
    similar: Arc<Vec<OnceLock<Vec<Close>>>>,
    /// The occupations as skills of the current edition, and the finder of skills in free
    /// text, built on first use (see [`AppState::skills`]).
    skills: Arc<OnceLock<SkillModels>>,
    /// Results of `match` for short texts (job titles), which recur; see [`MatchCache`].
    pub match_cache: Arc<MatchCache>,
    /// The OpenAPI document, rendered once (served as JSON and as a page).
    pub openapi: Arc<OpenApiDocument>,
    /// Cartographie: the organisation's workspace, when the server has a store (see
    /// [`AppState::with_cartographie`]); its pages answer 503 otherwise.
    pub cartographie: Option<Arc<Cartographie>>,
    /// Counters and histograms of this server, served at `/metrics` (see [`crate::metrics`]).
    pub metrics: Arc<Metrics>,
    /// The bearer token that opens `/metrics` on the public listener (none: not served there).
    pub metrics_token: Option<Arc<str>>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (login limiter); none by
    /// default.
    pub trusted_proxies: Arc<Vec<TrustedProxy>>,
}

impl AppState {
    /// Builds the state from an edition, its engine and the repertories (groups and OpenAPI
    /// document are computed here, once).
    pub fn new(
        referentiel: Arc<Referentiel>,
        engine: Arc<Engine>,
        knowledge: Arc<Knowledge>,
    ) -> Self {
        let groups = Arc::new(Groups::embedded(&referentiel));
        let count = referentiel.occupations.len();
        Self(Arc::new(Shared {
            editions: Arc::new(Editions::new(Vec::new(), referentiel.clone())),
            referentiel,
            engine,
            knowledge,
            groups,
            map: Arc::new(OnceLock::new()),
            similar: Arc::new((0..count).map(|_| OnceLock::new()).collect()),
            skills: Arc::new(OnceLock::new()),
            match_cache: Arc::new(MatchCache::new(MatchCache::DEFAULT_ENTRIES)),
            openapi: Arc::new(OpenApiDocument::new()),
            cartographie: None,
            metrics: Arc::new(Metrics::new()),
            metrics_token: None,
            trusted_proxies: Arc::new(Vec::new()),
        }))
    }

    /// The fields, to be set by a builder (cloned only if this state was already shared).
    fn fields(&mut self) -> &mut Shared {
        Arc::make_mut(&mut self.0)
    }

    /// Serves these editions beside the current one (`list` in load order, oldest first;
    /// it may hold the current edition).
    pub fn with_editions(mut self, list: Vec<Arc<Referentiel>>) -> Self {
        let editions = Arc::new(Editions::new(list, self.referentiel.clone()));
        self.fields().editions = editions;
        self
    }

    /// Serves `/metrics` on the public listener to the holders of `token` (set by
    /// `metiers serve --metrics-token`); a blank token changes nothing.
    pub fn with_metrics_token(mut self, token: &str) -> Self {
        let token = token.trim();
        if !token.is_empty() {
            self.fields().metrics_token = Some(Arc::from(token));
        }
        self
    }

    /// Believes the `X-Forwarded-For` of these reverse proxies (set by `metiers serve
    /// --trusted-proxies`): the limit on failed logins then counts each client behind them.
    pub fn with_trusted_proxies(mut self, proxies: Vec<TrustedProxy>) -> Self {
        self.fields().trusted_proxies = Arc::new(proxies);
        self
    }

    /// Keeps up to `entries` results of `match` for short texts (0: no cache).
    pub fn with_match_cache(mut self, entries: usize) -> Self {
        self.fields().match_cache = Arc::new(MatchCache::new(entries));
        self
    }

    /// Adds the cartographie's store (set by `metiers serve`).
    pub fn with_cartographie(mut self, cartographie: Cartographie) -> Self {
        self.fields().cartographie = Some(Arc::new(cartographie));
        self
    }

    /// The map of occupations, computed on first use (it compares every pair of fiches,
    /// which `metiers serve` need not wait for).
    pub fn map(&self) -> &Map {
        self.map.get_or_init(|| Map::compute(self))
    }

    /// The occupations as skills and the skill finder of the current edition.
    pub fn skills(&self) -> &SkillModels {
        self.skills.get_or_init(|| {
            let space = SkillSpace::new(&self.referentiel, &self.knowledge);
            let finder = SkillFinder::new(&space, &self.referentiel, &self.knowledge);
            SkillModels { space, finder }
        })
    }

    /// Mobility, gaps and profiles on the skills of the current edition.
    pub fn mobility(&self) -> Mobility<'_> {
        Mobility {
            space: &self.skills().space,
            referentiel: &self.referentiel,
            knowledge: &self.knowledge,
        }
    }

    /// The occupations close to `id`, closest first (all of them); `None` for an unknown id.
    pub fn similar(&self, id: &str) -> Option<&[Close]> {
        let i = self
            .referentiel
            .occupations
            .iter()
            .position(|o| o.id.as_str() == id)?;
        let cell = self.similar.get(i)?;
        Some(cell.get_or_init(|| self.mobility().closest(id).unwrap_or_default()))
    }

    /// Computes what is otherwise computed on first use (close occupations, the map), so that
    /// the first visitors do not wait. [`crate::serve`] runs it on a blocking thread at
    /// start-up.
    pub fn warm(&self) {
        for o in &self.referentiel.occupations {
            let _ = self.similar(o.id.as_str());
        }
        let _ = self.map();
    }
}

/// What the skills of an edition are computed on.
#[derive(Debug)]
pub struct SkillModels {
    pub space: SkillSpace,
    pub finder: SkillFinder,
}
