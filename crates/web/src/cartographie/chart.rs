//! A horizontal bar chart drawn on the server as SVG (no script, no library).

/// One bar, laid out.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    /// Top of the bar.
    pub y: u32,
    /// Bar length in pixels.
    pub width: u32,
    /// Baseline of the label and value texts.
    pub text_y: u32,
    /// Where the value is written (after the bar).
    pub value_x: u32,
}

/// A bar chart ready for the template.
#[derive(Debug, Clone)]
pub struct BarChart {
    pub bars: Vec<Bar>,
    pub height: u32,
    pub width: u32,
    /// Where bars start (after the labels).
    pub bar_x: u32,
}

const ROW: u32 = 28;
const BAR_HEIGHT: u32 = 18;
const LABEL_WIDTH: u32 = 330;
const BAR_MAX: u32 = 360;

/// Lays out `(label, value)` pairs; bars are proportional to the largest value.
pub fn bars(items: &[(String, i64)]) -> BarChart {
    let max = items.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let bars = items
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let y = u32::try_from(i).unwrap_or(0) * ROW + 4;
            let ratio = (*value).max(0) as f64 / max as f64;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let width = ((ratio * f64::from(BAR_MAX)).round() as u32).max(u32::from(*value > 0));
            let label = if label.chars().count() > 48 {
                label.chars().take(47).collect::<String>() + "…"
            } else {
                label.clone()
            };
            Bar {
                label,
                value: *value,
                y,
                width,
                text_y: y + 14,
                value_x: LABEL_WIDTH + width + 6,
            }
        })
        .collect::<Vec<_>>();
    BarChart {
        height: u32::try_from(bars.len()).unwrap_or(0) * ROW + 8,
        width: LABEL_WIDTH + BAR_MAX + 70,
        bar_x: LABEL_WIDTH,
        bars,
    }
}

impl BarChart {
    pub fn bar_height(&self) -> u32 {
        BAR_HEIGHT
    }
}
