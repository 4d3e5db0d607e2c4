//! The verdict document (`accord.verdict/1`): what `eval --format json`
//! prints and every other format renders. Field names and order are a
//! contract with outside tools (CLI.md); add fields, never rename them.

use serde::Serialize;

use super::warnings::Warning;
use crate::data::DataIssue;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Verdict {
    pub schema: &'static str,
    pub agreement: String,
    pub version: Option<String>,
    pub as_of: String,
    pub status: Status,
    pub data: DataSummary,
    pub rules: Vec<RuleVerdict>,
    pub issues: Vec<DataIssue>,
    /// Words of the agreement no row holds (W301), rules that judged no
    /// lead (W302): never a change to a status.
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DataSummary {
    pub leads: u64,
    pub activities: u64,
    pub issues: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RuleVerdict {
    pub name: String,
    pub kind: &'static str,
    pub owner: String,
    pub line: usize,
    pub status: Status,
    pub windows: Vec<WindowVerdict>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WindowVerdict {
    pub window: String,
    pub start: String,
    pub end: String,
    pub group: Option<String>,
    pub state: State,
    pub status: Status,
    pub target: Option<f64>,
    pub observed: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_to_date: Option<f64>,
    pub counts: Counts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<Stats>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buckets: Option<Vec<Bucket>>,
    /// `at handoff` duties: each required field and how many leads lacked it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_fields: Option<Vec<MissingField>>,
    /// Duties within a window: decided hand-overs on time, late, or missing
    /// (none, or none complete, by the deadline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handovers: Option<Handovers>,
    pub breaches: Vec<Breach>,
}

/// Window and rule statuses, and the document's.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NoData,
    Met,
    OnTrack,
    AtRisk,
    Missed,
    Breached,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NoData => "no_data",
            Status::Met => "met",
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::Missed => "missed",
            Status::Breached => "breached",
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Closed,
    Open,
}

/// Counts as each kind of rule reports them.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Counts {
    Quota {
        leads: u64,
    },
    Leads {
        met: u64,
        missed: u64,
        open: u64,
        /// Open leads past the rule's `warn at`; only for a rule with one.
        #[serde(skip_serializing_if = "Option::is_none")]
        due_soon: Option<u64>,
        excluded: u64,
    },
    Aging {
        uncontacted: u64,
        breaching: u64,
        /// Uncontacted leads past `warn at` of the breach age, not yet
        /// breaching; only for a rule with one.
        #[serde(skip_serializing_if = "Option::is_none")]
        due_soon: Option<u64>,
    },
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Stats {
    Response {
        mean_s: Option<f64>,
        median_s: Option<f64>,
        p90_s: Option<f64>,
    },
    Attempts {
        mean_count: Option<f64>,
        /// How many leads got each number of counted attempts, in order of
        /// the number (only numbers some lead got).
        distribution: Vec<AttemptCount>,
        /// Time spent on the counted attempts per lead (`duration`).
        mean_spent_s: Option<f64>,
        median_spent_s: Option<f64>,
    },
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AttemptCount {
    pub attempts: u64,
    pub leads: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Handovers {
    pub on_time: u64,
    pub late: u64,
    pub missing: u64,
}

/// For `at handoff` duties: how many of the window's leads lacked a field.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MissingField {
    pub field: String,
    pub leads: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bucket {
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Breach {
    pub lead: String,
    pub reason: String,
}

/// `breached` if any closed window missed; else `at_risk` if any open
/// window is; else `met`; `no_data` when every window has none (or there
/// are no windows at all).
pub fn rollup(statuses: impl IntoIterator<Item = Status>) -> Status {
    let mut any = false;
    let mut all_no_data = true;
    let mut at_risk = false;
    for status in statuses {
        any = true;
        match status {
            Status::Missed | Status::Breached => return Status::Breached,
            Status::AtRisk => at_risk = true,
            _ => {}
        }
        all_no_data &= status == Status::NoData;
    }
    if !any || all_no_data {
        Status::NoData
    } else if at_risk {
        Status::AtRisk
    } else {
        Status::Met
    }
}

#[cfg(test)]
mod tests {
    use super::{rollup, Status::*};

    #[test]
    fn a_missed_window_breaches_and_at_risk_needs_no_miss() {
        assert_eq!(rollup([Met, Missed, AtRisk]), Breached);
        assert_eq!(rollup([Met, AtRisk, NoData]), AtRisk);
        assert_eq!(rollup([Met, OnTrack, NoData]), Met);
        assert_eq!(rollup([NoData, NoData]), NoData);
        assert_eq!(rollup([]), NoData);
        assert_eq!(rollup([Breached, Met]), Breached);
    }
}
