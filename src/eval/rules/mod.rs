//! The per-lead semantics of each rule kind: what a lead's activities add
//! up to, and whether that keeps the rule. Pure functions of their inputs.

pub mod aging;
pub mod attempts;
pub mod duty;
pub mod response;

#[cfg(test)]
pub(crate) mod testutil {
    use chrono::{DateTime, TimeZone, Utc};

    /// 10:00 UTC on day `d` of January 2027.
    pub fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, d, 10, 0, 0)
            .single()
            .unwrap_or_default()
    }
}
