//! The console's clock, one for the server, the mail worker and the tests.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

/// Wall-clock time with an offset tests can move forward (expiry, idle timeouts, rate limits)
/// without sleeping, and can stop so that time passes only when a test says so.
#[derive(Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
    /// Milliseconds since the epoch the clock stands at; 0 while it runs.
    frozen_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        let offset = chrono::Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed));
        match self.frozen_ms.load(Ordering::Relaxed) {
            0 => Utc::now() + offset,
            ms => DateTime::from_timestamp_millis(ms).unwrap_or_default() + offset,
        }
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }

    /// Stops the clock at the present moment; [`Clock::advance`] still moves it.
    pub fn freeze(&self) {
        self.frozen_ms
            .store(Utc::now().timestamp_millis(), Ordering::Relaxed);
    }
}
