//! Evaluation on hand-made data, one boundary per test: each builds a tiny
//! agreement and data set, evaluates it as of a fixed instant through the
//! library (as the CLI does) and asserts the verdicts and reasons.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use accord::data::Config;
use accord::eval::explain::Explanation;
use accord::eval::run::{evaluate, explain, Options, RunError};
use accord::eval::verdict::{RuleVerdict, Verdict, WindowVerdict};
use accord::project::Project;

const HEAD: &str = r#"agreement "Test" {
  effective 2027-01-01 to 2027-12-31
  timezone  "Europe/Amsterdam"
  calendar office {
    hours mon-fri 09:00-12:30, 13:00-17:30
    closed 2027-04-27
  }
  team marketing { lead "m@x.example" }
  team sales {
    lead    "s@x.example"
    members "ann@x.example", "bob@x.example"
  }
  term call  means kind is "call"
  term touch means kind in ("call", "email")
"#;

static NEXT: AtomicU32 = AtomicU32::new(0);

fn project(rules: &str, leads: &str, activities: &str) -> Project {
    let dir = std::env::temp_dir().join(format!(
        "accord-eval-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    Project {
        config: Config::default(),
        agreement: write("a.sla", &format!("{HEAD}{rules}}}\n")),
        leads: write("leads.csv", leads),
        activities: vec![write("activities.csv", activities)],
    }
}

fn options(as_of: &str) -> Options<'static> {
    Options {
        as_of: Some(as_of.to_owned()),
        ..Options::default()
    }
}

fn run(rules: &str, leads: &str, activities: &str, as_of: &str) -> Verdict {
    match evaluate(&project(rules, leads, activities), options(as_of)) {
        Ok(e) => e.verdict,
        Err(e) => panic!("{e:?}"),
    }
}

fn why(rules: &str, leads: &str, activities: &str, as_of: &str, lead: &str) -> Explanation {
    explain(&project(rules, leads, activities), options(as_of), lead).unwrap()
}

fn rule<'a>(v: &'a Verdict, name: &str) -> &'a RuleVerdict {
    v.rules.iter().find(|r| r.name == name).unwrap()
}

fn window<'a>(v: &'a Verdict, name: &str, label: &str) -> &'a WindowVerdict {
    rule(v, name)
        .windows
        .iter()
        .find(|w| w.window == label)
        .unwrap()
}

/// A window's breaches, as (lead, reason).
fn breaches(w: &WindowVerdict) -> Vec<(String, String)> {
    w.breaches
        .iter()
        .map(|b| (b.lead.clone(), b.reason.clone()))
        .collect()
}

fn json(w: &WindowVerdict) -> serde_json::Value {
    serde_json::to_value(w).unwrap()
}

const RESPONSE: &str = r#"
  response "speed" {
    owner sales
    first touch
    within 1h on office otherwise
    target 100% each month
  }
"#;

#[test]
fn a_touch_exactly_at_the_deadline_is_met_and_one_second_later_missed() {
    let leads = "id,handed_off_at\nA,2027-01-04 09:00\nB,2027-01-04 09:00\n";
    let acts = "lead,at,kind\nA,2027-01-04 10:00,call\nB,2027-01-04 10:00:01,email\n";
    let v = run(RESPONSE, leads, acts, "2027-02-01T00:00:00+01:00");
    let w = json(window(&v, "speed", "2027-01"));
    assert_eq!(
        w["counts"],
        serde_json::json!({"met": 1, "missed": 1, "open": 0, "excluded": 0})
    );
    assert_eq!(w["breaches"][0]["lead"], "B");
    assert_eq!(
        w["breaches"][0]["reason"],
        "first touch after 1h1s, window 1h on office"
    );
}

#[test]
fn a_touch_before_handoff_is_ignored() {
    let leads = "id,handed_off_at\nA,2027-01-04 09:00\n";
    let acts = "lead,at,kind\nA,2027-01-04 08:59,call\n";
    let v = run(RESPONSE, leads, acts, "2027-02-01T00:00:00+01:00");
    let w = window(&v, "speed", "2027-01");
    assert_eq!(w.breaches[0].reason, "no touch within 1h on office");
}

#[test]
fn friday_afternoon_runs_on_into_monday_and_a_closed_day_is_skipped() {
    // Friday 17:20 + 1h of office time is Monday 09:50; 2027-04-27 is closed,
    // so Monday 2027-04-26 17:00 + 1h is Wednesday 09:30.
    let leads = "id,handed_off_at\nF,2027-01-08 17:20\nK,2027-04-26 17:00\n";
    let e = why(
        RESPONSE,
        leads,
        "lead,at,kind\n",
        "2027-05-01T00:00:00+02:00",
        "F",
    );
    assert!(
        e.rules[0]
            .steps
            .contains(&"deadline: 2027-01-11T09:50:00+01:00".to_owned()),
        "{e:?}"
    );
    let e = why(
        RESPONSE,
        leads,
        "lead,at,kind\n",
        "2027-05-01T00:00:00+02:00",
        "K",
    );
    assert!(
        e.rules[0]
            .steps
            .contains(&"deadline: 2027-04-28T09:30:00+02:00".to_owned()),
        "{e:?}"
    );
}

#[test]
fn a_lead_handed_off_in_the_night_of_the_spring_switch() {
    // Sunday 2027-03-28 01:30 +01:00, just before clocks jump to 03:00
    // +02:00; office time starts Monday 09:00 +02:00.
    let leads = "id,handed_off_at\nN,2027-03-28T01:30:00+01:00\nG,2027-03-28 02:30\n";
    let acts = "lead,at,kind\nN,2027-03-29T09:59:59+02:00,call\n";
    let v = run(RESPONSE, leads, acts, "2027-04-01T00:00:00+02:00");
    let w = window(&v, "speed", "2027-03");
    assert_eq!(json(w)["counts"]["met"], 1);
    // 02:30 does not exist that night: a data issue, not a guess.
    assert_eq!(v.issues.len(), 1);
    assert_eq!(v.issues[0].line, 3);
    assert!(
        v.issues[0].message.contains("daylight"),
        "{:?}",
        v.issues[0]
    );
    let e = why(RESPONSE, leads, acts, "2027-04-01T00:00:00+02:00", "N");
    assert!(
        e.rules[0]
            .steps
            .contains(&"deadline: 2027-03-29T10:00:00+02:00".to_owned()),
        "{e:?}"
    );
}

const ATTEMPTS: &str = r#"
  attempts "depth" {
    owner sales
    count call
    between 3 and 4 within 14d otherwise
    until outcome is "connected"
    max duration 1h
    target 100% each month
  }
"#;

fn calls(lead: &str, n: usize, outcome: &str, seconds: u32) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{lead},2027-01-{:02} 10:00,call,{seconds},{outcome}\n",
                5 + i
            )
        })
        .collect()
}

#[test]
fn attempts_until_connected_too_many_and_too_long() {
    let leads = "id,handed_off_at\nU,2027-01-04 09:00\nM,2027-01-04 09:00\nD,2027-01-04 09:00\nF,2027-01-04 09:00\nO,2027-01-04 09:00\n";
    let mut acts = String::from("lead,at,kind,duration,outcome\n");
    acts += &calls("U", 1, "no answer", 60);
    acts += "U,2027-01-06 10:00,call,60,connected\n";
    acts += &calls("M", 5, "no answer", 60);
    acts += &calls("D", 3, "no answer", 1300);
    acts += &calls("F", 2, "no answer", 60);
    acts += &calls("O", 2, "no answer", 60);
    acts += "O,2027-01-19 09:00:01,call,60,no answer\n"; // after the 14d window
    let v = run(ATTEMPTS, leads, &acts, "2027-02-01T00:00:00+01:00");
    let w = window(&v, "depth", "2027-01");
    let reasons = breaches(w);
    // One deadline for all: in lead id order, not row order.
    assert_eq!(
        reasons,
        vec![
            (
                "D".to_owned(),
                "1h5m spent, more than the 1h a lead is worth".to_owned()
            ),
            (
                "F".to_owned(),
                "2 attempts within 14d, at least 3 expected".to_owned()
            ),
            ("M".to_owned(), "5 attempts, more than 4".to_owned()),
            (
                "O".to_owned(),
                "2 attempts within 14d, at least 3 expected".to_owned()
            ),
        ]
    );
    assert_eq!(json(w)["counts"]["met"], 1, "U stopped on a connected call");
    // U 2 (until), M 5, D 3, F 2, O 2 (its third call came after the window).
    assert_eq!(
        json(w)["stats"]["distribution"],
        serde_json::json!([{"attempts": 2, "leads": 3}, {"attempts": 3, "leads": 1}, {"attempts": 5, "leads": 1}])
    );
    assert_eq!(json(w)["stats"]["median_spent_s"], 120.0);
    assert_eq!(
        json(w)["stats"]["mean_spent_s"],
        (120.0 + 300.0 + 3900.0 + 120.0 + 120.0) / 5.0
    );
}

const DUTIES: &str = r#"
  duty "dossier" {
    from marketing to sales
    at handoff
    provide email, phone
  }
  duty "feedback" {
    from sales to marketing
    within 7d after first touch
    provide status by kind is "feedback"
    target 100% each month
  }
"#;

#[test]
fn handoff_fields_and_late_missing_or_unanchored_feedback() {
    let leads = "id,handed_off_at,email,phone\nOK,2027-01-04 09:00,a@x,1\nLATE,2027-01-04 09:00,b@x, \nNONE,2027-01-04 09:00,,\nWAIT,2027-01-04 09:00,c@x,3\n";
    let acts = "lead,at,kind,status\n\
                OK,2027-01-04 10:00,call,\nOK,2027-01-11 10:00,feedback,qualified\n\
                LATE,2027-01-04 10:00,call,\nLATE,2027-01-11 10:00:01,feedback,nurture\n\
                NONE,2027-01-04 10:00,call,\nNONE,2027-01-05 10:00,feedback,\n";
    let v = run(DUTIES, leads, acts, "2027-02-01T00:00:00+01:00");
    let dossier: Vec<String> = window(&v, "dossier", "2027-01")
        .breaches
        .iter()
        .map(|b| format!("{} {}", b.lead, b.reason))
        .collect();
    assert_eq!(
        dossier,
        [
            "LATE missing at handoff: phone",
            "NONE missing at handoff: email, phone"
        ]
    );
    assert_eq!(
        json(window(&v, "dossier", "2027-01"))["missing_fields"],
        serde_json::json!([{"field": "email", "leads": 1}, {"field": "phone", "leads": 2}])
    );
    let w = window(&v, "feedback", "2027-01");
    let feedback: Vec<String> = w
        .breaches
        .iter()
        .map(|b| format!("{} {}", b.lead, b.reason))
        .collect();
    assert_eq!(
        feedback,
        [
            "LATE handed over late, 7d1s after the first kind in (\"call\", \"email\"), window 7d"
                .replace("kind in (\"call\", \"email\")", "touch"),
            "NONE nothing handed over within 7d after the first touch (a hand-over lacked status)"
                .to_owned(),
        ]
    );
    assert_eq!(
        json(w)["handovers"],
        serde_json::json!({"on_time": 1, "late": 1, "missing": 1})
    );
    // WAIT was never touched: its feedback window has not begun.
    assert_eq!(
        json(w)["counts"],
        serde_json::json!({"met": 1, "missed": 2, "open": 0, "excluded": 1})
    );
}

const AGING: &str = r#"
  aging "uncontacted" {
    owner sales
    contact touch
    buckets 1w, 2w
    breach after 2w
    per owner
  }
"#;

#[test]
fn aging_at_bucket_edges_and_a_member_without_leads() {
    // As of 2027-01-15 09:00: E7 is exactly one week old, E14 exactly two
    // weeks (not yet past the breach age), OLD is older.
    let leads = "id,handed_off_at,owner\nE7,2027-01-08 09:00,ann@x.example\nE14,2027-01-01 09:00,ann@x.example\nOLD,2027-01-01 08:59,ann@x.example\nC,2027-01-01 08:00,ann@x.example\n";
    let acts = "lead,at,kind\nC,2027-01-02 08:00,email\n";
    let v = run(AGING, leads, acts, "2027-01-15T09:00:00+01:00");
    let windows = &rule(&v, "uncontacted").windows;
    let ann = json(&windows[0]);
    assert_eq!(ann["group"], "ann@x.example");
    assert_eq!(
        ann["buckets"],
        serde_json::json!([{"label": "<1w", "count": 0}, {"label": "1w-2w", "count": 1}, {"label": ">=2w", "count": 2}])
    );
    assert_eq!(
        ann["counts"],
        serde_json::json!({"uncontacted": 3, "breaching": 1})
    );
    assert_eq!(ann["breaches"][0]["lead"], "OLD");
    let bob = json(&windows[1]);
    assert_eq!(
        (bob["group"].as_str(), bob["status"].as_str()),
        (Some("bob@x.example"), Some("no_data"))
    );
}

#[test]
fn an_open_quota_window_reports_what_is_expected_to_date() {
    let rules = r#"
  quota "volume" {
    owner marketing
    count >= 31 per month
  }
"#;
    let leads: String = std::iter::once("id,handed_off_at\n".to_owned())
        .chain((0..10).map(|i| format!("L{i},2027-03-0{} 09:00\n", 1 + i % 9)))
        .collect();
    let v = run(rules, &leads, "lead,at,kind\n", "2027-03-11T00:00:00+01:00");
    let w = json(window(&v, "volume", "2027-03"));
    assert_eq!(w["state"], "open");
    assert_eq!(w["expected_to_date"], 10.0);
    assert_eq!(w["observed"], 10.0);
    assert_eq!(w["status"], "on_track");
    let feb = json(window(&v, "volume", "2027-02"));
    assert_eq!(
        (feb["status"].as_str(), feb["target"].as_f64()),
        (Some("missed"), Some(31.0))
    );
    assert!(
        v.rules[0]
            .windows
            .iter()
            .all(|w| w.window.as_str() <= "2027-03"),
        "no window after as-of"
    );
}

#[test]
fn bad_rows_are_issues_and_the_counts_add_up() {
    let leads = "id,handed_off_at\nA,2027-01-04 09:00\nB,yesterday\nA,2027-01-05 09:00\n";
    let acts = "lead,at,kind\nA,2027-01-04 09:30,call\nZ,2027-01-04 09:30,call\nA,2027-13-01 09:30,call\nB,2027-01-04 09:30,call\n";
    let v = run(RESPONSE, leads, acts, "2027-02-01T00:00:00+01:00");
    let issues: Vec<(String, u64)> = v
        .issues
        .iter()
        .map(|i| (i.file.rsplit('/').next().unwrap().to_owned(), i.line))
        .collect();
    assert_eq!(
        issues,
        [
            ("leads.csv".to_owned(), 3),
            ("leads.csv".to_owned(), 4),
            ("activities.csv".to_owned(), 3),
            ("activities.csv".to_owned(), 4),
            ("activities.csv".to_owned(), 5),
        ]
    );
    assert_eq!((v.data.leads, v.data.activities, v.data.issues), (1, 1, 5));
    // --strict turns them into a failure to run.
    let p = project(RESPONSE, leads, acts);
    let strict = Options {
        strict: true,
        ..options("2027-02-01T00:00:00+01:00")
    };
    assert!(matches!(
        evaluate(&p, strict),
        Err(RunError::Strict { count: 5, .. })
    ));
}

#[test]
fn a_field_the_agreement_uses_but_the_header_lacks_is_fatal() {
    let rules = r#"
  quota "by persona" {
    owner marketing
    leads persona is "CEO"
    count >= 1 per month
  }
"#;
    let p = project(
        rules,
        "id,handed_off_at\nA,2027-01-04 09:00\n",
        "lead,at,kind\n",
    );
    let err = evaluate(&p, options("2027-02-01T00:00:00+01:00"))
        .err()
        .unwrap();
    let text = err.to_string();
    assert!(
        text.contains("by persona") && text.contains("persona"),
        "{text}"
    );
}

#[test]
fn windows_with_nothing_decided_are_no_data_when_closed_and_on_track_when_open() {
    // Tuesday 17:29: the hour of office time runs until Wednesday 10:29.
    let leads = "id,handed_off_at\nT,2027-02-09 17:29\n";
    let v = run(
        RESPONSE,
        leads,
        "lead,at,kind\n",
        "2027-02-10T00:00:00+01:00",
    );
    let status = |v: &Verdict, label: &str| json(window(v, "speed", label))["status"].clone();
    assert_eq!(status(&v, "2027-01"), "no_data", "closed, no leads");
    assert_eq!(
        status(&v, "2027-02"),
        "on_track",
        "open, its lead undecided"
    );
    let v = run(
        RESPONSE,
        leads,
        "lead,at,kind\n",
        "2027-03-05T00:00:00+01:00",
    );
    assert_eq!(status(&v, "2027-02"), "missed");
    assert_eq!(status(&v, "2027-03"), "on_track", "open, no leads yet");
}

#[test]
fn a_value_without_a_weight_is_one_issue_however_many_quotas_meet_it() {
    let rules = r#"
  weights persona {
    "CEO" 100
  }
  quota "value a" {
    owner marketing
    value >= 10 per month
  }
  quota "value b" {
    owner marketing
    value >= 20 per month
  }
"#;
    let leads = "id,handed_off_at,persona\nA,2027-01-04 09:00,CEO\nB,2027-01-04 09:00,Intern\nC,2027-01-05 09:00,Intern\n";
    let v = run(rules, leads, "lead,at,kind\n", "2027-02-01T00:00:00+01:00");
    let messages: Vec<&str> = v.issues.iter().map(|i| i.message.as_str()).collect();
    assert_eq!(
        messages,
        ["persona \"Intern\" has no weight and `weights persona` has no `otherwise`; it weighs 0"]
    );
    assert_eq!(
        (v.issues[0].line, v.issues[0].column.as_deref()),
        (3, Some("persona"))
    );
    assert_eq!(json(window(&v, "value a", "2027-01"))["observed"], 100.0);
}

#[test]
fn an_activity_field_compared_as_a_number_counts_only_what_it_holds() {
    let rules = r#"  attempts "talks" {
    owner sales
    leads source is "web"
    count call and talk >= 30
    between 2 and 3 within 14d otherwise
    target 100% each month
  }
"#;
    let leads = "id,handed_off_at,source\nA,2027-01-04 09:00,web\nB,2027-01-04 09:00,web\n";
    // A: two calls of at least 30 s (and one shorter); B: one, and a call
    // whose talk time is blank, and an email that talked long.
    let acts = "lead,at,kind,duration,talk\n\
                A,2027-01-04 10:00,call,10,10\n\
                A,2027-01-05 10:00,call,40,40\n\
                A,2027-01-06 10:00,call,30,30\n\
                B,2027-01-04 10:00,call,60,60\n\
                B,2027-01-05 10:00,call,60,\n\
                B,2027-01-06 10:00,email,0,90\n";
    let v = run(rules, leads, acts, "2027-02-01T00:00:00+01:00");
    let w = window(&v, "talks", "2027-01");
    let reasons = breaches(w);
    assert_eq!(
        reasons,
        [(
            "B".to_owned(),
            "1 attempt within 14d, at least 2 expected".to_owned()
        )]
    );
    assert_eq!(
        json(w)["counts"]["met"],
        1,
        "A made two calls of 30 s or more"
    );
}

/// LANGUAGE.md §12: `is`, `in` and weights rows compare blank literals
/// exactly; `is empty` takes every blank value.
#[test]
fn blank_literals_compare_exactly_and_is_empty_takes_every_blank() {
    let rules = r#"
  weights status {
    ""   1
    "  " 10
  }
  quota "one space" {
    owner marketing
    leads status is " "
    count >= 1 per month
  }
  quota "empty in" {
    owner marketing
    leads status in ("")
    count >= 1 per month
  }
  quota "not one space" {
    owner marketing
    leads status is not " "
    count >= 1 per month
  }
  quota "blank" {
    owner marketing
    leads status is empty
    count >= 1 per month
  }
  quota "weighed" {
    owner marketing
    value >= 1 per month
  }
"#;
    let leads = "id,handed_off_at,status\n\
                 E,2027-01-04 09:00,\n\
                 S1,2027-01-04 09:00,\" \"\n\
                 S2,2027-01-04 09:00,\"  \"\n\
                 X,2027-01-04 09:00,open\n";
    let v = run(rules, leads, "lead,at,kind\n", "2027-02-01T00:00:00+01:00");
    let observed = |name| json(window(&v, name, "2027-01"))["observed"].clone();
    assert_eq!(observed("one space"), 1.0, "only S1");
    assert_eq!(observed("empty in"), 1.0, "only E");
    assert_eq!(observed("not one space"), 3.0);
    assert_eq!(observed("blank"), 3.0, "E, S1 and S2");
    assert_eq!(observed("weighed"), 11.0, "E weighs 1, S2 10, S1 nothing");
    let messages: Vec<&str> = v.issues.iter().map(|i| i.message.as_str()).collect();
    assert!(
        messages.contains(
            &"status \" \" has no weight and `weights status` has no `otherwise`; it weighs 0"
        ),
        "{messages:?}"
    );
}

/// LANGUAGE.md §12: every blank value of the `per` field is one group,
/// `""`, whatever its white space.
#[test]
fn blank_values_of_the_per_field_are_one_group() {
    let rules = r#"
  response "speed" {
    owner sales
    first touch
    within 1h on office otherwise
    target 100% each month per owner
  }
"#;
    let leads = "id,handed_off_at,owner\n\
                 E,2027-01-04 09:00,\n\
                 S,2027-01-04 09:00,\" \"\n\
                 A,2027-01-04 09:00,ann@x.example\n";
    let v = run(rules, leads, "lead,at,kind\n", "2027-02-01T00:00:00+01:00");
    let groups: Vec<String> = rule(&v, "speed")
        .windows
        .iter()
        .filter(|w| w.window == "2027-01")
        .map(|w| json(w)["group"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(groups, ["", "ann@x.example", "bob@x.example"]);
}

/// LANGUAGE.md §12: a number in the data is digits with an optional
/// decimal part; anything else fails every numeric comparison.
#[test]
fn only_digits_and_a_decimal_part_are_numbers_in_the_data() {
    let rules = r#"
  quota "scored" {
    owner marketing
    leads score >= 0
    count >= 1 per month
  }
"#;
    let mut leads = "id,handed_off_at,score\n".to_owned();
    for (i, score) in [
        "42", "90.5", "+50", "-5", "1e3", ".5", "50.", "1_000", "1,5",
    ]
    .iter()
    .enumerate()
    {
        leads.push_str(&format!("L{i},2027-01-04 09:00,\"{score}\"\n"));
    }
    let v = run(rules, &leads, "lead,at,kind\n", "2027-02-01T00:00:00+01:00");
    assert_eq!(
        json(window(&v, "scored", "2027-01"))["observed"],
        2.0,
        "42 and 90.5"
    );
}

/// LANGUAGE.md §12: in a percentage rule, a group with no leads in a
/// window is `no_data` there, open or closed, member or not.
#[test]
fn a_group_without_leads_in_an_open_window_is_no_data_member_or_not() {
    let rules = r#"
  response "speed" {
    owner sales
    first touch
    within 1h on office otherwise
    target 100% each month per owner
  }
"#;
    // zed is no member of sales; its one lead is in January.
    let leads = "id,handed_off_at,owner\nZ,2027-01-04 09:00,zed@x.example\n";
    let v = run(rules, leads, "lead,at,kind\n", "2027-02-10T00:00:00+01:00");
    let status = |label: &str, group: &str| {
        let w = rule(&v, "speed")
            .windows
            .iter()
            .find(|w| w.window == label && json(w)["group"] == group)
            .unwrap();
        (json(w)["state"].clone(), json(w)["status"].clone())
    };
    assert_eq!(
        status("2027-01", "zed@x.example"),
        ("closed".into(), "missed".into())
    );
    assert_eq!(
        status("2027-02", "zed@x.example"),
        ("open".into(), "no_data".into())
    );
    assert_eq!(
        status("2027-02", "ann@x.example"),
        ("open".into(), "no_data".into())
    );
}
