//! `response`: how fast sales picks a lead up.

use chrono::{DateTime, Utc};

use crate::eval::clock::{Clock, Human};
use crate::eval::outcome::Outcome;

/// The earliest touch at or after handoff, whatever order activities come in.
pub fn observe(first: &mut Option<DateTime<Utc>>, handoff: DateTime<Utc>, at: DateTime<Utc>) {
    if at >= handoff && first.is_none_or(|f| at < f) {
        *first = Some(at);
    }
}

/// Met when the first touch is at or before the deadline; missed when it is
/// later, or when there is none and the deadline has passed (as-of strictly
/// after it); open otherwise. Also the response time, in the clause's clock.
pub fn judge(
    handoff: DateTime<Utc>,
    deadline: Option<DateTime<Utc>>,
    first: Option<DateTime<Utc>>,
    as_of: DateTime<Utc>,
    clock: &Clock,
    window: &str,
) -> (Outcome, Option<i64>) {
    let took = first.map(|t| clock.elapsed(handoff, t));
    let outcome = match (first, deadline) {
        (Some(t), Some(d)) if t <= d => Outcome::Met,
        (Some(_), _) => Outcome::Missed(format!(
            "first touch after {}, window {window}",
            Human(took.unwrap_or(0))
        )),
        (None, Some(d)) if as_of > d => Outcome::Missed(format!("no touch within {window}")),
        (None, _) => Outcome::Open,
    };
    (outcome, took)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, 4, h, m, 0)
            .single()
            .unwrap_or_default()
    }

    fn wall() -> Clock {
        Clock::Wall {
            zone: crate::time::zone::Zone::new(
                chrono_tz::UTC,
                t(0, 0).date_naive(),
                t(0, 0).date_naive(),
            ),
            days: 0,
            secs: 3600,
        }
    }

    #[test]
    fn a_touch_exactly_at_the_deadline_is_met() {
        let (o, took) = judge(
            t(9, 0),
            Some(t(10, 0)),
            Some(t(10, 0)),
            t(12, 0),
            &wall(),
            "1h",
        );
        assert_eq!((o, took), (Outcome::Met, Some(3600)));
    }

    #[test]
    fn a_touch_a_minute_late_is_missed_with_its_time() {
        let (o, _) = judge(
            t(9, 0),
            Some(t(10, 0)),
            Some(t(10, 12)),
            t(12, 0),
            &wall(),
            "1h",
        );
        assert_eq!(
            o,
            Outcome::Missed("first touch after 1h12m, window 1h".into())
        );
    }

    #[test]
    fn no_touch_is_open_until_the_deadline_has_passed() {
        let at_deadline = judge(t(9, 0), Some(t(10, 0)), None, t(10, 0), &wall(), "1h").0;
        assert_eq!(at_deadline, Outcome::Open);
        let after = judge(t(9, 0), Some(t(10, 0)), None, t(10, 1), &wall(), "1h").0;
        assert_eq!(after, Outcome::Missed("no touch within 1h".into()));
    }

    #[test]
    fn touches_before_handoff_do_not_count_and_the_earliest_wins() {
        let mut first = None;
        for at in [t(11, 0), t(8, 0), t(9, 30), t(10, 0)] {
            observe(&mut first, t(9, 0), at);
        }
        assert_eq!(first, Some(t(9, 30)));
    }
}
