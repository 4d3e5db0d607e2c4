//! Verdicts do not depend on the order of the activities file — by time,
//! as most CRMs export, shuffled, or by lead — nor on the number of threads
//! it is read and folded on (1, 2, 8): the verdict document is the same,
//! byte for byte. Folding sorts each batch by lead and every part folds
//! into the same states (`eval::gather`), so this holds the sort, the
//! batches and the tie-breaks of parts folding in any order to one pass.
//!
//! The one thing the order may change is which of a lead's activities at
//! the very same instant comes first in the file, which the language
//! defines as the tie-break: every order below keeps such rows as they
//! were. (Which part folds first varies from run to run, so ties split
//! between parts are held to file order by the rules' own tests:
//! `attempts::kept_lists_are_the_earliest_in_time_then_file_order` and
//! `duty::the_first_incomplete_hand_over_in_the_file_wins_a_tie_whatever_the_order_folded`.)
//! And a data issue of the activities file names its line, and
//! issues are listed in file order: those lines are left out, and the
//! issues compared as a set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use accord::data::{Config, Split};
use accord::project::Project;
use chrono::DateTime;

const AS_OF: &str = "2027-04-15T12:00:00+02:00";

#[derive(Debug, Clone, Copy)]
enum Order {
    Time,
    Shuffled,
    Lead,
}

const ORDERS: [Order; 3] = [Order::Time, Order::Shuffled, Order::Lead];
/// Threads of the pool, and parts the file is read in: 1, 2 and 8 of
/// each; and one part on a pool of 64, whose batches are the smallest
/// (`eval::gather::batch_rows`), so that one part folds many of them.
const THREADS: [(usize, usize); 4] = [(1, 1), (2, 2), (8, 8), (64, 1)];

/// The rows of a CSV text without quotes, in `order`: stable sorts of the
/// rows as given, so that a lead's rows at one instant keep their order.
/// A time no RFC 3339 parse reads (a bad row) sorts first.
fn reordered(text: &str, order: Order) -> String {
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(!text.contains('"'), "rows split at commas");
    let columns: Vec<&str> = header.split(',').collect();
    let at = columns.iter().position(|c| *c == "at").unwrap();
    let lead = columns.iter().position(|c| *c == "lead").unwrap();
    // Each row's lead and time, and the row.
    let mut rows: Vec<(&str, &str, &str)> = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or_default();
            (cell(lead), cell(at), l)
        })
        .collect();
    match order {
        Order::Time => {
            rows.sort_by_key(|(_, at, _)| DateTime::parse_from_rfc3339(at).ok());
        }
        Order::Lead => rows.sort_by_key(|(lead, _, _)| lead.to_string()),
        Order::Shuffled => {
            // A key per lead and instant, from a hash of both: rows land
            // far from their neighbours, ties stay together and in order.
            let key = |lead: &str, at: &str| {
                let text = format!("{lead}|{at}");
                text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
                })
            };
            rows.sort_by_key(|(lead, at, _)| key(lead, at));
        }
    }
    let mut out = format!("{header}\n");
    for (_, _, line) in rows {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The verdict document on a pool of `threads` threads, the file read in
/// `parts` parts (as small as a byte allows, so that cuts land anywhere).
fn document(project: &Project, (threads, parts): (usize, usize)) -> String {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let split = Split {
        threads: parts,
        min_bytes: 1,
    };
    pool.install(|| common::verdict_document(project, AS_OF, split))
}

/// The document with the activities file's issues without their lines,
/// in an order of their own (see the module's comment).
fn without_activity_lines(doc: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(doc).unwrap();
    if let Some(issues) = value.get_mut("issues").and_then(|i| i.as_array_mut()) {
        for issue in issues.iter_mut() {
            let file = issue["file"].as_str().unwrap_or_default().to_owned();
            if file.contains("/by ") {
                issue.as_object_mut().unwrap().remove("line");
                issue["file"] = "activities".into();
            }
        }
        issues.sort_by_key(|i| i.to_string());
    }
    serde_json::to_string_pretty(&value).unwrap()
}

/// Every order on every number of threads gives the first's document.
fn assert_same_everywhere(dir: &Path, agreement: &Path, leads: &Path, activities: &str) -> String {
    let mut first: Option<String> = None;
    for order in ORDERS {
        let path = dir.join(format!("by {order:?}.csv"));
        std::fs::write(&path, reordered(activities, order)).unwrap();
        let project = Project {
            config: Config::default(),
            agreement: agreement.to_path_buf(),
            leads: leads.to_path_buf(),
            activities: vec![path],
        };
        for threads in THREADS {
            let doc = without_activity_lines(&document(&project, threads));
            match &first {
                None => first = Some(doc),
                Some(one) => assert!(
                    doc == *one,
                    "{} by {order:?} on {threads:?} (threads, parts) differs",
                    agreement.display()
                ),
            }
        }
    }
    first.unwrap()
}

/// The generator's sample export (`rules/data`, `examples/generate.rs`)
/// under both agreements that use all five rule kinds.
#[test]
fn the_generated_sample_in_every_order_and_on_any_number_of_threads() {
    let dir = common::temp_dir("order", "sample");
    let root = common::root();
    let activities = std::fs::read_to_string(root.join("rules/data/activities.csv")).unwrap();
    for agreement in ["rules/b2b-inbound.sla", "benches/e2e.sla"] {
        let one = assert_same_everywhere(
            &dir,
            &root.join(agreement),
            &root.join("rules/data/leads.csv"),
            &activities,
        );
        for kind in ["quota", "response", "attempts", "duty", "aging"] {
            assert!(one.contains(&format!("\"kind\": \"{kind}\"")), "{kind}");
        }
        assert!(one.contains("\"breaches\""), "a verdict with substance");
    }
}

const AGREEMENT: &str = r#"agreement "Orders" {
  effective 2027-01-01 to 2027-12-31
  timezone  "Europe/Amsterdam"
  team marketing { lead "m@x.example" }
  team sales {
    lead    "s@x.example"
    members "a@x.example", "b@x.example", "c@x.example"
  }
  term touch    means kind in ("call", "email")
  term call     means kind is "call"
  term feedback means kind is "feedback"
  quota "Volume" {
    owner marketing
    count >= 1_000 per month
  }
  response "Speed" {
    owner sales
    first touch
    within 1h otherwise
    target 90% each month per owner
  }
  attempts "Depth" {
    owner sales
    count call
    between 2 and 4 within 14d otherwise
    until outcome is "connected"
    target 80% each month per owner
  }
  duty "Feedback" {
    from sales to marketing
    within 2d after first call
    provide outcome, status by feedback
  }
  duty "Dossier" {
    from marketing to sales
    at handoff
    provide email
  }
  aging "Uncontacted" {
    owner   sales
    contact touch
    buckets 3d, 1w, 2w
    breach after 10d
    per owner
  }
}
"#;

/// Leads and activities enough for several batches of the fold (five or
/// more of the smallest, see [`THREADS`]), with ties at one instant that decide
/// outcomes: a connecting call and another at the same minute, and
/// incomplete hand-overs at the same minute lacking different fields.
fn synthetic(dir: &Path) -> (PathBuf, PathBuf, String) {
    const LEADS: usize = 20_000;
    let owners = ["a@x.example", "b@x.example", "c@x.example"];
    let mut leads = "id,handed_off_at,owner,email\n".to_owned();
    let mut rows = Vec::new();
    for i in 0..LEADS {
        let (month, day) = (1 + i % 3, 1 + (i / 3) % 28);
        let email = if i % 11 == 0 { "" } else { "x@y.example" };
        leads.push_str(&format!(
            "L{i},2027-{month:02}-{day:02}T09:00:00+01:00,{},{email}\n",
            owners.get(i % 3).unwrap()
        ));
        if i % 13 == 0 {
            continue; // never touched
        }
        let when = |d: usize, hh: usize, mm: usize| {
            let d = day + d;
            let (m, d) = if d > 28 {
                (month + 1, d - 28)
            } else {
                (month, d)
            };
            format!("2027-{m:02}-{d:02}T{hh:02}:{mm:02}:00+01:00")
        };
        let first = if i % 5 == 0 { 45 } else { 20 };
        rows.push(format!("L{i},{},email,,", when(0, 9, first)));
        for call in 0..(i % 7) {
            let outcome = if call == 2 { "connected" } else { "no answer" };
            rows.push(format!("L{i},{},call,{outcome},", when(call, 10, 0)));
            if call == 2 && i % 2 == 0 {
                // A second call at the connecting one's minute.
                rows.push(format!("L{i},{},call,no answer,", when(call, 10, 0)));
            }
        }
        match i % 4 {
            0 => rows.push(format!("L{i},{},feedback,won,done", when(1, 16, 0))),
            1 => {
                // Two incomplete hand-overs at one instant: the first in
                // the file is the one the reason names.
                rows.push(format!("L{i},{},feedback,,done", when(1, 16, 0)));
                rows.push(format!("L{i},{},feedback,lost,", when(1, 16, 0)));
            }
            2 => rows.push(format!("L{i},{},feedback,won,done", when(4, 16, 0))),
            _ => {}
        }
        for note in 0..(i % 3) {
            rows.push(format!("L{i},{},note,,", when(note, 18, 0)));
        }
    }
    let agreement = dir.join("orders.sla");
    std::fs::write(&agreement, AGREEMENT).unwrap();
    let leads_path = dir.join("leads.csv");
    std::fs::write(&leads_path, leads).unwrap();
    // In the order they were made: by lead. `reordered` makes the others.
    let activities = format!("lead,at,kind,outcome,status\n{}\n", rows.join("\n"));
    (agreement, leads_path, activities)
}

#[test]
fn many_batches_with_ties_in_every_order_and_on_any_number_of_threads() {
    let dir = common::temp_dir("order", "synthetic");
    let (agreement, leads, activities) = synthetic(&dir);
    assert!(activities.lines().count() > 6 * 16_384, "several batches");
    assert!(!activities.contains(",,,"), "no row without a value");
    let one = assert_same_everywhere(&dir, &agreement, &leads, &activities);
    // The ties decided something: the reason names the first hand-over.
    assert!(
        one.contains("(a hand-over lacked outcome)"),
        "{}",
        &one[..200]
    );
    assert!(!one.contains("(a hand-over lacked status)"));
    for rule in [
        "Volume",
        "Speed",
        "Depth",
        "Feedback",
        "Dossier",
        "Uncontacted",
    ] {
        assert!(one.contains(&format!("\"{rule}\"")), "{rule} is judged");
    }
}

/// `--threads` and `ACCORD_THREADS`, end to end, on the sample.
#[test]
fn the_threads_flag_and_variable_change_nothing_in_the_verdicts() {
    let eval = |extra: &[&str], env: Option<&str>| {
        let mut cmd = common::accord();
        cmd.current_dir(common::root())
            .args(["eval", "--as-of", AS_OF, "--format", "json"])
            .args(extra);
        if let Some(n) = env {
            cmd.env("ACCORD_THREADS", n);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "breaches: exit 1");
        String::from_utf8(out.stdout).unwrap()
    };
    let default = eval(&[], None);
    assert!(default.contains("\"rules\""));
    assert_eq!(eval(&["--threads", "1"], None), default);
    assert_eq!(eval(&["--threads", "8"], None), default);
    assert_eq!(eval(&[], Some("3")), default);
    // The flag wins over the variable, which must be a count.
    assert_eq!(eval(&["--threads", "2"], Some("0")), default);
    let zero = common::accord()
        .current_dir(common::root())
        .args(["eval", "--threads", "0"])
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&zero.stderr).contains("--threads"));
}

#[test]
fn due_lists_the_same_items_on_any_number_of_threads() {
    let due = |threads: &str| {
        let out = common::accord()
            .current_dir(common::root())
            .args([
                "due",
                "--as-of",
                AS_OF,
                "--format",
                "json",
                "--threads",
                threads,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "due exits 0");
        String::from_utf8(out.stdout).unwrap()
    };
    let one = due("1");
    assert!(one.contains("\"needs\""), "items listed: {one}");
    assert_eq!(due("2"), one);
    assert_eq!(due("8"), one);
}

/// A file cut inside a quoted cell: the part that starts there reads the
/// cell's lines as rows (here, calls that would connect and touches that
/// would be first) until it is found not to line up with the part before
/// it. What it folded meanwhile must not count: the verdicts are one
/// pass's, on any number of parts.
#[test]
fn a_part_cut_inside_a_quoted_cell_changes_no_verdict() {
    let dir = common::temp_dir("order", "quoted");
    let mut leads = "id,handed_off_at,owner,email\n".to_owned();
    let mut activities = "lead,at,kind,outcome,status\n".to_owned();
    for i in 0..300 {
        leads.push_str(&format!(
            "L{i},2027-01-05T09:00:00+01:00,a@x.example,x@y.example\n"
        ));
        activities.push_str(&format!(
            "L{i},2027-01-05T11:00:00+01:00,email,,\n\
             L{i},2027-01-06T10:00:00+01:00,call,no answer,\"pasted from the old CRM:\n"
        ));
        // Lines inside the quoted cell that read as rows of their own.
        for j in 0..20 {
            activities.push_str(&format!(
                "L{},2027-01-05T09:0{}:00+01:00,call,connected,\n",
                (i + j) % 300,
                j % 10
            ));
        }
        activities.push_str("end of paste\"\n");
    }
    let agreement = dir.join("orders.sla");
    std::fs::write(&agreement, AGREEMENT).unwrap();
    let leads_path = dir.join("leads.csv");
    std::fs::write(&leads_path, leads).unwrap();
    let path = dir.join("quoted.csv");
    std::fs::write(&path, activities).unwrap();
    let project = Project {
        config: Config::default(),
        agreement,
        leads: leads_path,
        activities: vec![path],
    };
    let one = document(&project, (1, 1));
    // One pass: every first touch is the e-mail two hours on, missed.
    assert!(one.contains("\"met\": 0"), "{}", &one[..400]);
    for threads in [(2, 2), (8, 8), (2, 64)] {
        assert_eq!(
            document(&project, threads),
            one,
            "{threads:?} (threads, parts)"
        );
    }
}
