//! Progress of a long load for whoever runs it: on a terminal a bar with rows per second and the
//! time left; otherwise (a log, CI) a line every few seconds, so the log shows it moving without
//! a line per batch.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How often a line is written when standard error is not a terminal.
const LINE_EVERY: Duration = Duration::from_secs(5);

pub struct Progress {
    what: String,
    unit: Unit,
    total: u64,
    started: Instant,
    view: View,
}

/// What the progress counts.
#[derive(Clone, Copy)]
enum Unit {
    Rows,
    /// Bytes of a file read (its rows are not known before the end).
    Bytes,
}

enum View {
    Bar(indicatif::ProgressBar),
    Lines { last: Instant },
}

impl Progress {
    /// Progress of `what` (such as "loading usage.csv") over `total` rows, on standard error.
    pub fn rows(what: &str, total: u64) -> Progress {
        Progress::new(what, total, Unit::Rows)
    }

    /// Progress of reading `total` bytes of a file.
    pub fn bytes(what: &str, total: u64) -> Progress {
        Progress::new(what, total, Unit::Bytes)
    }

    fn new(what: &str, total: u64, unit: Unit) -> Progress {
        let view = if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(total);
            let template = match unit {
                Unit::Rows => {
                    "{msg} [{bar:32}] {human_pos}/{human_len} rows  {rate} rows/s  {eta} left"
                }
                Unit::Bytes => {
                    "{msg} [{bar:32}] {binary_bytes}/{binary_total_bytes}  {binary_bytes_per_sec}  {eta} left"
                }
            };
            let style = indicatif::ProgressStyle::with_template(template)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .with_key(
                    "rate",
                    |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.0}", s.per_sec());
                    },
                )
                .progress_chars("=> ");
            bar.set_style(style);
            bar.set_message(what.to_string());
            View::Bar(bar)
        } else {
            View::Lines {
                last: Instant::now(),
            }
        };
        Progress {
            what: what.to_string(),
            unit,
            total,
            started: Instant::now(),
            view,
        }
    }

    /// `done` of the rows are handled.
    pub fn set(&mut self, done: u64) {
        match &mut self.view {
            View::Bar(bar) => bar.set_position(done),
            View::Lines { last } => {
                if last.elapsed() >= LINE_EVERY {
                    *last = Instant::now();
                    eprintln!("{}", self.line(done));
                }
            }
        }
    }

    /// Clears the bar, or writes the last line.
    pub fn finish(self) {
        match self.view {
            View::Bar(bar) => bar.finish_and_clear(),
            View::Lines { .. } => eprintln!("{}", self.line(self.total)),
        }
    }

    fn line(&self, done: u64) -> String {
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / secs;
        let left = if rate > 0.0 {
            format!(
                "about {:.0} s left",
                (self.total.saturating_sub(done)) as f64 / rate
            )
        } else {
            "time left unknown".into()
        };
        match self.unit {
            Unit::Rows => format!(
                "{}: {done} of {} rows, {rate:.0} rows/s, {left}",
                self.what, self.total
            ),
            Unit::Bytes => {
                let mib = |b: f64| b / (1024.0 * 1024.0);
                format!(
                    "{}: {:.0} of {:.0} MiB, {:.1} MiB/s, {left}",
                    self.what,
                    mib(done as f64),
                    mib(self.total as f64),
                    mib(rate)
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_line_tells_rows_rate_and_time_left() {
        let p = super::Progress {
            what: "loading usage.csv".into(),
            unit: super::Unit::Rows,
            total: 1000,
            started: std::time::Instant::now() - std::time::Duration::from_secs(2),
            view: super::View::Lines {
                last: std::time::Instant::now(),
            },
        };
        let line = p.line(500);
        assert!(
            line.starts_with("loading usage.csv: 500 of 1000 rows, "),
            "{line}"
        );
        assert!(line.contains("rows/s, about 2 s left"), "{line}");
    }
}
