//! Structural and data-quality checks of an edition, whatever its source.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Referentiel;
use crate::text::fold;
use std::collections::HashSet;

/// Checks an edition: errors for what breaks the model's invariants (duplicate ids, an empty
/// title, a fiche with no activity, an inverted education range), warnings for data-quality
/// findings (a fiche without education, a duplicated heading, an empty group).
pub fn validate(r: &Referentiel) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut push = |occ: Option<&crate::OccupationId>, severity, message: String| {
        out.push(Diagnostic {
            line: None,
            occupation: occ.cloned(),
            severity,
            message,
        })
    };
    if r.occupations.is_empty() {
        push(
            None,
            Severity::Error,
            "aucune fiche métier trouvée : le texte ne ressemble pas à une édition du référentiel"
                .into(),
        );
    }
    let mut ids = HashSet::new();
    for o in &r.occupations {
        let id = Some(&o.id);
        if !ids.insert(o.id.as_str()) {
            push(
                id,
                Severity::Error,
                format!("identifiant « {} » présent deux fois", o.id),
            );
        }
        if o.title.trim().is_empty() {
            push(
                id,
                Severity::Error,
                format!("fiche « {} » sans intitulé", o.id),
            );
        }
        if o.activities().next().is_none() {
            push(
                id,
                Severity::Error,
                format!(
                    "« {} » lu comme un titre de fiche, mais aucune activité ne suit : ligne non reconnue ?",
                    o.title
                ),
            );
        }
        match &o.education {
            None => push(
                id,
                Severity::Warning,
                format!("fiche « {} » sans cursus ni formation", o.title),
            ),
            Some(e) => {
                if let (Some(min), Some(max)) = (e.min_level, e.max_level)
                    && min > max
                {
                    push(
                        id,
                        Severity::Error,
                        format!(
                            "fiche « {} » : niveau minimal Bac+{min} supérieur au niveau maximal Bac+{max}",
                            o.title
                        ),
                    );
                }
            }
        }
        let mut headings = HashSet::new();
        for g in &o.activity_groups {
            let heading = g.heading.as_deref().unwrap_or("");
            if g.activities.is_empty() {
                push(
                    id,
                    Severity::Warning,
                    format!(
                        "fiche « {} » : rubrique « {heading} » sans activité",
                        o.title
                    ),
                );
            }
            if g.heading.is_some() && !headings.insert(fold(heading)) {
                push(
                    id,
                    Severity::Warning,
                    format!(
                        "fiche « {} » : rubrique « {heading} » présente deux fois (conservée deux fois, dans l’ordre publié)",
                        o.title
                    ),
                );
            }
        }
    }
    out
}
