//! `accord due`: time left and deadlines at the boundaries, agreement with
//! `eval` and `explain` on every lead (the sample and 10,000 generated
//! leads), the chat payloads' shapes, and `--post` against a local server.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use accord::data::Config;
use accord::eval::due::{Agenda, Due};
use accord::eval::run::{due, evaluate, explain, Options};
use accord::project::{Overrides, Project};
use serde_json::Value;

const HEAD: &str = r#"agreement "Due" {
  effective 2027-01-01 to 2027-12-31
  timezone  "Europe/Amsterdam"
  calendar office {
    hours  mon-fri 09:00-12:30, 13:00-17:30
    closed 2027-04-27
  }
  team sales { lead "s@x.example" members "ann@x.example" }
  term touch means kind in ("call", "email")
  term call  means kind is "call"
"#;

fn project(dir: &Path, rules: &str, leads: &str, activities: &str) -> Project {
    std::fs::write(dir.join("a.sla"), format!("{HEAD}{rules}}}\n")).unwrap();
    std::fs::write(dir.join("leads.csv"), leads).unwrap();
    std::fs::write(dir.join("activities.csv"), activities).unwrap();
    Project {
        config: Config::default(),
        agreement: dir.join("a.sla"),
        leads: dir.join("leads.csv"),
        activities: vec![dir.join("activities.csv")],
    }
}

fn options(as_of: &str) -> Options<'static> {
    Options {
        as_of: Some(as_of.to_owned()),
        ..Options::default()
    }
}

fn items_at(project: &Project, as_of: &str) -> Vec<Due> {
    due(project, options(as_of)).unwrap().items
}

const SPEED: &str = r#"
  response "Speed" {
    owner sales
    first touch
    within 1h on office otherwise
    warn at 80%
  }
"#;

/// Handed off Friday 8 January 2027 at 17:20: 10 minutes of office time
/// that evening, 50 on Monday: due Monday 09:50.
#[test]
fn office_time_left_across_a_weekend_and_the_deadline_inclusive() {
    let dir = common::temp_dir("due", "weekend");
    let p = project(
        &dir,
        SPEED,
        "id,handed_off_at\nL1,2027-01-08T17:20:00+01:00\n",
        "lead,at,kind\n",
    );
    let one = |as_of: &str| {
        let items = items_at(&p, as_of);
        assert_eq!(items.len(), 1, "{as_of}");
        items[0].clone()
    };
    for as_of in [
        "2027-01-08T17:30:00+01:00",
        "2027-01-09T12:00:00+01:00",
        "2027-01-11T08:59:59+01:00",
    ] {
        let d = one(as_of);
        assert_eq!(d.left_s, 50 * 60, "{as_of}");
        assert_eq!(d.deadline, "2027-01-11T09:50:00+01:00");
        assert!(!d.overdue && !d.due_soon, "{as_of}");
    }
    // 48 minutes of the hour used at Monday 09:38: due soon.
    assert!(!one("2027-01-11T09:37:59+01:00").due_soon);
    assert!(one("2027-01-11T09:38:00+01:00").due_soon);
    let at = one("2027-01-11T09:50:00+01:00");
    assert_eq!((at.left_s, at.overdue, at.due_soon), (0, false, true));
    let after = one("2027-01-11T09:50:01+01:00");
    assert_eq!(
        (after.left_s, after.overdue, after.due_soon),
        (-1, true, false)
    );
    assert_eq!(after.needs, "first touch");
    assert_eq!(after.owner, "sales");
}

/// Monday 26 April 17:00: 30 minutes that day, King's Day (27 April)
/// closed, 30 minutes on Wednesday: due Wednesday 09:30.
#[test]
fn a_closed_day_stops_the_clock() {
    let dir = common::temp_dir("due", "holiday");
    let p = project(
        &dir,
        SPEED,
        "id,handed_off_at\nL1,2027-04-26T17:00:00+02:00\n",
        "lead,at,kind\n",
    );
    let d = &items_at(&p, "2027-04-27T14:00:00+02:00")[0];
    assert_eq!(d.deadline, "2027-04-28T09:30:00+02:00");
    assert_eq!(d.left_s, 30 * 60);
    // A touch on the closed day, before the deadline: nothing due.
    let touched = project(
        &dir,
        SPEED,
        "id,handed_off_at\nL1,2027-04-26T17:00:00+02:00\n",
        "lead,at,kind\nL1,2027-04-27T10:00:00+02:00,call\n",
    );
    assert!(items_at(&touched, "2027-04-27T14:00:00+02:00").is_empty());
}

/// Wall-clock days across the spring switch (28 March 2027): `1d` from
/// Saturday 12:00 ends Sunday 12:00, 23 hours on; aging's `breach after`
/// the same.
#[test]
fn calendar_days_across_daylight_saving() {
    let dir = common::temp_dir("due", "dst");
    let rules = r#"
  response "Day" {
    owner sales
    first touch
    within 1d otherwise
  }
  aging "Aging" {
    owner sales
    contact touch
    buckets 1d
    breach after 1d
    warn at 50%
  }
"#;
    let p = project(
        &dir,
        rules,
        "id,handed_off_at\nL1,2027-03-27T12:00:00+01:00\n",
        "lead,at,kind\n",
    );
    let items = items_at(&p, "2027-03-28T00:00:00+01:00");
    assert_eq!(items.len(), 2);
    for d in &items {
        assert_eq!(d.deadline, "2027-03-28T12:00:00+02:00", "{}", d.rule);
        // Midnight (+01:00) to noon (+02:00): 11 hours.
        assert_eq!(d.left_s, 11 * 3600, "{}", d.rule);
    }
    // 11.5 of 23 hours used: the aging rule warns at 50%.
    assert!(items.iter().any(|d| d.rule == "Aging" && d.due_soon));
    let at = items_at(&p, "2027-03-28T12:00:00+02:00");
    assert!(at.iter().all(|d| d.left_s == 0 && !d.overdue));
    let after = items_at(&p, "2027-03-28T12:00:01+02:00");
    assert!(after.iter().all(|d| d.left_s == -1 && d.overdue));
}

/// Attempts: calls short of the minimum while open; overdue when the span
/// ended short; nothing once the minimum is reached. A late touch is
/// missed but not overdue.
#[test]
fn what_each_lead_still_needs() {
    let dir = common::temp_dir("due", "needs");
    let rules = r#"
  response "Speed" {
    owner sales
    first touch
    within 1h otherwise
  }
  attempts "Depth" {
    owner sales
    count call
    between 3 and 6 within 2d otherwise
    target 90% each month per owner
  }
"#;
    let p = project(
        &dir,
        rules,
        "id,handed_off_at,owner\n\
         L1,2027-02-01T09:00:00+01:00,ann@x.example\n\
         L2,2027-02-01T09:00:00+01:00,ann@x.example\n\
         L3,2027-02-01T09:00:00+01:00,ann@x.example\n",
        "lead,at,kind\n\
         L1,2027-02-01T09:30:00+01:00,call\n\
         L2,2027-02-01T11:00:00+01:00,call\n\
         L2,2027-02-01T12:00:00+01:00,call\n\
         L2,2027-02-01T13:00:00+01:00,call\n",
    );
    let list = |as_of| {
        items_at(&p, as_of)
            .into_iter()
            .map(|d| (d.rule, d.lead, d.needs, d.overdue, d.owner))
            .collect::<BTreeSet<_>>()
    };
    let ann = || "ann@x.example".to_owned();
    let s = |x: &str| x.to_owned();
    assert_eq!(
        list("2027-02-01T14:00:00+01:00"),
        BTreeSet::from([
            (s("Depth"), s("L1"), s("2 more calls"), false, ann()),
            (s("Depth"), s("L3"), s("3 more calls"), false, ann()),
            (s("Speed"), s("L3"), s("first touch"), true, s("sales")),
        ])
    );
    // L2 was touched late (11:00): missed, not overdue. After the span,
    // L1 and L3 are overdue, L2 had its three calls.
    assert_eq!(
        list("2027-02-04T00:00:00+01:00"),
        BTreeSet::from([
            (s("Depth"), s("L1"), s("2 more calls"), true, ann()),
            (s("Depth"), s("L3"), s("3 more calls"), true, ann()),
            (s("Speed"), s("L3"), s("first touch"), true, s("sales")),
        ])
    );
}

// ------------------------------------------------------------ equivalence

/// Whether a missed lead's reason says the action is still undone (no
/// touch, too few attempts, no hand-over, missing fields, uncontacted)
/// rather than done late or overdone.
fn undone(reason: &str) -> bool {
    reason.starts_with("no touch within")
        || reason.contains("expected")
        || reason.starts_with("nothing handed over")
        || reason.starts_with("missing at handoff")
        || reason.starts_with("uncontacted for")
}

/// `due` against `eval` for every lead: the overdue items are exactly the
/// missed leads whose action is undone, and the open items exactly the
/// open leads still waiting (all of them, except attempts leads that have
/// their minimum).
fn agrees_with_eval(project: &Project, as_of: Option<&str>) -> Agenda {
    let opts = || Options {
        as_of: as_of.map(str::to_owned),
        ..Options::default()
    };
    let agenda = due(project, opts()).unwrap();
    let verdict = evaluate(project, opts()).unwrap().verdict;
    assert!(!agenda.items.is_empty());
    for rule in &verdict.rules {
        let mine: Vec<&Due> = agenda
            .items
            .iter()
            .filter(|d| d.rule == rule.name)
            .collect();
        let overdue: BTreeSet<&str> = mine
            .iter()
            .filter(|d| d.overdue)
            .map(|d| d.lead.as_str())
            .collect();
        let undone_breaches: BTreeSet<&str> = rule
            .windows
            .iter()
            .flat_map(|w| &w.breaches)
            .filter(|b| undone(&b.reason))
            .map(|b| b.lead.as_str())
            .collect();
        assert_eq!(overdue, undone_breaches, "{}: overdue", rule.name);
        let open = mine.iter().filter(|d| !d.overdue).count() as u64;
        let counts: Vec<Value> = rule
            .windows
            .iter()
            .map(|w| serde_json::to_value(&w.counts).unwrap())
            .collect();
        let sum = |f: &str| {
            counts
                .iter()
                .map(|c| c[f].as_u64().unwrap_or(0))
                .sum::<u64>()
        };
        match rule.kind {
            "response" => assert_eq!(open, sum("open"), "{}: open", rule.name),
            "attempts" => assert!(open <= sum("open"), "{}: open", rule.name),
            "aging" => assert_eq!(
                open,
                sum("uncontacted") - sum("breaching"),
                "{}: open",
                rule.name
            ),
            "duty" => assert_eq!(open, sum("open"), "{}: open", rule.name),
            _ => assert_eq!(open + overdue.len() as u64, 0, "{}", rule.name),
        }
    }
    agenda
}

/// `due` against `explain`, lead by lead: the same deadline, open items are
/// `open`, overdue ones `missed`; and every open response, duty or aging
/// judgement, and every open attempts judgement short of its minimum, is
/// listed.
fn agrees_with_explain(project: &Project, as_of: Option<&str>, agenda: &Agenda, leads: &[String]) {
    let mut by_lead: BTreeMap<(&str, &str), &Due> = BTreeMap::new();
    for d in &agenda.items {
        assert!(
            by_lead.insert((&d.lead, &d.rule), d).is_none(),
            "twice: {d:?}"
        );
    }
    let opts = Options {
        as_of: as_of.map(str::to_owned),
        ..Options::default()
    };
    for lead in leads {
        let e = explain(project, clone(&opts), lead).unwrap();
        for r in &e.rules {
            let deadline = r
                .steps
                .iter()
                .rev()
                .find_map(|s| s.strip_prefix("deadline: "));
            match by_lead.get(&(lead.as_str(), r.rule.as_str())) {
                Some(d) => {
                    assert_eq!(Some(d.deadline.as_str()), deadline, "{lead} {}", r.rule);
                    let expected = if d.overdue { "missed" } else { "open" };
                    assert_eq!(r.outcome, expected, "{lead} {}", r.rule);
                }
                None if r.outcome == "open" => {
                    // Only an attempts lead with its minimum reached waits for nothing.
                    assert_eq!(r.kind, "attempts", "{lead} {} open but not due", r.rule);
                    let counted = r.steps.iter().filter(|s| s.contains("): attempt ")).count();
                    let clause = r
                        .steps
                        .iter()
                        .find_map(|s| s.strip_prefix("clause that applies: `"))
                        .unwrap();
                    let min: usize = clause
                        .split_whitespace()
                        .find_map(|w| w.parse().ok())
                        .filter(|_| !clause.starts_with("at most"))
                        .unwrap_or(0);
                    assert!(counted >= min, "{lead} {}: {counted} of {min}", r.rule);
                }
                None => {}
            }
        }
    }
}

fn clone(o: &Options<'_>) -> Options<'static> {
    Options {
        as_of: o.as_of.clone(),
        ..Options::default()
    }
}

fn lead_ids(path: &Path) -> Vec<String> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|r| r.unwrap()[0].to_owned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[test]
fn due_agrees_with_eval_and_explain_on_the_sample_for_every_lead() {
    let project = accord::project::resolve(&Overrides::default()).unwrap();
    let agenda = agrees_with_eval(&project, None);
    let leads = lead_ids(&project.leads);
    assert!(leads.len() >= 400);
    agrees_with_explain(&project, None, &agenda, &leads);
}

/// A small deterministic generator (xorshift): 10,000 leads over the
/// sample agreement's range, handed off around the clock, each with a few
/// calls, e-mails and feedback at random delays; some never touched.
fn generate(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |m: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    };
    let owners = ["ann", "bob", "carla", "dave"];
    let personas = ["CEO", "Director", "Manager", "Engineer"];
    let start = chrono::DateTime::parse_from_rfc3339("2027-01-01T00:00:00+01:00").unwrap();
    let span = 104 * 86_400;
    let mut leads =
        String::from("id,handed_off_at,source,email,phone,company,persona,offer,owner\n");
    let mut activities = String::from("lead,at,kind,duration,outcome,status\n");
    for i in 0..n {
        let id = format!("G{i:06}");
        let handoff = start + chrono::TimeDelta::seconds(next(span) as i64);
        let owner = owners[next(4) as usize];
        let phone = if next(10) == 0 { "" } else { "+31 6 1234" };
        let company = if next(20) == 0 { "" } else { "Acme" };
        leads.push_str(&format!(
            "{id},{},marketing,x{i}@acme.example,{phone},{company},{},webinar,{owner}@northwind.example\n",
            handoff.to_rfc3339(),
            personas[next(4) as usize]
        ));
        if next(12) == 0 {
            continue;
        }
        let mut at = handoff;
        for _ in 0..next(9) {
            at += chrono::TimeDelta::seconds(next(3 * 86_400) as i64 + 60);
            let (kind, outcome) = match next(4) {
                0 => ("email", ""),
                1 => ("call", "connected"),
                _ => ("call", "no answer"),
            };
            activities.push_str(&format!(
                "{id},{},{kind},{},{outcome},\n",
                at.to_rfc3339(),
                next(600)
            ));
        }
        if next(3) > 0 {
            at += chrono::TimeDelta::seconds(next(9 * 86_400) as i64);
            activities.push_str(&format!("{id},{},feedback,,,qualified\n", at.to_rfc3339()));
        }
    }
    let (l, a) = (dir.join("leads.csv"), dir.join("activities.csv"));
    std::fs::write(&l, leads).unwrap();
    std::fs::write(&a, activities).unwrap();
    (l, a)
}

#[test]
fn due_agrees_with_eval_and_explain_on_10k_generated_leads() {
    let dir = common::temp_dir("due", "generated");
    let (leads, activities) = generate(&dir, 10_000);
    let text = std::fs::read_to_string(common::root().join("rules/b2b-inbound.sla"))
        .unwrap()
        .replace(
            "target 95% each month per owner",
            "target 95% each month per owner\n    warn at 80%",
        )
        .replace(
            "provide status by feedback",
            "provide status by feedback\n    warn at 50%",
        );
    std::fs::write(dir.join("a.sla"), text).unwrap();
    let project = Project {
        config: Config::default(),
        agreement: dir.join("a.sla"),
        leads,
        activities: vec![activities],
    };
    let as_of = Some("2027-04-14T11:00:00+02:00");
    let agenda = agrees_with_eval(&project, as_of);
    assert!(agenda.items.iter().any(|d| d.due_soon));
    assert!(agenda.items.iter().any(|d| !d.overdue && !d.due_soon));
    // `explain` reads every activity for one lead: every 50th lead, and
    // every lead with an open item.
    let mut sample: BTreeSet<String> = lead_ids(&project.leads).into_iter().step_by(50).collect();
    sample.extend(
        agenda
            .items
            .iter()
            .filter(|d| !d.overdue)
            .take(150)
            .map(|d| d.lead.clone()),
    );
    let sample: Vec<String> = sample.into_iter().collect();
    agrees_with_explain(&project, as_of, &agenda, &sample);
}

// ------------------------------------------------------------ the command

#[test]
fn due_on_the_sample_in_every_format() {
    let (human, _, code) = common::run(&["due"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("due_sample_human", human);
    let (json, _, _) = common::run(&["due", "--format", "json"]);
    let items: Vec<Value> = serde_json::from_str(&json).unwrap();
    assert!(!items.is_empty());
    for item in &items {
        for field in [
            "rule", "kind", "lead", "owner", "deadline", "left_s", "overdue", "needs",
        ] {
            assert!(item.get(field).is_some(), "{field} in {item}");
        }
    }
    // Open first, soonest deadline first; overdue after.
    let firsts: Vec<bool> = items
        .iter()
        .map(|i| i["overdue"].as_bool().unwrap())
        .collect();
    assert!(firsts.windows(2).all(|w| w[0] <= w[1]));
    let (csv_text, _, _) = common::run(&["due", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(reader.records().count(), items.len());
    let (md, _, _) = common::run(&["due", "--format", "markdown", "--no-overdue"]);
    insta::assert_snapshot!("due_sample_markdown_no_overdue", md);
    let (within, _, _) =
        common::run(&["due", "--format", "json", "--within", "2d", "--no-overdue"]);
    let within: Vec<Value> = serde_json::from_str(&within).unwrap();
    assert!(!within.is_empty());
    assert!(within
        .iter()
        .all(|i| i["left_s"].as_i64().unwrap() <= 2 * 86_400));
    let (ann, _, _) = common::run(&[
        "due",
        "--format",
        "json",
        "--owner",
        "ann@northwind.example",
        "--rule",
        "Call depth",
    ]);
    let ann: Vec<Value> = serde_json::from_str(&ann).unwrap();
    assert!(!ann.is_empty());
    assert!(ann
        .iter()
        .all(|i| i["owner"] == "ann@northwind.example" && i["rule"] == "Call depth"));
    let (_, err, code) = common::run(&["due", "--within", "soon"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a duration"), "{err}");
}

fn many(n: usize) -> Agenda {
    let project = accord::project::resolve(&Overrides::default()).unwrap();
    let mut agenda = due(&project, Options::default()).unwrap();
    agenda.items.truncate(n);
    agenda
}

/// Slack: a header, context and sections with mrkdwn text of at most 3000
/// characters, at most 50 blocks, and a `text` fallback.
fn assert_slack_shape(v: &Value) {
    assert!(v["text"].as_str().is_some_and(|t| !t.is_empty()));
    let blocks = v["blocks"].as_array().unwrap();
    assert!(!blocks.is_empty() && blocks.len() <= 50);
    assert_eq!(blocks[0]["type"], "header");
    assert_eq!(blocks[0]["text"]["type"], "plain_text");
    assert!(blocks[0]["text"]["text"].as_str().unwrap().chars().count() <= 150);
    for b in blocks {
        match b["type"].as_str().unwrap() {
            "header" => {}
            "section" => {
                assert_eq!(b["text"]["type"], "mrkdwn");
                let text = b["text"]["text"].as_str().unwrap();
                assert!(!text.is_empty() && text.chars().count() <= 3000);
            }
            "context" => {
                let elements = b["elements"].as_array().unwrap();
                assert!(!elements.is_empty() && elements.len() <= 10);
                assert!(elements.iter().all(|e| e["type"] == "mrkdwn"));
            }
            other => panic!("unexpected block type {other}"),
        }
    }
}

/// Teams: a message whose one attachment is an Adaptive Card with a
/// version and a body of TextBlocks and FactSets.
fn assert_teams_shape(v: &Value) {
    assert_eq!(v["type"], "message");
    let attachments = v["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 1);
    let a = &attachments[0];
    assert_eq!(a["contentType"], "application/vnd.microsoft.card.adaptive");
    let card = &a["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    assert!(card["version"].as_str().is_some());
    assert_eq!(
        card["$schema"],
        "http://adaptivecards.io/schemas/adaptive-card.json"
    );
    let body = card["body"].as_array().unwrap();
    assert!(!body.is_empty());
    for element in body {
        match element["type"].as_str().unwrap() {
            "TextBlock" => assert!(element["text"].as_str().is_some()),
            "FactSet" => {
                for fact in element["facts"].as_array().unwrap() {
                    assert!(fact["title"].as_str().is_some() && fact["value"].as_str().is_some());
                }
            }
            other => panic!("unexpected element {other}"),
        }
    }
}

#[test]
fn slack_and_teams_payloads_have_their_documented_shape() {
    let small = many(8);
    let slack = accord::report::notify::slack(&small);
    let teams = accord::report::notify::teams(&small);
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap();
    insta::assert_snapshot!("due_slack", pretty(&slack));
    insta::assert_snapshot!("due_teams", pretty(&teams));
    insta::assert_snapshot!("due_text", accord::report::notify::text(&small));
    for agenda in [small, many(10_000)] {
        let slack = accord::report::notify::slack(&agenda);
        let teams = accord::report::notify::teams(&agenda);
        assert_slack_shape(&slack);
        assert_teams_shape(&teams);
        // Every item shown in the cards is in the text fallback too.
        let text = accord::report::notify::text(&agenda);
        assert_eq!(
            teams["attachments"][0]["content"]["fallbackText"],
            text.as_str()
        );
        let (groups, more) = accord::report::notify::grouped(&agenda.items);
        let shown: usize = groups.iter().map(|(_, items)| items.len()).sum();
        assert_eq!(shown + more, agenda.items.len());
        assert!(shown <= 50);
        for (owner, items) in &groups {
            assert!(text.contains(owner));
            for d in items {
                let line = accord::report::notify::line(d);
                assert!(text.contains(&line), "{line}");
                assert!(slack.to_string().contains(&d.lead), "{}", d.lead);
            }
        }
        if more > 0 {
            assert!(text.contains(&format!("…and {more} more")));
            let blocks = slack["blocks"].as_array().unwrap();
            let last = &blocks[blocks.len() - 1]["elements"][0]["text"];
            assert!(last.as_str().unwrap().contains(&format!("{more} more")));
        }
    }
}

// ------------------------------------------------------------ --post

/// One request as a local server saw it: the request line, headers and body.
struct Seen {
    head: String,
    body: String,
}

/// A server on 127.0.0.1 that answers one request with `status` and
/// `body` after `delay`, and hands what it received to the test.
fn server(status: u16, body: &'static str, delay: Duration) -> (String, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/services/T0/B0/secret",
        listener.local_addr().unwrap()
    );
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut head = String::new();
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(n) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = n.trim().parse().unwrap();
            }
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        let mut received = vec![0; length];
        reader.read_exact(&mut received).unwrap();
        let _ = tx.send(Seen {
            head,
            body: String::from_utf8(received).unwrap(),
        });
        std::thread::sleep(delay);
        let mut stream = stream;
        let _ = write!(
            stream,
            "HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    });
    (url, rx)
}

#[test]
fn post_sends_the_slack_message_as_json() {
    let (url, seen) = server(200, "ok", Duration::ZERO);
    let (out, err, code) = common::run(&["due", "--post", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("the webhook answered 200"), "{err}");
    let request = seen.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(
        request
            .head
            .starts_with("POST /services/T0/B0/secret HTTP/1.1"),
        "{}",
        request.head
    );
    assert!(
        request
            .head
            .to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{}",
        request.head
    );
    let body: Value = serde_json::from_str(&request.body).unwrap();
    assert_slack_shape(&body);
    let printed: Value =
        serde_json::from_str(&common::run(&["due", "--notify", "slack"]).0).unwrap();
    assert_eq!(body, printed);
}

#[test]
fn post_of_teams_and_text_messages() {
    let (url, seen) = server(202, "", Duration::ZERO);
    let (_, err, code) = common::run(&["due", "--notify", "teams", "--post", &url]);
    assert_eq!(code, 0, "{err}");
    let body: Value = serde_json::from_str(&seen.recv().unwrap().body).unwrap();
    assert_teams_shape(&body);
    let (url, seen) = server(200, "ok", Duration::ZERO);
    let (_, _, code) = common::run(&["due", "--notify", "text", "--post", &url]);
    assert_eq!(code, 0);
    let body: Value = serde_json::from_str(&seen.recv().unwrap().body).unwrap();
    let (text, _, _) = common::run(&["due", "--notify", "text"]);
    assert_eq!(body, serde_json::json!({ "text": text }));
}

#[test]
fn a_refusing_webhook_exits_2_with_its_status_and_answer() {
    let (url, _seen) = server(500, "invalid_payload", Duration::ZERO);
    let (_, err, code) = common::run(&["due", "--post", &url]);
    assert_eq!(code, 2);
    assert!(err.contains("accord::E161"), "{err}");
    assert!(err.contains("answered 500"), "{err}");
    assert!(err.contains("invalid_payload"), "{err}");
    // The webhook's path is its secret.
    assert!(!err.contains("secret"), "{err}");
}

#[test]
fn a_webhook_that_does_not_answer_in_time_exits_2() {
    let (url, _seen) = server(200, "ok", Duration::from_secs(5));
    let started = std::time::Instant::now();
    let out = common::accord()
        .env("ACCORD_POST_TIMEOUT_MS", "500")
        .args(["due", "--post", &url])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("accord::E160"), "{err}");
    assert!(
        err.contains("timeout") || err.contains("timed out"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn an_unreachable_webhook_exits_2() {
    // A port just freed: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let (_, err, code) = common::run(&["due", "--post", &url]);
    assert_eq!(code, 2);
    assert!(
        err.contains("accord::E160") && err.contains("127.0.0.1"),
        "{err}"
    );
}

#[test]
fn a_misspelt_rule_is_an_error_not_an_empty_list() {
    let out = common::accord()
        .args(["due", "--rule", "Speed to leed"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("accord::E126"), "{err}");
    assert!(err.contains("did you mean `Speed to lead`?"), "{err}");
    assert!(out.stdout.is_empty());
    // The right name lists that rule's items only.
    let out = common::accord()
        .args(["due", "--rule", "Speed to lead", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .skip(1)
            .all(|l| l.starts_with("Speed to lead,")),
        "{text}"
    );
}

#[test]
fn an_owner_with_no_item_is_said_on_stderr() {
    let out = common::accord()
        .args(["due", "--owner", "ann@northwind.exampel", "--format", "csv"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("no open or overdue item is `ann@northwind.exampel`'s; did you mean `ann@northwind.example`?"),
        "{err}"
    );
    let ann = common::accord()
        .args(["due", "--owner", "ann@northwind.example", "--format", "csv"])
        .output()
        .unwrap();
    assert!(String::from_utf8(ann.stderr).unwrap().is_empty());
    assert!(String::from_utf8(ann.stdout).unwrap().lines().count() > 1);
}
