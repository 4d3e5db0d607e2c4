//! The clock a rule's window runs on: wall-clock time with calendar days,
//! or open time on a business calendar.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::time::calendar::BusinessCalendar;
use crate::time::zone::Zone;

#[derive(Debug, Clone)]
pub enum Clock {
    /// `d`/`w` as calendar days in the zone, then exact seconds.
    Wall { zone: Zone, days: i64, secs: i64 },
    /// Open time on a named calendar.
    Open {
        calendar: Arc<BusinessCalendar>,
        name: String,
        secs: i64,
    },
}

impl Clock {
    /// When a window starting at `start` ends; `None` if never (a calendar
    /// that never opens).
    pub fn deadline(&self, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Clock::Wall { zone, days, secs } => Some(zone.add_calendar(start, *days, *secs)),
            Clock::Open { calendar, secs, .. } => calendar.add_open(start, *secs),
        }
    }

    /// Time from `a` to `b` in this clock's terms, in seconds: open time on
    /// a calendar, elapsed time otherwise.
    pub fn elapsed(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        match self {
            Clock::Wall { .. } => (b - a).num_seconds(),
            Clock::Open { calendar, .. } => calendar.open_between(a, b),
        }
    }
}

/// A duration as people read it: `1h12m`, `3d4h`, `45s`.
pub fn human(secs: i64) -> String {
    Human(secs).to_string()
}

/// [`human`] written straight into a message, without a string of its own
/// (missed leads' reasons name one each: there can be a million).
pub struct Human(pub i64);

impl std::fmt::Display for Human {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.0;
        if secs <= 0 {
            return f.write_str("0s");
        }
        let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
        // `itoa` (as serde_json writes numbers): `write!` of each number
        // went through the formatting machinery four times per message.
        let mut digits = itoa::Buffer::new();
        for (n, unit) in [(d, "d"), (h, "h"), (m, "m"), (s, "s")] {
            if n > 0 {
                f.write_str(digits.format(n))?;
                f.write_str(unit)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::human;

    #[test]
    fn durations_read_like_the_language_writes_them() {
        assert_eq!(human(4320), "1h12m");
        assert_eq!(human(14 * 86_400 + 3600), "14d1h");
        assert_eq!(human(45), "45s");
        assert_eq!(human(0), "0s");
    }
}
