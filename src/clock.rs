//! Time is passed in, so tests can fix "now" and move it.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// The source of the current time, in UTC.
pub trait Clock: Send + Sync {
    fn now(&self) -> NaiveDateTime;

    fn today(&self) -> NaiveDate {
        self.now().date()
    }
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        Utc::now().naive_utc()
    }
}

/// A clock that stands still until moved; for tests.
#[derive(Clone)]
pub struct FixedClock(Arc<AtomicI64>);

impl FixedClock {
    pub fn at(time: NaiveDateTime) -> FixedClock {
        FixedClock(Arc::new(AtomicI64::new(time.and_utc().timestamp())))
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.0.fetch_add(by.num_seconds(), Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(self.0.load(Ordering::SeqCst), 0)
            .unwrap_or_default()
            .naive_utc()
    }
}

/// The clock handle kept in Rocket's state.
pub type SharedClock = Arc<dyn Clock>;
