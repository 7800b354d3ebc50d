//! The map of occupations by closeness: a deterministic layout computed once at start-up.
//!
//! Closeness is that of « Métiers proches » (shared skills, [`metiers_hr::mobility`]), made
//! symmetric.
//! Positions come from classical multidimensional scaling (the two main axes of the distance
//! matrix, found by power iteration from a fixed start), then labels are pushed apart so that
//! they do not overlap. Same edition, same engine: same picture.

use askama::Template;
use axum::extract::State;

use crate::AppState;
use crate::view::{Layout, Page, render};

/// Width of the SVG picture, in user units.
pub const WIDTH: f64 = 1200.0;
/// Height of the SVG picture, in user units.
pub const HEIGHT: f64 = 860.0;
const MARGIN: f64 = 40.0;
/// Approximate width of a label character at the map's font size.
const CHAR_WIDTH: f64 = 6.6;
const LABEL_HEIGHT: f64 = 18.0;
/// Each occupation is linked to this many of its closest ones.
const NEIGHBOURS: usize = 2;

/// Colours of the groups (DSFR illustrative colours, dark enough for a white halo).
const PALETTE: &[&str] = &[
    "#000091", "#18753c", "#b34000", "#6e445a", "#009081", "#a558a0", "#ce0500", "#716043",
    "#3a3a3a", "#0063cb",
];

/// The computed map.
#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Legend: group title and colour, in the groups' order.
    pub legend: Vec<(String, &'static str)>,
}

/// One occupation on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    pub title: String,
    /// Short label drawn beside the node.
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub colour: &'static str,
    pub group: String,
    /// The closest occupations (title and score in percent), for the text alternative.
    pub closest: Vec<(String, String, u32)>,
}

/// A link between an occupation and one of its closest.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    /// Stroke width, thicker for closer occupations.
    pub width: f64,
}

impl Map {
    /// Lays out every occupation of the edition.
    pub fn compute(state: &AppState) -> Self {
        let (r, groups) = (&*state.referentiel, &*state.groups);
        let n = r.occupations.len();
        let ids: Vec<&str> = r.occupations.iter().map(|o| o.id.as_str()).collect();
        let mut sim = vec![vec![0.0_f64; n]; n];
        let mut closest: Vec<Vec<(String, String, u32)>> = vec![Vec::new(); n];
        for (a, id) in ids.iter().enumerate() {
            let list = state.similar(id).unwrap_or_default();
            for s in list {
                if let Some(b) = ids.iter().position(|x| *x == s.id.as_str()) {
                    sim[a][b] += s.score.clamp(0.0, 1.0) / 2.0;
                    sim[b][a] += s.score.clamp(0.0, 1.0) / 2.0;
                }
            }
            closest[a] = list
                .iter()
                .take(3)
                .map(|s| {
                    (
                        s.id.as_str().to_owned(),
                        s.title.clone(),
                        (s.score.clamp(0.0, 1.0) * 100.0).round() as u32,
                    )
                })
                .collect();
        }
        let coords = mds(&sim);
        let labels: Vec<String> = r
            .occupations
            .iter()
            .map(|o| short_label(&o.title))
            .collect();
        let positions = place(&coords, &labels);

        let mut edges = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for a in 0..n {
            let mut order: Vec<usize> = (0..n).filter(|&b| b != a).collect();
            order.sort_by(|&x, &y| sim[a][y].total_cmp(&sim[a][x]).then(x.cmp(&y)));
            for &b in order.iter().take(NEIGHBOURS) {
                if sim[a][b] > 0.0 && seen.insert((a.min(b), a.max(b))) {
                    edges.push(Edge {
                        x1: round1(positions[a].0),
                        y1: round1(positions[a].1),
                        x2: round1(positions[b].0),
                        y2: round1(positions[b].1),
                        width: round1(1.0 + 4.0 * sim[a][b]),
                    });
                }
            }
        }
        let nodes = r
            .occupations
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let g = groups.index_of(o.id.as_str()).unwrap_or(0);
                Node {
                    id: o.id.as_str().to_owned(),
                    title: o.title.clone(),
                    label: labels[i].clone(),
                    x: round1(positions[i].0),
                    y: round1(positions[i].1),
                    colour: PALETTE[g % PALETTE.len()],
                    group: groups
                        .groups
                        .get(g)
                        .map(|g| g.title.clone())
                        .unwrap_or_default(),
                    closest: std::mem::take(&mut closest[i]),
                }
            })
            .collect();
        let legend = groups
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.title.clone(), PALETTE[i % PALETTE.len()]))
            .collect();
        Self {
            nodes,
            edges,
            legend,
        }
    }

    /// The viewBox of the picture.
    pub fn view_box(&self) -> String {
        format!("0 0 {WIDTH} {HEIGHT}")
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A label short enough for the map: the title cut at a word boundary near 28 characters.
pub fn short_label(title: &str) -> String {
    const MAX: usize = 28;
    if title.chars().count() <= MAX {
        return title.to_owned();
    }
    let mut out = String::new();
    for word in title.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > MAX - 1 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = title.chars().take(MAX - 1).collect();
    }
    out.push('…');
    out
}

/// Classical MDS: two coordinates per item from a similarity matrix in [0, 1].
fn mds(sim: &[Vec<f64>]) -> Vec<(f64, f64)> {
    let n = sim.len();
    if n == 0 {
        return Vec::new();
    }
    // Squared distances, then double centring: B = -1/2 J D² J.
    let d2: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    if i == j {
                        0.0
                    } else {
                        (1.0 - sim[i][j]).powi(2)
                    }
                })
                .collect()
        })
        .collect();
    let row: Vec<f64> = d2
        .iter()
        .map(|r| r.iter().sum::<f64>() / n as f64)
        .collect();
    let all: f64 = row.iter().sum::<f64>() / n as f64;
    let mut b: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| -0.5 * (d2[i][j] - row[i] - row[j] + all))
                .collect()
        })
        .collect();
    let (l1, v1) = power_iteration(&b, 0);
    for i in 0..n {
        for j in 0..n {
            b[i][j] -= l1 * v1[i] * v1[j];
        }
    }
    let (l2, v2) = power_iteration(&b, 1);
    let (s1, s2) = (l1.max(0.0).sqrt(), l2.max(0.0).sqrt());
    (0..n).map(|i| (v1[i] * s1, v2[i] * s2)).collect()
}

/// Largest eigenpair of a symmetric matrix, from a fixed, non-symmetric start vector.
fn power_iteration(m: &[Vec<f64>], seed: usize) -> (f64, Vec<f64>) {
    let n = m.len();
    let mut v: Vec<f64> = (0..n)
        .map(|i| 1.0 + ((i * 7 + seed * 13) % 11) as f64 / 10.0)
        .collect();
    let mut lambda = 0.0;
    for _ in 0..300 {
        let w: Vec<f64> = (0..n)
            .map(|i| (0..n).map(|j| m[i][j] * v[j]).sum())
            .collect();
        let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm < 1e-12 {
            return (0.0, vec![0.0; n]);
        }
        lambda = (0..n).map(|i| v[i] * w[i]).sum::<f64>() / v.iter().map(|x| x * x).sum::<f64>();
        v = w.into_iter().map(|x| x / norm).collect();
    }
    // A fixed sign, so that the picture does not flip.
    if v.iter().sum::<f64>() < 0.0 {
        v.iter_mut().for_each(|x| *x = -*x);
    }
    (lambda, v)
}

/// Scales the coordinates to the picture, then pushes overlapping labels apart.
fn place(coords: &[(f64, f64)], labels: &[String]) -> Vec<(f64, f64)> {
    let n = coords.len();
    let widths: Vec<f64> = labels
        .iter()
        .map(|l| 14.0 + CHAR_WIDTH * l.chars().count() as f64)
        .collect();
    let max_w = widths.iter().copied().fold(0.0, f64::max);
    let (min_x, max_x) = bounds(coords.iter().map(|c| c.0));
    let (min_y, max_y) = bounds(coords.iter().map(|c| c.1));
    let sx = (WIDTH - 2.0 * MARGIN - max_w) / (max_x - min_x).max(1e-9);
    let sy = (HEIGHT - 2.0 * MARGIN) / (max_y - min_y).max(1e-9);
    let mut p: Vec<(f64, f64)> = coords
        .iter()
        .map(|c| (MARGIN + (c.0 - min_x) * sx, MARGIN + (c.1 - min_y) * sy))
        .collect();
    // Label boxes start at the node and run right; push overlapping boxes apart.
    for _ in 0..400 {
        let mut moved = false;
        for i in 0..n {
            for j in (i + 1)..n {
                let (ax0, ax1) = (p[i].0 - 8.0, p[i].0 + widths[i]);
                let (bx0, bx1) = (p[j].0 - 8.0, p[j].0 + widths[j]);
                let ox = ax1.min(bx1) - ax0.max(bx0);
                let oy = LABEL_HEIGHT - (p[i].1 - p[j].1).abs();
                if ox > 0.0 && oy > 0.0 {
                    moved = true;
                    // Move along the axis of least overlap; vertical moves are cheaper.
                    if oy <= ox {
                        let d = oy / 2.0 + 0.5;
                        let up = if p[i].1 < p[j].1 || (p[i].1 == p[j].1 && i < j) {
                            -1.0
                        } else {
                            1.0
                        };
                        p[i].1 += up * d;
                        p[j].1 -= up * d;
                    } else {
                        let d = ox / 2.0 + 0.5;
                        let left = if p[i].0 <= p[j].0 { -1.0 } else { 1.0 };
                        p[i].0 += left * d;
                        p[j].0 -= left * d;
                    }
                }
            }
        }
        for (k, q) in p.iter_mut().enumerate() {
            q.0 = q.0.clamp(MARGIN, WIDTH - MARGIN / 2.0 - widths[k]);
            q.1 = q.1.clamp(MARGIN / 2.0, HEIGHT - MARGIN / 2.0);
        }
        if !moved {
            break;
        }
    }
    p
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

#[derive(Template)]
#[template(path = "similar/map.html")]
struct MapPage<'a> {
    l: Layout,
    map: &'a Map,
}

/// `GET /carte`.
pub async fn page(State(state): State<AppState>) -> Page {
    render(&MapPage {
        l: Layout::new("Carte des métiers", "carte").crumb("Carte des métiers", None),
        map: state.map(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_cut_at_a_word_boundary() {
        assert_eq!(short_label("Testeur"), "Testeur");
        let l = short_label("Administrateur d’outils / de systèmes / de réseaux & télécoms");
        assert!(l.ends_with('…') && l.chars().count() <= 28, "{l}");
    }

    #[test]
    fn mds_separates_two_clusters() {
        // Items 0-1 close, 2-3 close, the clusters far apart.
        let s = vec![
            vec![1.0, 0.9, 0.0, 0.0],
            vec![0.9, 1.0, 0.0, 0.0],
            vec![0.0, 0.0, 1.0, 0.9],
            vec![0.0, 0.0, 0.9, 1.0],
        ];
        let c = mds(&s);
        let d = |a: usize, b: usize| ((c[a].0 - c[b].0).powi(2) + (c[a].1 - c[b].1).powi(2)).sqrt();
        assert!(d(0, 1) < d(0, 2) / 3.0, "{c:?}");
        assert!(d(2, 3) < d(1, 3) / 3.0, "{c:?}");
    }

    #[test]
    fn placed_labels_do_not_overlap_and_stay_inside() {
        let coords: Vec<(f64, f64)> = (0..30).map(|i| (f64::from(i % 3), 0.0)).collect();
        let labels: Vec<String> = (0..30).map(|i| format!("Métier numéro {i}")).collect();
        let p = place(&coords, &labels);
        for q in &p {
            assert!(
                q.0 >= MARGIN - 1e-9 && q.0 <= WIDTH && q.1 >= 0.0 && q.1 <= HEIGHT,
                "{q:?}"
            );
        }
        let w = 14.0 + CHAR_WIDTH * 16.0;
        for i in 0..p.len() {
            for j in (i + 1)..p.len() {
                let overlap =
                    (p[i].0 - p[j].0).abs() < w && (p[i].1 - p[j].1).abs() < LABEL_HEIGHT - 1.0;
                assert!(!overlap, "{i} {j} {:?} {:?}", p[i], p[j]);
            }
        }
    }
}
