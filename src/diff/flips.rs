//! The verdicts that change when the same data is judged by the new
//! version: a rule (by kind and name) × window × group present in both
//! verdicts whose status differs. Windows only one version has (after a
//! new `each` or `per`) have nothing to flip from and are left out.

use serde::Serialize;

use crate::eval::verdict::{Status, Verdict};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flip {
    pub rule: String,
    pub kind: &'static str,
    pub window: String,
    pub group: Option<String>,
    pub before: Status,
    pub after: Status,
}

/// Every window whose status differs, in the new verdict's order.
pub fn flips(old: &Verdict, new: &Verdict) -> Vec<Flip> {
    let mut out = Vec::new();
    for rule in &new.rules {
        let Some(before) = old
            .rules
            .iter()
            .find(|r| r.kind == rule.kind && r.name == rule.name)
        else {
            continue;
        };
        for w in &rule.windows {
            let was = before
                .windows
                .iter()
                .find(|o| o.window == w.window && o.group == w.group);
            if let Some(was) = was.filter(|o| o.status != w.status) {
                out.push(Flip {
                    rule: rule.name.clone(),
                    kind: rule.kind,
                    window: w.window.clone(),
                    group: w.group.clone(),
                    before: was.status,
                    after: w.status,
                });
            }
        }
    }
    out
}
