//! What a load tells its caller: rows inserted, skipped and late, and the lines refused.

use crate::billing::usage_file::{Rejected, UsageRow};

/// How many refused lines a report lists; the rest are counted.
pub const LISTED_REJECTIONS: usize = 1000;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LoadReport {
    pub inserted: usize,
    pub skipped: usize,
    pub late: usize,
    /// The first refused lines (at most [`LISTED_REJECTIONS`]), by line. Non-empty means
    /// nothing was loaded.
    pub rejected: Vec<Rejected>,
    /// Refused lines beyond those listed.
    pub more_rejected: usize,
    /// The partners whose customers the load gave records, by id.
    pub partners: Vec<i64>,
}

impl LoadReport {
    /// How many lines were refused in all.
    pub fn rejected_count(&self) -> usize {
        self.rejected.len() + self.more_rejected
    }

    /// Notes a refused line, keeping the first [`LISTED_REJECTIONS`] by line: lines arrive in
    /// nearly the file's order (a batch's repeats are found after the next batch is read).
    pub(super) fn reject(&mut self, r: Rejected) {
        self.rejected.push(r);
        if self.rejected.len() >= 2 * LISTED_REJECTIONS {
            self.keep_first();
        }
    }

    pub(super) fn keep_first(&mut self) {
        self.rejected.sort_by_key(|r| r.line);
        if self.rejected.len() > LISTED_REJECTIONS {
            self.more_rejected += self.rejected.len() - LISTED_REJECTIONS;
            self.rejected.truncate(LISTED_REJECTIONS);
        }
    }

    /// A key met before: skipped when its content is the same, refused if not.
    pub(super) fn seen_before(&mut self, row: &UsageRow, same_content: bool, where_: &str) {
        if same_content {
            self.skipped += 1;
        } else {
            self.reject(Rejected {
                line: row.line,
                reason: format!("record_key {} {where_} with other content", row.record_key),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_keeps_the_first_thousand_refusals_by_line_and_counts_the_rest() {
        let mut report = LoadReport::default();
        // Batches' refusals arrive a batch late at most: lines 1000..5000, each block of 1 000
        // reversed.
        for block in 1..5 {
            for line in (block * 1000..(block + 1) * 1000).rev() {
                report.reject(Rejected {
                    line,
                    reason: String::new(),
                });
            }
        }
        report.keep_first();
        assert_eq!(report.rejected.len(), LISTED_REJECTIONS);
        assert_eq!(report.rejected[0].line, 1000);
        assert_eq!(report.rejected[999].line, 1999);
        assert_eq!(
            (report.more_rejected, report.rejected_count()),
            (3000, 4000)
        );
    }
}
