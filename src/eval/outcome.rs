//! A lead's result under one rule.

/// `met`, `missed` (with the reason a person can act on), `open` (not
/// decided yet) or `excluded` (no clause applies, or nothing to judge from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Met,
    Missed(String),
    Open,
    Excluded(String),
}

impl Outcome {
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::Missed(_) => "missed",
            Outcome::Open => "open",
            Outcome::Excluded(_) => "excluded",
        }
    }
}
