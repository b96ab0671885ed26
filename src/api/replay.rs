//! Refuses a digest answer whose (nonce, nc) pair was already accepted, so a captured request
//! cannot be replayed while its nonce lives. Clients reuse a nonce with a growing `nc`; requests
//! sent in parallel may arrive slightly out of order, so the 64 counts below the highest seen
//! are remembered one by one (the anti-replay window of IPsec, RFC 4303).
//!
//! The memory is per instance: behind a load balancer a replay sent to another instance within
//! the nonce's five minutes is not caught. Keeping it in the database would cost a write per
//! request; the `uri` check and the short nonce life bound what a replay can do.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::credentials::digest::NONCE_SECONDS;

const WINDOW: u64 = 64;

struct Seen {
    highest: u64,
    /// Bit i set: count `highest - i` was used.
    mask: u64,
    first_at: i64,
}

#[derive(Default)]
struct Book {
    seen: HashMap<String, Seen>,
    /// Forget lapsed nonces when the book grows past this; doubled when little could be
    /// forgotten, so the sweep stays amortized O(1) a request.
    sweep_at: usize,
}

#[derive(Clone, Default)]
pub struct ReplayGuard {
    book: Arc<Mutex<Book>>,
}

impl ReplayGuard {
    /// Records `nc` (hex, as sent) for `nonce`; false if it was used before, is too old for the
    /// window, or is not a count at all.
    pub fn first_use(&self, nonce: &str, nc: &str, now: i64) -> bool {
        let Ok(nc) = u64::from_str_radix(nc, 16) else {
            return false;
        };
        let mut book = self.book.lock().unwrap_or_else(|p| p.into_inner());
        if book.seen.len() > book.sweep_at.max(10_000) {
            book.seen
                .retain(|_, s| now - s.first_at <= NONCE_SECONDS + 60);
            book.sweep_at = book.seen.len() * 2;
        }
        let seen = &mut book.seen;
        let Some(s) = seen.get_mut(nonce) else {
            seen.insert(
                nonce.to_string(),
                Seen {
                    highest: nc,
                    mask: 1,
                    first_at: now,
                },
            );
            return true;
        };
        if nc > s.highest {
            let shift = nc - s.highest;
            s.mask = if shift >= WINDOW { 0 } else { s.mask << shift } | 1;
            s.highest = nc;
            return true;
        }
        let back = s.highest - nc;
        if back >= WINDOW || s.mask & (1 << back) != 0 {
            return false;
        }
        s.mask |= 1 << back;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_count_passes_once_even_out_of_order() {
        let g = ReplayGuard::default();
        assert!(g.first_use("n", "00000001", 0));
        assert!(!g.first_use("n", "00000001", 0), "replay");
        assert!(g.first_use("n", "00000003", 0));
        assert!(g.first_use("n", "00000002", 0), "late but unused");
        assert!(!g.first_use("n", "00000002", 0));
        assert!(g.first_use("n", "00000050", 0));
        assert!(!g.first_use("n", "00000003", 0), "below the window");
        assert!(g.first_use("other", "00000001", 0), "counts are per nonce");
        assert!(!g.first_use("n", "zz", 0));
    }
}
