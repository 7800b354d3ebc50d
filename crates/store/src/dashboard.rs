//! Figures of a workspace: the store's counts ([`Store::counts`]) and the dashboard built
//! from them, per occupation, group and education level.

use crate::store::on_pool;
use crate::{Result, Status, Store};
use metiers_referentiel::Referentiel;
use serde::Serialize;
use std::collections::BTreeMap;

/// A group of occupations as the caller defines it (the project's reading aid,
/// `data/groupes.toml`, read by the web crate).
#[derive(Debug, Clone, Copy)]
pub struct GroupRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub occupations: &'a [String],
}

/// One line of a table of figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Line {
    /// Occupation id, group id or education level; empty for « not classified ».
    pub key: String,
    /// What is shown, in French.
    pub label: String,
    pub positions: i64,
    /// Sum of the headcounts (a position without headcount counts as one agent).
    pub agents: f64,
    /// Positions decided by a reviewer.
    pub reviewed: i64,
}

/// Every figure of the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub positions: i64,
    pub agents: f64,
    /// Positions per status, in [`Status::ALL`] order.
    pub by_status: Vec<StatusCount>,
    /// Positions not yet decided by a person (`to_review` and `proposed`).
    pub unreviewed: i64,
    /// Per retained occupation, most positions first; unclassified positions last.
    pub by_occupation: Vec<Line>,
    /// Per group of occupations, in the groups' order (occupations in no group: « Autres métiers »).
    pub by_group: Vec<Line>,
    /// Per education level of the retained occupation (`Bac+2 à Bac+4`…).
    pub by_education: Vec<Line>,
}

/// Positions in one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCount {
    pub status: Status,
    pub label: &'static str,
    pub positions: i64,
}

impl StatusCount {
    /// `positions` in `status`, with the status's French label.
    pub fn new(status: Status, positions: i64) -> Self {
        StatusCount {
            status,
            label: status.label(),
            positions,
        }
    }
}

/// Positions and agents per retained occupation (`None`: no occupation suggested yet).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OccupationCount {
    pub occupation_id: Option<String>,
    pub positions: i64,
    /// Sum of the headcounts, a position without headcount counting as one agent.
    pub agents: f64,
    pub reviewed: i64,
}

/// The counts of a workspace: per retained occupation and per status (by default, those of
/// an empty workspace).
#[derive(Debug, Clone, PartialEq)]
pub struct Counts {
    /// Per retained occupation (`None`: no occupation suggested yet), one line each.
    pub by_occupation: Vec<OccupationCount>,
    /// Per status, in [`Status::ALL`] order (zero included).
    pub by_status: Vec<StatusCount>,
}

impl Default for Counts {
    fn default() -> Self {
        Counts {
            by_occupation: Vec::new(),
            by_status: Status::ALL
                .iter()
                .map(|&s| StatusCount::new(s, 0))
                .collect(),
        }
    }
}

impl Store {
    /// Positions, agents and reviewed positions per retained occupation and per status, read
    /// in one query: the two agree even while positions are being written, and the covering
    /// index `positions_counts (occupation_id, status, headcount)` answers it in its order.
    pub async fn counts(&self) -> Result<Counts> {
        let rows: Vec<(Option<String>, String, i64, Option<f64>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT occupation_id, status, COUNT(*), SUM(COALESCE(headcount, 1.0)) \
                 FROM positions GROUP BY occupation_id, status ORDER BY occupation_id, status",
            )
            .fetch_all(pool)
            .await?
        });
        let Counts {
            mut by_occupation,
            mut by_status,
        } = Counts::default();
        for (occupation_id, status, positions, agents) in rows {
            let status = Status::parse(&status);
            if let Some(c) = by_status.iter_mut().find(|c| Some(c.status) == status) {
                c.positions += positions;
            }
            if by_occupation
                .last()
                .is_none_or(|c| c.occupation_id != occupation_id)
            {
                by_occupation.push(OccupationCount {
                    occupation_id,
                    positions: 0,
                    agents: 0.0,
                    reviewed: 0,
                });
            }
            if let Some(c) = by_occupation.last_mut() {
                c.positions += positions;
                c.agents += agents.unwrap_or(0.0);
                if status.is_some_and(Status::is_reviewed) {
                    c.reviewed += positions;
                }
            }
        }
        Ok(Counts {
            by_occupation,
            by_status,
        })
    }
}

/// Label of positions without any occupation.
pub const UNCLASSIFIED: &str = "Sans métier proposé";

/// Builds the dashboard from the store's counts.
pub fn build(referentiel: &Referentiel, counts: &Counts, groups: &[GroupRef<'_>]) -> Dashboard {
    let Counts {
        by_occupation: occupations,
        by_status: statuses,
    } = counts;
    let title = |id: &str| {
        referentiel.get(id).map_or_else(
            || format!("{id} (absent de l’édition)"),
            |o| o.title.clone(),
        )
    };
    let mut by_occupation: Vec<Line> = occupations
        .iter()
        .map(|c| Line {
            key: c.occupation_id.clone().unwrap_or_default(),
            label: c
                .occupation_id
                .as_deref()
                .map_or_else(|| UNCLASSIFIED.to_owned(), title),
            positions: c.positions,
            agents: c.agents,
            reviewed: c.reviewed,
        })
        .collect();
    by_occupation.sort_by(|a, b| {
        a.key
            .is_empty()
            .cmp(&b.key.is_empty())
            .then(b.positions.cmp(&a.positions))
            .then(a.label.cmp(&b.label))
    });

    let mut by_group: Vec<Line> = groups
        .iter()
        .map(|g| Line {
            key: g.id.to_owned(),
            label: g.title.to_owned(),
            positions: 0,
            agents: 0.0,
            reviewed: 0,
        })
        .collect();
    let mut others = Line {
        key: "autres".to_owned(),
        label: "Autres métiers".to_owned(),
        positions: 0,
        agents: 0.0,
        reviewed: 0,
    };
    let mut unclassified = Line {
        key: String::new(),
        label: UNCLASSIFIED.to_owned(),
        positions: 0,
        agents: 0.0,
        reviewed: 0,
    };
    let mut education: BTreeMap<(u8, u8, String), Line> = BTreeMap::new();
    for c in occupations {
        let Some(id) = c.occupation_id.as_deref() else {
            add(&mut unclassified, c);
            continue;
        };
        let target = groups
            .iter()
            .position(|g| g.occupations.iter().any(|o| o == id))
            .and_then(|i| by_group.get_mut(i))
            .unwrap_or(&mut others);
        add(target, c);
        let edu = referentiel.get(id).and_then(|o| o.education.as_ref());
        let label = metiers_referentiel::export::level_range(edu);
        let order = (
            edu.and_then(|e| e.min_level).unwrap_or(u8::MAX),
            edu.and_then(|e| e.max_level).unwrap_or(u8::MAX),
            label.clone(),
        );
        let line = education.entry(order).or_insert_with(|| Line {
            key: label.clone(),
            label,
            positions: 0,
            agents: 0.0,
            reviewed: 0,
        });
        add(line, c);
    }
    if others.positions > 0 {
        by_group.push(others);
    }
    let mut by_education: Vec<Line> = education.into_values().collect();
    if unclassified.positions > 0 {
        by_group.push(unclassified.clone());
        by_education.push(unclassified);
    }
    let by_status: Vec<StatusCount> = Status::ALL
        .iter()
        .map(|&s| {
            StatusCount::new(
                s,
                statuses
                    .iter()
                    .filter(|c| c.status == s)
                    .map(|c| c.positions)
                    .sum(),
            )
        })
        .collect();
    let unreviewed = by_status
        .iter()
        .filter(|s| !s.status.is_reviewed())
        .map(|s| s.positions)
        .sum();
    Dashboard {
        positions: occupations.iter().map(|c| c.positions).sum(),
        agents: occupations.iter().map(|c| c.agents).fold(0.0, |a, b| a + b),
        by_status,
        unreviewed,
        by_occupation,
        by_group,
        by_education,
    }
}

fn add(line: &mut Line, c: &OccupationCount) {
    line.positions += c.positions;
    line.agents += c.agents;
    line.reviewed += c.reviewed;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_workspace_has_zero_agents_not_minus_zero() {
        let r = metiers_referentiel::published().referentiel;
        let d = build(&r, &Counts::default(), &[]);
        assert_eq!((d.positions, d.unreviewed), (0, 0));
        assert!(
            d.agents == 0.0 && d.agents.is_sign_positive(),
            "{}",
            d.agents
        );
        assert!(d.by_occupation.is_empty() && d.by_education.is_empty());
    }
}
