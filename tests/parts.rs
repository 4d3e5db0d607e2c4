//! The fast path against the straightforward one: an activities file read
//! in many parts on several threads, each part folding into its own per-lead
//! state and the states merged afterwards, must give the very same verdict
//! document, byte for byte, as one pass over the file. (The one-pass
//! verdicts themselves are pinned by the golden files of `tests/sample.rs`,
//! taken before the parallel reader existed.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use accord::data::{Config, Split};
use accord::project::Project;

const AS_OF: &str = "2027-04-15T12:00:00+02:00";

fn verdict_json(project: &Project, split: Split) -> String {
    common::verdict_document(project, AS_OF, split)
}

fn project(agreement: &str, activities: PathBuf) -> Project {
    Project {
        config: Config::default(),
        agreement: common::root().join("rules").join(agreement),
        leads: common::root().join("rules/data/leads.csv"),
        activities: vec![activities],
    }
}

/// One pass, then 2, 3 and 8 parts as small as a byte allows (so that cuts
/// land inside rows, quoted cells and line endings of every kind).
/// Returns the document.
fn assert_parts_agree(project: &Project) -> String {
    let one = assert_parts_agree_in(project, &[2, 3, 8]);
    assert!(one.contains("\"breaches\""), "a verdict with substance");
    one
}

/// The document of one pass, once each number of `parts` has given it too.
fn assert_parts_agree_in(project: &Project, parts: &[usize]) -> String {
    let split = |threads| Split {
        threads,
        min_bytes: 1,
    };
    let one = verdict_json(project, split(1));
    for &threads in parts {
        assert!(
            verdict_json(project, split(threads)) == one,
            "{} with {threads} parts differs from one pass",
            project.activities.first().unwrap().display()
        );
    }
    one
}

fn sample_activities() -> PathBuf {
    common::root().join("rules/data/activities.csv")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_sample_in_parts_gives_the_verdicts_of_one_pass() {
    for agreement in ["b2b-inbound.sla", "minimal.sla"] {
        assert_parts_agree(&project(agreement, sample_activities()));
    }
}

#[test]
fn crlf_line_endings_in_parts() {
    let text = std::fs::read_to_string(sample_activities()).unwrap();
    let dir = common::temp_dir("parts", "crlf");
    let path = write(&dir, "activities.csv", &text.replace('\n', "\r\n"));
    assert_parts_agree(&project("b2b-inbound.sla", path));
}

#[test]
fn json_lines_in_parts() {
    let mut reader = csv::Reader::from_path(sample_activities()).unwrap();
    let header = reader.headers().unwrap().clone();
    let mut text = String::new();
    for record in reader.records() {
        let record = record.unwrap();
        let object: serde_json::Map<String, serde_json::Value> = header
            .iter()
            .zip(record.iter())
            .filter(|(_, value)| !value.is_empty())
            .map(|(key, value)| (key.to_owned(), value.into()))
            .collect();
        text.push_str(&serde_json::to_string(&object).unwrap());
        text.push('\n');
    }
    let dir = common::temp_dir("parts", "jsonl");
    let path = write(&dir, "activities.jsonl", &text);
    assert_parts_agree(&project("b2b-inbound.sla", path));
}

/// Two calls of one lead at the same instant, the connecting one first in
/// the file: with at most one attempt allowed, file order decides (the
/// connecting call stops the count: met; the other way round the second
/// call is one too many: missed). Every lead has such a pair, so whatever
/// rows the cuts fall between, some pairs are split across parts.
#[test]
fn equal_times_split_across_parts_keep_file_order() {
    let dir = common::temp_dir("parts", "ties");
    let agreement = write(
        &dir,
        "a.sla",
        r#"agreement "Ties" {
  effective 2027-01-01 to 2027-12-31
  timezone  "Europe/Amsterdam"
  team sales { lead "s@x.example" }
  attempts "One call" {
    owner sales
    count kind is "call"
    between 1 and 1 within 14d otherwise
    until outcome is "connected"
  }
}
"#,
    );
    let (mut leads, mut activities) = (
        "id,handed_off_at\n".to_owned(),
        "lead,at,kind,outcome\n".to_owned(),
    );
    for i in 0..300 {
        leads.push_str(&format!("L{i},2027-01-04 09:00\n"));
        activities.push_str(&format!("L{i},2027-01-04 10:00,call,connected\n"));
        activities.push_str(&format!("L{i},2027-01-04 10:00,call,no answer\n"));
    }
    let project = Project {
        config: Config::default(),
        agreement,
        leads: write(&dir, "leads.csv", &leads),
        activities: vec![write(&dir, "activities.csv", &activities)],
    };
    let one = assert_parts_agree_in(&project, &[2, 3, 5, 8]);
    assert!(one.contains("\"met\": 300"), "every lead met in one pass");
}

/// An explanation names each activity's line. Read in parts, each counting
/// lines from where it starts, the lines must still be the file's: this
/// lead's activities are spread over the whole sample, from line 85 to
/// line 3959.
#[test]
fn explanations_in_parts_name_the_files_lines() {
    let project = project("b2b-inbound.sla", sample_activities());
    let explain = |threads| {
        let options = accord::eval::run::Options {
            as_of: Some(AS_OF.to_owned()),
            split: Split {
                threads,
                min_bytes: 1,
            },
            ..accord::eval::run::Options::default()
        };
        accord::eval::run::explain(&project, options, "L0000235").unwrap()
    };
    let one = explain(1);
    let steps: Vec<&String> = one.rules.iter().flat_map(|r| &r.steps).collect();
    assert!(
        steps.iter().any(|s| s.contains("(line 3959)")),
        "the lead's last row's line: {steps:?}"
    );
    for threads in [2, 3, 8] {
        assert_eq!(explain(threads), one, "{threads} parts");
    }
}

/// Per-lead states are made a few thousand leads at a time, when a part
/// first folds into them; a stretch only one part made is taken over whole
/// when parts are merged. Ten thousand leads span several such stretches:
/// with the activities in lead order each part makes only its own, and in
/// a shuffled order every part makes them all; either way the parts must
/// agree with one pass, for every rule kind that folds.
#[test]
fn states_made_by_some_parts_only_merge_as_one_pass() {
    let dir = common::temp_dir("parts", "stretches");
    let agreement = write(
        &dir,
        "a.sla",
        r#"agreement "Stretches" {
  effective 2027-01-01 to 2027-12-31
  timezone  "Europe/Amsterdam"
  team marketing { lead "m@x.example" }
  team sales { lead "s@x.example" }
  term touch means kind in ("call", "email")
  term call  means kind is "call"
  term note  means kind is "note"
  response "Speed" {
    owner sales
    first touch
    within 1h otherwise
    target 90% each month
  }
  attempts "Depth" {
    owner sales
    count call
    between 2 and 5 within 14d otherwise
    until outcome is "connected"
    target 80% each month
  }
  duty "Notes" {
    from sales to marketing
    within 2d after first call
    provide outcome by note
  }
  aging "Uncontacted" {
    owner sales
    contact touch
    buckets 1w
    breach after 1w
  }
}
"#,
    );
    const LEADS: usize = 10_000;
    let mut leads = "id,handed_off_at\n".to_owned();
    let mut rows = Vec::new();
    for i in 0..LEADS {
        let day = 1 + i % 28;
        leads.push_str(&format!("L{i},2027-02-{day:02} 09:00\n"));
        // Leads untouched, touched late, called a varying number of times.
        if i % 7 == 0 {
            continue;
        }
        let touch = if i % 5 == 0 { "11:30" } else { "09:20" };
        rows.push(format!("L{i},2027-02-{day:02} {touch},email,"));
        for call in 0..(i % 8) {
            let outcome = if call == 3 { "connected" } else { "no answer" };
            rows.push(format!("L{i},2027-02-{day:02} 1{call}:00,call,{outcome}"));
        }
        if i % 3 == 0 {
            rows.push(format!("L{i},2027-02-{day:02} 18:00,note,done"));
        }
    }
    let in_lead_order = rows.clone();
    // A fixed shuffle: each row goes to a place far from its lead's others.
    let mut shuffled: Vec<(usize, String)> = rows
        .into_iter()
        .enumerate()
        .map(|(n, row)| (n.wrapping_mul(2_654_435_761) % 1_000_003, row))
        .collect();
    shuffled.sort();
    let shuffled: Vec<String> = shuffled.into_iter().map(|(_, row)| row).collect();
    let leads = write(&dir, "leads.csv", &leads);
    for (name, rows) in [("ordered", in_lead_order), ("shuffled", shuffled)] {
        let text = format!("lead,at,kind,outcome\n{}\n", rows.join("\n"));
        let project = Project {
            config: Config::default(),
            agreement: agreement.clone(),
            leads: leads.clone(),
            activities: vec![write(&dir, &format!("{name}.csv"), &text)],
        };
        let one = assert_parts_agree(&project);
        for rule in ["Speed", "Depth", "Notes", "Uncontacted"] {
            assert!(one.contains(&format!("\"{rule}\"")), "{rule} is judged");
        }
    }
}
