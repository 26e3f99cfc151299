//! Line charts of a percentage over days, drawn as SVG by the templates from the numbers
//! computed here (no script; every value a template prints is a number or a date we
//! formatted, and askama escapes it anyway).

use lachan_core::datefmt;
use lachan_store::TrendPoint;

/// Chart width in SVG units; the height is 100 (one unit per percent).
pub const WIDTH: f64 = 300.0;

pub struct Dot {
    pub x: String,
    pub y: String,
    pub title: String,
}

pub struct Tick {
    pub x: String,
    pub text: String,
}

/// A percentage trend: polylines (broken where no host had been scanned yet), a dot per
/// measured day with its value as a tooltip, and a few day labels.
pub struct Trend {
    pub segments: Vec<String>,
    pub dots: Vec<Dot>,
    pub ticks: Vec<Tick>,
    pub width: f64,
    /// `first → last` values, for the text beside the chart.
    pub first: Option<f64>,
    pub last: Option<f64>,
}

fn x_of(i: usize, n: usize) -> f64 {
    if n <= 1 {
        WIDTH / 2.0
    } else {
        i as f64 * WIDTH / (n - 1) as f64
    }
}

fn num(v: f64) -> String {
    format!("{v:.1}")
}

/// The chart of `points`; `hosts_word` names what a dot's host count counts.
pub fn trend(points: &[TrendPoint], hosts_word: &str) -> Trend {
    let n = points.len();
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut dots = Vec::new();
    for (i, p) in points.iter().enumerate() {
        match p.pass_rate {
            Some(v) => {
                let (x, y) = (num(x_of(i, n)), num(100.0 - v.clamp(0.0, 100.0)));
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(&format!("{x},{y}"));
                dots.push(Dot {
                    x,
                    y,
                    title: format!(
                        "{}: {v:.1}% · {} {hosts_word}",
                        datefmt::iso_to_vn(&p.day),
                        p.hosts
                    ),
                });
            }
            None => {
                if !current.is_empty() {
                    segments.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        segments.push(current);
    }
    // About five labels: first, last and evenly between.
    let step = n.div_ceil(5).max(1);
    let ticks = points
        .iter()
        .enumerate()
        .filter(|(i, _)| i % step == 0 || *i + 1 == n)
        .map(|(i, p)| Tick {
            x: num(x_of(i, n)),
            text: datefmt::iso_to_vn(&p.day)
                .get(..5)
                .unwrap_or("")
                .to_string(),
        })
        .collect();
    let measured: Vec<f64> = points.iter().filter_map(|p| p.pass_rate).collect();
    Trend {
        segments,
        dots,
        ticks,
        width: WIDTH,
        first: measured.first().copied(),
        last: measured.last().copied(),
    }
}

/// A small inline line for a table row: the polyline points only.
pub fn spark(points: &[TrendPoint]) -> Vec<String> {
    trend(points, "").segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(day: &str, rate: Option<f64>) -> TrendPoint {
        TrendPoint {
            day: day.into(),
            hosts: rate.map_or(0, |_| 2),
            pass_rate: rate,
            failed_checks: 0,
        }
    }

    #[test]
    fn gaps_break_the_line_and_values_map_to_height() {
        let t = trend(
            &[
                tp("2026-11-01", Some(50.0)),
                tp("2026-11-02", None),
                tp("2026-11-03", Some(100.0)),
                tp("2026-11-04", Some(0.0)),
            ],
            "máy",
        );
        assert_eq!(t.segments, vec!["0.0,50.0", "200.0,0.0 300.0,100.0"]);
        assert_eq!(t.dots.len(), 3);
        assert_eq!(t.dots[0].title, "01/11/2026: 50.0% · 2 máy");
        assert_eq!((t.first, t.last), (Some(50.0), Some(0.0)));
        let labels: Vec<_> = t.ticks.iter().map(|k| k.text.as_str()).collect();
        assert_eq!(labels, vec!["01/11", "02/11", "03/11", "04/11"]);
    }

    #[test]
    fn one_day_sits_in_the_middle() {
        let t = trend(&[tp("2026-11-01", Some(75.0))], "hosts");
        assert_eq!(t.segments, vec!["150.0,25.0"]);
    }
}
