//! `accord explain` for people: each rule's steps and outcome for one lead.

use std::fmt::Write;

use crate::eval::explain::Explanation;

pub fn human(e: &Explanation) -> String {
    let mut out = String::new();
    let handoff = e.handed_off_at.as_deref().unwrap_or("not handed off");
    let _ = writeln!(
        out,
        "lead {} (handed off {handoff}), as of {}",
        e.lead, e.as_of
    );
    for r in &e.rules {
        let _ = writeln!(
            out,
            "\n{} \"{}\" (line {}): {}",
            r.kind, r.rule, r.line, r.outcome
        );
        for step in &r.steps {
            let _ = writeln!(out, "  - {step}");
        }
        let _ = writeln!(out, "  => {}: {}", r.outcome, r.reason);
    }
    out
}
