//! The positions of a workspace: one, a filtered page, all of them.

use crate::classify::Candidate;
use crate::model::{OriginalColumn, Position, PositionFilter, PositionPage, Status};
use crate::store::on_pool;
use crate::{Result, Store};

pub(crate) const POSITION_COLUMNS: &str = "id, external_id, title, missions, service, headcount, match1_id, match1_score, \
     match2_id, match2_score, match3_id, match3_score, confident, occupation_id, status, reviewer, reviewed_at, \
     source_line, updated_at, cells, evidence, \
     (SELECT imports.columns FROM imports WHERE imports.id = positions.import_id) AS import_columns";

/// A row of `positions`, read with [`POSITION_COLUMNS`].
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PositionRow {
    id: i64,
    external_id: Option<String>,
    title: String,
    missions: Option<String>,
    service: Option<String>,
    headcount: Option<f64>,
    match1_id: Option<String>,
    match1_score: Option<f64>,
    match2_id: Option<String>,
    match2_score: Option<f64>,
    match3_id: Option<String>,
    match3_score: Option<f64>,
    confident: i64,
    occupation_id: Option<String>,
    status: String,
    reviewer: Option<String>,
    reviewed_at: Option<String>,
    source_line: Option<i64>,
    updated_at: String,
    /// JSON array of the kept cells, aligned with `import_columns`.
    cells: Option<String>,
    /// JSON array of French sentences.
    evidence: Option<String>,
    /// JSON array of the kept headers of the position's import.
    import_columns: Option<String>,
}

/// A JSON array of texts; empty when absent or unreadable.
pub(crate) fn json_texts(s: Option<&str>) -> Vec<String> {
    s.and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

impl From<PositionRow> for Position {
    fn from(r: PositionRow) -> Self {
        #[allow(clippy::cast_possible_truncation)]
        let matches = [
            (r.match1_id, r.match1_score),
            (r.match2_id, r.match2_score),
            (r.match3_id, r.match3_score),
        ]
        .into_iter()
        .filter_map(|(id, score)| {
            Some(Candidate {
                occupation_id: id?,
                score: score.unwrap_or(0.0) as f32,
            })
        })
        .collect();
        let headers = json_texts(r.import_columns.as_deref());
        let cells = json_texts(r.cells.as_deref());
        let columns = headers
            .into_iter()
            .zip(cells.into_iter().chain(std::iter::repeat(String::new())))
            .map(|(header, value)| OriginalColumn { header, value })
            .collect();
        Position {
            id: r.id,
            external_id: r.external_id,
            title: r.title,
            missions: r.missions,
            service: r.service,
            headcount: r.headcount,
            matches,
            confident: r.confident != 0,
            occupation_id: r.occupation_id,
            status: Status::parse(&r.status).unwrap_or(Status::ToReview),
            reviewer: r.reviewer,
            reviewed_at: r.reviewed_at,
            source_line: r.source_line,
            updated_at: r.updated_at,
            columns: if r.cells.is_some() {
                columns
            } else {
                Vec::new()
            },
            evidence: json_texts(r.evidence.as_deref()),
        }
    }
}

impl Store {
    /// Number of positions in the workspace.
    pub async fn count_positions(&self) -> Result<i64> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM positions").fetch_one(pool).await?),
        )
    }

    /// The position with this number.
    pub async fn position(&self, id: i64) -> Result<Option<Position>> {
        let sql = format!("SELECT {POSITION_COLUMNS} FROM positions WHERE id = $1");
        let row: Option<PositionRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        Ok(row.map(Position::from))
    }

    /// The position named by the file's identifier, or by its number (`12` or `#12`).
    pub async fn find_position(&self, name: &str) -> Result<Option<Position>> {
        let name = name.trim();
        let sql = format!("SELECT {POSITION_COLUMNS} FROM positions WHERE external_id = $1");
        let row: Option<PositionRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(name).fetch_optional(pool).await?
        });
        if let Some(row) = row {
            return Ok(Some(row.into()));
        }
        match name.trim_start_matches('#').parse::<i64>() {
            Ok(id) => self.position(id).await,
            Err(_) => Ok(None),
        }
    }

    /// A page of positions, in the order of their numbers.
    pub async fn positions(&self, filter: &PositionFilter) -> Result<PositionPage> {
        let limit = match filter.limit {
            l if l <= 0 => 50,
            l => l.min(1000),
        };
        let offset = filter.offset.max(0);
        let mut conds = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        if let Some(s) = filter.status {
            binds.push(s.as_str().to_owned());
            conds.push(format!("status = ${}", binds.len()));
        }
        if filter.unreviewed {
            conds.push("status IN ('to_review', 'proposed')".to_owned());
        }
        if let Some(o) = &filter.occupation_id {
            binds.push(o.clone());
            conds.push(format!("occupation_id = ${}", binds.len()));
        }
        if let Some(t) = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let escaped = t
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            binds.push(format!("%{escaped}%"));
            conds.push(format!("LOWER(title) LIKE ${} ESCAPE '\\'", binds.len()));
        }
        let where_ = if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        };
        let count_sql = format!("SELECT COUNT(*) FROM positions{where_}");
        let list_sql = format!(
            "SELECT {POSITION_COLUMNS} FROM positions{where_} ORDER BY id LIMIT {limit} OFFSET {offset}"
        );
        let (total, rows): (i64, Vec<PositionRow>) = on_pool!(self, pool => {
            let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql));
            for b in &binds {
                q = q.bind(b);
            }
            let total = q.fetch_one(pool).await?;
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(list_sql));
            for b in &binds {
                q = q.bind(b);
            }
            (total, q.fetch_all(pool).await?)
        });
        Ok(PositionPage {
            total,
            offset,
            positions: rows.into_iter().map(Position::from).collect(),
        })
    }

    /// Every position, in the order of their numbers (for exports).
    pub async fn all_positions(&self) -> Result<Vec<Position>> {
        let sql = format!("SELECT {POSITION_COLUMNS} FROM positions ORDER BY id");
        let rows: Vec<PositionRow> =
            on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?);
        Ok(rows.into_iter().map(Position::from).collect())
    }
}
