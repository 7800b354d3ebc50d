//! What the store needs from the matcher, and running it on both cores.

use crate::LearnedTitle;
use serde::Serialize;

/// One suggestion of the matcher.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidate {
    pub occupation_id: String,
    /// In [0, 1], comparable across positions.
    pub score: f32,
}

/// The matcher's answer for one position.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Classification {
    /// Best first; the store keeps the first three.
    pub candidates: Vec<Candidate>,
    pub confident: bool,
    /// The first candidate is what a person of the workspace decided for this very title
    /// (a learned title of the same normalised form): what the HR columns say does not
    /// demote it ([`crate::HrSignals`]).
    pub decided: bool,
    /// What else than the text weighed on the suggestions, in French (one sentence each):
    /// the catégorie against the education level of the fiches, the ROME code through the
    /// crosswalk. Shown with the position.
    pub evidence: Vec<String>,
}

/// What is matched for one position.
#[derive(Debug, Clone, Copy)]
pub struct ClassifyInput<'a> {
    pub title: &'a str,
    pub missions: Option<&'a str>,
    /// What the HR columns of the file say (catégorie, code ROME), if anything.
    pub hints: Option<&'a HrHints>,
}

/// What an HR file says of a position that informs its classification (see
/// [`crate::import::hr_hints`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HrHints {
    /// Catégorie statutaire: `A`, `B` or `C`.
    pub category: Option<char>,
    /// Where the catégorie was read, in French (« catégorie « B » », « grade « Attaché » »).
    pub category_source: Option<String>,
    /// A ROME code or an OGR appellation code, as written.
    pub rome: Option<String>,
    /// The URI of an ESCO occupation, as written.
    pub esco: Option<String>,
}

impl HrHints {
    pub fn is_empty(&self) -> bool {
        self.category.is_none() && self.rome.is_none() && self.esco.is_none()
    }
}

/// A matcher: classifies positions, taking the workspace's learned titles into account.
/// Implemented for `metiers_search::Engine` by the binary; tests use simpler ones.
pub trait Classifier: Send + Sync {
    /// Classifies a batch (one answer per input, in order). Called from several threads at once.
    fn classify_batch(
        &self,
        inputs: &[ClassifyInput<'_>],
        learned: &[LearnedTitle],
    ) -> Vec<Classification>;
}

/// Classifies `inputs` on all available cores (at most `threads`), keeping their order.
pub fn classify_parallel(
    classifier: &dyn Classifier,
    inputs: &[ClassifyInput<'_>],
    learned: &[LearnedTitle],
    threads: usize,
) -> Vec<Classification> {
    let threads = threads.max(1);
    if threads == 1 || inputs.len() < 64 {
        return normalise(classifier.classify_batch(inputs, learned), inputs.len());
    }
    let chunk = inputs.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = inputs
            .chunks(chunk)
            .map(|part| {
                (
                    part.len(),
                    scope.spawn(move || classifier.classify_batch(part, learned)),
                )
            })
            .collect();
        let mut out = Vec::with_capacity(inputs.len());
        for (len, handle) in handles {
            // A classifier that panicked yields "no suggestion" rather than taking the import down.
            let result = handle.join().unwrap_or_default();
            out.extend(normalise(result, len));
        }
        out
    })
}

/// Exactly `len` answers: a classifier that returned too few gets empty ones.
fn normalise(mut v: Vec<Classification>, len: usize) -> Vec<Classification> {
    v.resize_with(len, Classification::default);
    v
}

/// Number of threads worth using for classification.
pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8)
}

/// The référentiel's matcher: the title first; when it is not conclusive and the position has
/// missions, the title and missions together.
impl Classifier for metiers_search::Engine {
    fn classify_batch(
        &self,
        inputs: &[ClassifyInput<'_>],
        learned: &[LearnedTitle],
    ) -> Vec<Classification> {
        let learned: Vec<metiers_search::LearnedTitle> = learned
            .iter()
            .filter_map(|l| {
                let id = metiers_referentiel::OccupationId::parse(&l.occupation_id).ok()?;
                Some(metiers_search::LearnedTitle {
                    id,
                    title: l.title.clone(),
                })
            })
            .collect();
        // Read once for the whole batch, not once per position.
        let learned = self.learned(&learned);
        inputs
            .iter()
            .map(|input| {
                let mut result = self.match_learned(input.title, 3, &learned);
                if !result.confident
                    && let Some(missions) = input.missions.filter(|m| !m.trim().is_empty())
                {
                    let both =
                        self.match_learned(&format!("{}. {missions}", input.title), 3, &learned);
                    if both.confident || result.matches.is_empty() {
                        result = both;
                    }
                }
                Classification {
                    candidates: result
                        .matches
                        .into_iter()
                        .map(|m| Candidate {
                            occupation_id: m.id.to_string(),
                            score: m.score,
                        })
                        .collect(),
                    confident: result.confident,
                    decided: result.decided,
                    evidence: Vec::new(),
                }
            })
            .collect()
    }
}
