//! `aging`: the leads nobody has reached yet, by age.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::time::calendar::add_calendar;

/// An age as the language writes it: calendar days, then exact seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age {
    pub days: i64,
    pub secs: i64,
}

/// Where an uncontacted lead stands as of an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aged {
    /// 0 for `<D1`, k for `Dk-Dk+1`, n for `>=Dn`.
    pub bucket: usize,
    pub breaching: bool,
}

/// Ages are compared by adding the duration to the handoff instant (so
/// `1w` is seven calendar days across a daylight-saving switch). A bucket
/// `D1-D2` holds ages in [D1, D2); breaching is strictly older than the
/// breach age.
pub fn age(
    tz: Tz,
    handoff: DateTime<Utc>,
    as_of: DateTime<Utc>,
    buckets: &[Age],
    breach: Age,
) -> Aged {
    let reached = |a: &Age| add_calendar(tz, handoff, a.days, a.secs) <= as_of;
    Aged {
        bucket: buckets.iter().take_while(|b| reached(b)).count(),
        breaching: as_of > breach_at(tz, handoff, breach),
    }
}

/// The last instant an uncontacted lead does not breach: handoff plus the
/// breach age (a lead breaches strictly after it).
pub fn breach_at(tz: Tz, handoff: DateTime<Utc>, breach: Age) -> DateTime<Utc> {
    add_calendar(tz, handoff, breach.days, breach.secs)
}

/// `<1w`, `1w-2w`, …, `>=4w`.
pub fn labels(buckets: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(buckets.len() + 1);
    if let Some(first) = buckets.first() {
        out.push(format!("<{first}"));
    }
    for pair in buckets.windows(2) {
        if let [a, b] = pair {
            out.push(format!("{a}-{b}"));
        }
    }
    if let Some(last) = buckets.last() {
        out.push(format!(">={last}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const WEEK: i64 = 7;

    fn weeks(n: i64) -> Age {
        Age {
            days: n * WEEK,
            secs: 0,
        }
    }

    fn at(month: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, month, d, h, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn a_lead_exactly_at_a_bucket_edge_is_in_the_older_bucket_but_not_breaching() {
        let buckets = [weeks(1), weeks(2), weeks(4)];
        let a = age(
            chrono_tz::UTC,
            at(1, 1, 9),
            at(1, 15, 9),
            &buckets,
            weeks(2),
        );
        assert_eq!(
            a,
            Aged {
                bucket: 2,
                breaching: false
            }
        );
        let a = age(
            chrono_tz::UTC,
            at(1, 1, 9),
            at(1, 15, 10),
            &buckets,
            weeks(2),
        );
        assert_eq!(
            a,
            Aged {
                bucket: 2,
                breaching: true
            }
        );
        let a = age(chrono_tz::UTC, at(1, 1, 9), at(1, 2, 9), &buckets, weeks(2));
        assert_eq!(
            a,
            Aged {
                bucket: 0,
                breaching: false
            }
        );
    }

    #[test]
    fn a_week_across_the_spring_switch_is_seven_calendar_days() {
        let tz: Tz = chrono_tz::Europe::Amsterdam;
        // Handed off Monday 2027-03-22 10:00 CET (09:00Z); a week later is
        // Monday 10:00 CEST, which is 08:00Z: 167 hours.
        let handoff = at(3, 22, 9);
        let a = age(tz, handoff, at(3, 29, 8), &[weeks(1)], weeks(1));
        assert_eq!(
            a,
            Aged {
                bucket: 1,
                breaching: false
            }
        );
        let a = age(tz, handoff, at(3, 29, 7), &[weeks(1)], weeks(1));
        assert_eq!(a.bucket, 0);
    }

    #[test]
    fn labels_name_the_ranges() {
        let l = labels(&["1w".into(), "2w".into(), "4w".into()]);
        assert_eq!(l, vec!["<1w", "1w-2w", "2w-4w", ">=4w"]);
    }
}
