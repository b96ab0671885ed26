//! Server-side SVG bar charts: no script, colours from the stylesheet, so they read in light and
//! dark alike.

pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
    pub label: String,
    pub value: String,
    pub estimate: bool,
}

pub struct Chart {
    pub width: i64,
    pub height: i64,
    pub baseline: i64,
    pub bars: Vec<Bar>,
}

/// Bars for `(label, cents, is_estimate)`, oldest first, scaled to the largest value.
pub fn bars(points: &[(String, i64, bool)]) -> Chart {
    let (width, height, top, bottom) = (700i64, 220i64, 24i64, 28i64);
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1);
    let slot = width / points.len().max(1) as i64;
    let bar_w = slot * 3 / 5;
    let plot = height - top - bottom;
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, (label, cents, estimate))| {
            let h = (*cents as i128 * plot as i128 / max as i128) as i64;
            Bar {
                x: i as i64 * slot + (slot - bar_w) / 2,
                y: height - bottom - h,
                width: bar_w,
                height: h,
                label: label.clone(),
                value: format!(
                    "${}",
                    crate::billing::Cents(*cents / 100 * 100)
                        .grouped()
                        .trim_end_matches(".00")
                ),
                estimate: *estimate,
            }
        })
        .collect();
    Chart {
        width,
        height,
        baseline: height - bottom,
        bars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_month() {
        let c = bars(&[
            ("2026-09".into(), 50_000, false),
            ("2026-10".into(), 100_000, false),
            ("2026-11".into(), 0, true),
        ]);
        assert_eq!(c.bars.len(), 3);
        assert_eq!(c.bars[1].y, 24, "the largest bar reaches the top");
        assert_eq!(c.bars[0].height * 2, c.bars[1].height);
        assert_eq!(c.bars[2].height, 0);
        assert_eq!(c.bars[1].value, "$1,000");
    }
}
