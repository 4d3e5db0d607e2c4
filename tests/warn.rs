//! `warn at P%`: parsed on the four rule kinds with deadlines, checked to
//! 1..99, kept by `fmt`, reported by `diff` as earlier or later, and counted
//! as `due_soon` in the verdict document without changing any verdict.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use accord::agreement::check_source;
use accord::check::Options;
use accord::diff::{compare, Direction};
use accord::source::Source;

fn agreement(rules: &str) -> String {
    format!(
        r#"agreement "W" {{
  effective 2027-01-01 to 2027-12-31
  timezone  "Europe/Amsterdam"
  calendar office {{ hours mon-fri 09:00-17:30 }}
  team sales {{ lead "s@x.example" members "ann@x.example" }}
  team marketing {{ lead "m@x.example" }}
  term touch    means kind in ("call", "email")
  term call     means kind is "call"
  term feedback means kind is "feedback"
{rules}}}
"#
    )
}

const RULES: &str = r#"
  response "Speed" {
    owner sales
    first touch
    within 1h on office otherwise
    warn at 80%
  }
  attempts "Depth" {
    owner sales
    count call
    between 3 and 6 within 14d otherwise
    warn at 50%
  }
  duty "Feedback" {
    from sales to marketing
    within 7d after first touch
    provide status by feedback
    warn at 75%
  }
  aging "Uncontacted" {
    owner sales
    contact touch
    buckets 1w
    breach after 2w
    warn at 50%
  }
"#;

fn codes(text: &str) -> Vec<String> {
    common::codes("w.sla", text)
}

#[test]
fn warn_is_allowed_on_response_attempts_duty_and_aging() {
    assert_eq!(codes(&agreement(RULES)), Vec::<String>::new());
}

#[test]
fn warn_on_a_quota_is_a_syntax_error() {
    let quota = r#"
  quota "Volume" {
    owner sales
    count >= 10 per month
    warn at 80%
  }
"#;
    assert_eq!(codes(&agreement(quota)), ["accord::E001"]);
}

#[test]
fn warn_outside_1_to_99_is_e039_and_twice_is_e031() {
    for (p, expected) in [
        ("0%", vec!["accord::E039"]),
        ("100%", vec!["accord::E039"]),
        ("0.5%", vec!["accord::E039"]),
        ("1%", vec![]),
        ("99%", vec![]),
    ] {
        let text = agreement(&RULES.replace("warn at 80%", &format!("warn at {p}")));
        assert_eq!(codes(&text), expected, "warn at {p}");
    }
    let twice = agreement(&RULES.replace("warn at 80%", "warn at 80%\n    warn at 90%"));
    assert_eq!(codes(&twice), ["accord::E031"]);
}

#[test]
fn fmt_keeps_warn_and_is_idempotent() {
    let messy = agreement(RULES).replace("warn at 80%", "warn   at\n 80%");
    let once = accord::format::format(&messy).unwrap();
    assert!(once.contains("    warn at 80%\n"), "{once}");
    assert_eq!(accord::format::format(&once).unwrap(), once);
}

fn diff(old: &str, new: &str) -> Vec<accord::diff::Change> {
    let parse = |t: &str| {
        check_source(Source::new("w.sla", t), &Options { today: None })
            .agreement
            .unwrap()
    };
    compare(&parse(&agreement(old)), &parse(&agreement(new))).changes
}

#[test]
fn diff_reports_warn_earlier_or_later_and_neither_stricter_nor_looser() {
    for (to, note) in [
        ("warn at 60%", "warns earlier"),
        ("warn at 90%", "warns later"),
        ("", "no longer warns"),
    ] {
        let changes = diff(RULES, &RULES.replace("warn at 80%", to));
        assert_eq!(changes.len(), 1, "{to}: {changes:?}");
        let c = &changes[0];
        assert_eq!(c.clause.as_deref(), Some("warn at"));
        assert_eq!(c.direction, Direction::Changed);
        assert_eq!(c.team, None);
        assert_eq!(c.note.as_deref(), Some(note));
    }
    let added = diff(&RULES.replace("warn at 80%", ""), RULES);
    assert_eq!(added[0].note.as_deref(), Some("warns before a breach"));
    assert_eq!(added[0].after.as_deref(), Some("warn at 80%"));
    assert!(diff(RULES, RULES).is_empty());
}

#[test]
fn diff_prints_warns_earlier_from_the_binary() {
    let dir = common::temp_dir("warn", "diff");
    std::fs::write(dir.join("old.sla"), agreement(RULES)).unwrap();
    let new = agreement(&RULES.replace("warn at 80%", "warn at 70%"));
    std::fs::write(dir.join("new.sla"), new).unwrap();
    let (out, _, code) = common::run_in(&dir, &["diff", "old.sla", "new.sla"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("warn at: warn at 80% → warn at 70% — warns earlier"),
        "{out}"
    );
}

/// Three leads handed off Monday 4 January 2027 at 09:00, 09:30 and 09:50,
/// none touched, evaluated at 10:00: 60, 30 and 10 of their 60 minutes
/// used. With `warn at 50%`, the first two are due soon.
#[test]
fn due_soon_is_counted_beside_open_and_changes_no_verdict() {
    let dir = common::temp_dir("warn", "counts");
    let rules = r#"
  response "Speed" {
    owner sales
    first touch
    within 1h on office otherwise
    warn at 50%
  }
  response "Plain" {
    owner sales
    first touch
    within 1h on office otherwise
  }
  aging "Uncontacted" {
    owner sales
    contact touch
    buckets 1w
    breach after 2h
    warn at 50%
  }
"#;
    std::fs::write(dir.join("a.sla"), agreement(rules)).unwrap();
    std::fs::write(
        dir.join("leads.csv"),
        "id,handed_off_at\n\
         L1,2027-01-04T09:00:00+01:00\n\
         L2,2027-01-04T09:30:00+01:00\n\
         L3,2027-01-04T09:50:00+01:00\n",
    )
    .unwrap();
    std::fs::write(dir.join("activities.csv"), "lead,at,kind\n").unwrap();
    let (out, err, code) = common::run_in(
        &dir,
        &[
            "eval",
            "a.sla",
            "--leads",
            "leads.csv",
            "--activities",
            "activities.csv",
            "--as-of",
            "2027-01-04T10:00:00+01:00",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let counts = |rule: usize| doc["rules"][rule]["windows"][0]["counts"].clone();
    assert_eq!(
        counts(0),
        serde_json::json!({ "met": 0, "missed": 0, "open": 3, "due_soon": 2, "excluded": 0 })
    );
    // Without `warn at`, no `due_soon` at all.
    assert_eq!(
        counts(1),
        serde_json::json!({ "met": 0, "missed": 0, "open": 3, "excluded": 0 })
    );
    // Aging: 1h, 30m and 10m old of a 2h breach age; 50% is 1h.
    assert_eq!(
        counts(2),
        serde_json::json!({ "uncontacted": 3, "breaching": 0, "due_soon": 1 })
    );
    for rule in 0..2 {
        assert_eq!(doc["rules"][rule]["windows"][0]["status"], "on_track");
    }
}
