//! Small text helpers of the pages and the API filters.

use metiers_referentiel::text::fold;
use metiers_search::ByteRange;

/// A piece of text, marked or not (rendered as `<mark>` by the templates, escaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub marked: bool,
}

/// Cuts a text along byte ranges into marked and unmarked segments. Ranges out of bounds,
/// overlapping or not on character boundaries are skipped.
pub fn segments(text: &str, ranges: &[ByteRange]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in ranges {
        if r.start < at || r.end <= r.start || r.end > text.len() {
            continue;
        }
        let (Some(before), Some(inside)) = (text.get(at..r.start), text.get(r.start..r.end)) else {
            continue;
        };
        if !before.is_empty() {
            out.push(Segment {
                text: before.to_owned(),
                marked: false,
            });
        }
        out.push(Segment {
            text: inside.to_owned(),
            marked: true,
        });
        at = r.end;
    }
    if let Some(rest) = text.get(at..).filter(|s| !s.is_empty()) {
        out.push(Segment {
            text: rest.to_owned(),
            marked: false,
        });
    }
    out
}

/// Whether `needle` (already folded) occurs in `haystack` once folded.
pub fn folded_contains(haystack: &str, folded_needle: &str) -> bool {
    fold(haystack).contains(folded_needle)
}

/// `Bac+N` for a level, `Bac` for 0.
pub fn level_label(n: u8) -> String {
    if n == 0 {
        "Bac".to_owned()
    } else {
        format!("Bac+{n}")
    }
}

/// A score in [0, 1] as a whole percentage.
pub fn percent(score: impl Into<f64>) -> u32 {
    (score.into().clamp(0.0, 1.0) * 100.0).round() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: usize, end: usize) -> ByteRange {
        ByteRange { start, end }
    }

    #[test]
    fn segments_follow_the_ranges_and_survive_bad_ones() {
        let s = segments("Gérer le réseau", &[r(0, 6), r(10, 17)]);
        assert_eq!(
            s.iter()
                .map(|s| (s.text.as_str(), s.marked))
                .collect::<Vec<_>>(),
            vec![("Gérer", true), (" le ", false), ("réseau", true)]
        );
        // Inside a multi-byte character, reversed, out of bounds: ignored.
        let s = segments("réseau", &[r(2, 3), r(4, 1), r(0, 99)]);
        assert_eq!(
            s,
            vec![Segment {
                text: "réseau".into(),
                marked: false
            }]
        );
    }

    #[test]
    fn levels_and_percentages() {
        assert_eq!(level_label(0), "Bac");
        assert_eq!(level_label(5), "Bac+5");
        assert_eq!(percent(0.456), 46);
        assert_eq!(percent(f32::NAN.max(2.0)), 100);
    }
}
