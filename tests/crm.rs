//! Real CRM exports, read untouched. One small world of leads and
//! activities (`tests/data/crm/make.py`) is rendered for each scenario as
//! the CRM exports it, with the `accord.toml` that reads it, and in accord's
//! own shape (`native/`, same ids and precision). Both must give the same
//! verdicts on the bundled agreement: only `accord.toml` differs, never the
//! files or the agreement. See `tests/data/crm/README.md`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};

use accord::data::TableConfig;
use accord::eval::run::{evaluate, Options, RunError};
use accord::eval::verdict::Verdict;
use accord::project::{resolve, Overrides, Project};

const AS_OF: &str = "2027-04-15T12:00:00+02:00";

/// The world's size: what every rendering must load.
const LEADS: u64 = 60;
const ACTIVITIES: u64 = 376;

fn scenario(name: &str) -> PathBuf {
    common::root().join("tests/data/crm").join(name)
}

fn project(config: &Path) -> Project {
    resolve(&Overrides {
        config: Some(config.to_path_buf()),
        ..Overrides::default()
    })
    .unwrap_or_else(|e| panic!("{}: {e}", config.display()))
}

fn run(project: &Project) -> Result<Verdict, RunError> {
    let options = Options {
        as_of: Some(AS_OF.to_owned()),
        ..Options::default()
    };
    evaluate(project, options).map(|e| e.verdict)
}

fn verdict_of(project: &Project) -> Verdict {
    run(project).unwrap_or_else(|e| panic!("{e}: {e:?}"))
}

fn verdict(config: &Path) -> Verdict {
    verdict_of(&project(config))
}

fn rules(v: &Verdict) -> String {
    serde_json::to_string_pretty(&v.rules).unwrap()
}

/// The issues' messages, without the files and lines (which differ between
/// renderings).
fn messages(v: &Verdict) -> Vec<String> {
    let mut all: Vec<String> = v.issues.iter().map(|i| i.message.clone()).collect();
    all.sort();
    all
}

/// The three planted issues of every scenario: two calls only planned (no
/// time they happened) and one e-mail that also went to a contact that is in
/// no leads export.
fn planted(unknown: &str) -> Vec<String> {
    vec![
        format!("activity of unknown lead \"{unknown}\""),
        "missing time".to_owned(),
        "missing time".to_owned(),
    ]
}

/// The verdicts must say something: every rule judged leads, and not all
/// alike (a world where everything passes or nothing is read proves little).
fn assert_meaningful(v: &Verdict) {
    let doc = serde_json::to_value(&v.rules).unwrap();
    let rules = doc.as_array().unwrap();
    assert_eq!(rules.len(), 7, "{doc}");
    let statuses: std::collections::BTreeSet<&str> = rules
        .iter()
        .flat_map(|r| r["windows"].as_array().unwrap())
        .map(|w| w["status"].as_str().unwrap())
        .collect();
    assert!(statuses.len() >= 2, "{statuses:?}");
    let breaches: usize = rules
        .iter()
        .flat_map(|r| r["windows"].as_array().unwrap())
        .map(|w| w["breaches"].as_array().unwrap().len())
        .sum();
    assert!(breaches > 10, "{breaches} breaches");
    // The three members are the groups of the per-owner rules: `[people]`
    // turned every display name or user id into a member id.
    let speed = rules.iter().find(|r| r["name"] == "Speed to lead").unwrap();
    let groups: std::collections::BTreeSet<&str> = speed["windows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["group"].as_str())
        .collect();
    assert_eq!(
        groups,
        [
            "ann@northwind.example",
            "bob@northwind.example",
            "carla@northwind.example"
        ]
        .into_iter()
        .collect(),
    );
}

/// The export and the native rendering of `name` give the same rules, the
/// same counts and the planted issues only (plus `extra` for the export).
fn assert_same_as_native(name: &str, unknown: &str, extra: &[&str]) {
    let dir = scenario(name);
    let native = verdict(&dir.join("native/accord.toml"));
    let export = verdict(&dir.join("accord.toml"));
    assert_meaningful(&native);
    assert_eq!(native.data.leads, LEADS);
    assert_eq!(native.data.activities, ACTIVITIES);
    assert_eq!(messages(&native), planted(unknown));

    assert_eq!(export.data.leads, native.data.leads, "{name}: leads");
    assert_eq!(
        export.data.activities, native.data.activities,
        "{name}: activities"
    );
    let mut expected = planted(unknown);
    expected.extend(extra.iter().map(|m| (*m).to_owned()));
    expected.sort();
    assert_eq!(messages(&export), expected, "{name}: {:#?}", export.issues);
    assert_eq!(export.data.issues, expected.len() as u64);
    assert_eq!(export.status, native.status, "{name}: status");
    let (ours, theirs) = (rules(&export), rules(&native));
    if ours != theirs {
        let line = ours
            .lines()
            .zip(theirs.lines())
            .position(|(a, b)| a != b)
            .map_or(0, |i| i + 1);
        panic!(
            "{name}: the export's rules differ from the native rendering's from line {line}:\n\
             export: {}\nnative: {}",
            ours.lines().nth(line.saturating_sub(1)).unwrap_or_default(),
            theirs
                .lines()
                .nth(line.saturating_sub(1))
                .unwrap_or_default(),
        );
    }
}

#[test]
fn hubspot_exports_as_downloaded() {
    // Contacts + calls, emails, meetings, notes and tasks: five activity
    // files, none with a type column; 12 rows list two contacts `id1;id2`.
    assert_same_as_native("hubspot", "51099917", &[]);
}

#[test]
fn salesforce_report_with_data_loader_tasks() {
    // The report's footer (grand totals, confidentiality, copyright) is
    // three one-cell rows: each is a data issue today.
    let footer = "the row has 1 cell, the header has 12";
    assert_same_as_native(
        "salesforce-report",
        "0035g00000Xy7aQAAR",
        &[footer, footer, footer],
    );
}

#[test]
fn salesforce_data_loader_with_upper_case_headers() {
    assert_same_as_native("salesforce-dataloader", "0035g00000Xy7aQAAR", &[]);
}

#[test]
fn pipedrive_deals_and_activities() {
    assert_same_as_native("pipedrive", "9999", &[]);
}

#[test]
fn hubspot_resaved_by_dutch_excel() {
    assert_same_as_native("excel-eu", "51099917", &[]);
}

/// The scenario's export of leads with the native activities: the leads'
/// reading (ids, times, labels, owners, encoding) on its own.
fn leads_export_with_native_activities(name: &str) -> Project {
    let dir = scenario(name);
    let mut project = project(&dir.join("accord.toml"));
    project.activities = vec![dir.join("native/activities.csv")];
    project.config.activities = vec![TableConfig::default()];
    project
}

#[test]
fn each_leads_export_alone_reads_as_the_native_leads() {
    for name in [
        "hubspot",
        "excel-eu",
        "salesforce-report",
        "salesforce-dataloader",
        "pipedrive",
    ] {
        let native = verdict(&scenario(name).join("native/accord.toml"));
        let mixed = verdict_of(&leads_export_with_native_activities(name));
        assert_eq!(mixed.data.leads, LEADS, "{name}");
        assert_eq!(mixed.data.activities, ACTIVITIES, "{name}");
        let footer = usize::from(name == "salesforce-report") * 3;
        assert_eq!(
            mixed.issues.len(),
            3 + footer,
            "{name}: {:#?}",
            mixed.issues
        );
        assert!(rules(&mixed) == rules(&native), "{name}: rules differ");
    }
}

// ---------------------------------------------------------------------------
// Rows in = rows used + issues, with splits and several files.

/// The delimiter accord detects: the one of `,` `;` tab `|` that splits the
/// header into the most fields.
fn delimiter(bytes: &[u8]) -> u8 {
    let header = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let mut best = b',';
    for d in [b';', b'\t', b'|'] {
        let count = |c: u8| header.iter().filter(|b| **b == c).count();
        if count(d) > count(best) {
            best = d;
        }
    }
    best
}

/// The rows a file holds, counting a split cell's pieces: what accord must
/// account for, as used or as issues.
fn rows_in(path: &Path, table: &TableConfig) -> u64 {
    let bytes = std::fs::read(path).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(table.delimiter.unwrap_or_else(|| delimiter(&bytes)))
        .flexible(true)
        .from_reader(bytes.as_slice());
    let headers = reader.byte_headers().unwrap().clone();
    let split = table.split_of("lead").map(|s| s.as_bytes().to_vec());
    let column = split.as_ref().map(|_| {
        let name = table.columns.get("lead").map_or("lead", String::as_str);
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name.as_bytes()))
            .unwrap()
    });
    let mut rows = 0;
    for record in reader.byte_records() {
        let record = record.unwrap();
        rows += match (&split, column) {
            (Some(sep), Some(i)) => {
                let cell = String::from_utf8_lossy(record.get(i).unwrap_or_default()).into_owned();
                let sep = String::from_utf8_lossy(sep).into_owned();
                cell.split(sep.as_str())
                    .filter(|p| !p.trim().is_empty())
                    .count()
                    .max(1) as u64
            }
            _ => 1,
        };
    }
    rows
}

#[test]
fn every_row_in_is_used_or_an_issue() {
    for name in [
        "hubspot",
        "excel-eu",
        "salesforce-report",
        "salesforce-dataloader",
        "pipedrive",
    ] {
        let project = project(&scenario(name).join("accord.toml"));
        let v = verdict_of(&project);
        let issues_in = |file: &Path| {
            v.issues
                .iter()
                .filter(|i| Path::new(&i.file) == file)
                .count() as u64
        };
        let leads_in = rows_in(&project.leads, &project.config.leads);
        assert_eq!(
            leads_in,
            v.data.leads + issues_in(&project.leads),
            "{name}: leads"
        );
        let mut activities_in = 0;
        let mut activity_issues = 0;
        for (i, file) in project.activities.iter().enumerate() {
            let rows = rows_in(file, project.activity_table(i));
            assert!(rows > 0, "{}", file.display());
            activities_in += rows;
            activity_issues += issues_in(file);
        }
        assert_eq!(
            activities_in,
            v.data.activities + activity_issues,
            "{name}: activities"
        );
        // Every issue belongs to one of the files.
        let all = issues_in(&project.leads) + activity_issues;
        assert_eq!(all, v.data.issues, "{name}: {:#?}", v.issues);
    }
}

#[test]
fn hubspot_splits_a_call_on_two_contacts_into_two_activities() {
    let dir = scenario("hubspot");
    let project = project(&dir.join("accord.toml"));
    let calls = project.activity_table(0);
    assert_eq!(calls.split_of("lead"), Some(";"));
    let mut reader = csv::Reader::from_path(&project.activities[0]).unwrap();
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "Associated Contact IDs")
        .unwrap();
    let (mut records, mut shared) = (0, 0);
    for record in reader.records() {
        records += 1;
        if record.unwrap()[column].contains(';') {
            shared += 1;
        }
    }
    assert!(shared > 0, "no call lists two contacts");
    assert_eq!(rows_in(&project.activities[0], calls), records + shared);
}

#[test]
fn hubspot_contacts_without_their_source_labels_have_no_mql() {
    // Without [values.source], "Organic Search" is not "marketing".
    let mut project = leads_export_with_native_activities("hubspot");
    assert!(project.config.values.remove("source").is_some());
    let v = verdict_of(&project);
    assert_eq!(v.data.leads, LEADS);
    let volume = v.rules.iter().find(|r| r.name == "MQL volume").unwrap();
    assert!(!volume.windows.is_empty());
    assert!(volume.windows.iter().all(|w| w.observed == Some(0.0)));
}

// ---------------------------------------------------------------------------
// The same exports without the settings they need fail loudly or visibly.

/// Writes `text` as an `accord.toml` of its own; `{dir}` stands for the
/// scenario's folder and `{root}` for the repository.
fn config(test: &str, name: &str, text: &str) -> PathBuf {
    let dir = common::temp_dir("crm", test);
    let path = dir.join("accord.toml");
    let text = text
        .replace("{dir}", &scenario(name).display().to_string())
        .replace("{root}", &common::root().display().to_string());
    std::fs::write(&path, text).unwrap();
    path
}

/// The scenario's own `accord.toml` with `from` replaced by `to`, paths
/// made absolute.
fn edited(test: &str, name: &str, from: &str, to: &str) -> PathBuf {
    let original = std::fs::read_to_string(scenario(name).join("accord.toml")).unwrap();
    assert!(original.contains(from), "{name}: no `{from}`");
    let text = original
        .replace(from, to)
        .replace("\"../../../../", "\"{root}/")
        .replace("path = \"", "path = \"{dir}/");
    config(test, name, &text)
}

#[test]
fn a_salesforce_report_without_its_preset_is_rejected_as_misread() {
    // The report's columns named by hand, but neither its US time format
    // nor its 15-character ids: every `Create Date` is unreadable.
    let path = config(
        "sf-no-preset",
        "salesforce-report",
        r#"agreement = "{root}/rules/b2b-inbound.sla"
[leads]
path = "{dir}/report1712345678901.csv"
columns = { id = "Lead ID", handed_off_at = "Create Date", owner = "Lead Owner", persona = "Title", source = "Lead Source", company = "Company / Account", offer = "Offer" }
[activities]
path = "{dir}/Task.csv"
preset = "salesforce-tasks"
columns = { status = "Feedback_Status__c" }
"#,
    );
    match run(&project(&path)) {
        Err(RunError::Rejected {
            file,
            rejected,
            read,
            issues,
            ..
        }) => {
            assert!(file.ends_with("report1712345678901.csv"), "{file}");
            assert_eq!((rejected, read), (63, 63));
            let times = issues
                .iter()
                .filter(|i| i.column.as_deref() == Some("Create Date"))
                .count();
            assert_eq!(times, 60, "{issues:#?}");
        }
        Err(other) => panic!("{other}: {other:?}"),
        Ok(v) => panic!("evaluated: {:?}", v.data),
    }
}

#[test]
fn a_salesforce_report_without_salesforce_ids_loses_every_task() {
    // The presets but `ids = "exact"` (on both tables: one table saying
    // "salesforce" is enough): the report's 15-character ids are not the
    // tasks' 18-character WhoIds, and every task is of an unknown lead.
    let leads = r#"agreement = "{root}/rules/b2b-inbound.sla"
[leads]
path = "{dir}/report1712345678901.csv"
preset = "salesforce-leads-report"
columns = { offer = "Offer" }
IDS
[activities]
path = "{dir}/Task.csv"
preset = "salesforce-tasks"
columns = { status = "Feedback_Status__c" }
IDS
"#;
    let exact = config(
        "sf-exact-ids",
        "salesforce-report",
        &leads.replace("IDS", "ids = \"exact\""),
    );
    match run(&project(&exact)) {
        Err(RunError::Rejected {
            file,
            rejected,
            read,
            issues,
            ..
        }) => {
            assert!(file.ends_with("Task.csv"), "{file}");
            assert_eq!(rejected, read);
            assert!(
                issues
                    .iter()
                    .all(|i| i.message.starts_with("activity of unknown lead \"00")),
                "{issues:#?}"
            );
        }
        Err(other) => panic!("{other}: {other:?}"),
        Ok(v) => panic!("evaluated: {:?}", v.data),
    }
    // The same two files with the preset's ids: every task is used (but
    // the planted ones).
    let salesforce = config("sf-ids", "salesforce-report", &leads.replace("IDS", ""));
    let v = verdict(&salesforce);
    assert_eq!(v.data.leads, LEADS);
    let tasks = rows_in(
        &scenario("salesforce-report").join("Task.csv"),
        &TableConfig::default(),
    );
    assert_eq!(v.data.activities, tasks - 3);
}

#[test]
fn pipedrive_without_its_source_labels_has_no_mql() {
    // Without [values.source] no deal's source is "marketing": nothing is
    // an MQL, and the volume quota observes 0 every month.
    let path = edited(
        "pd-no-source",
        "pipedrive",
        "[values.source]",
        "[values.unused_source]",
    );
    let v = verdict(&path);
    assert_eq!(v.data.leads, LEADS);
    let volume = v.rules.iter().find(|r| r.name == "MQL volume").unwrap();
    assert!(!volume.windows.is_empty());
    for w in &volume.windows {
        assert_eq!(w.observed, Some(0.0), "{}", w.window);
    }
    let native = verdict(&scenario("pipedrive").join("native/accord.toml"));
    let observed: f64 = native
        .rules
        .iter()
        .find(|r| r.name == "MQL volume")
        .unwrap()
        .windows
        .iter()
        .filter_map(|w| w.observed)
        .sum();
    assert!(observed > 40.0, "{observed}");
}

#[test]
fn pipedrive_durations_without_their_format_are_rejected() {
    // `00:30` is thirty minutes in Pipedrive; without `duration_format` a
    // two-part clock is refused, not guessed.
    let path = edited(
        "pd-no-duration-format",
        "pipedrive",
        "preset = \"pipedrive-activities\"\n",
        "preset = \"pipedrive-activities\"\nduration_format = \"h:mm:ss\"\n",
    );
    match run(&project(&path)) {
        Err(RunError::Rejected { file, issues, .. }) => {
            assert!(file.ends_with("activities-15-04-2027.csv"), "{file}");
            assert!(
                issues.iter().any(|i| i.message.contains("duration_format")),
                "{issues:#?}"
            );
        }
        Err(other) => panic!("{other}: {other:?}"),
        Ok(v) => panic!("evaluated: {:?}", v.data),
    }
}

#[test]
fn pipedrive_read_in_the_agreement_zone_shifts_every_time() {
    // Pipedrive writes UTC without an offset; read as Amsterdam time, every
    // instant is an hour or two early and the verdicts change.
    let path = edited("pd-local", "pipedrive", "timezone = \"UTC\"\n", "");
    let shifted = verdict(&path);
    let native = verdict(&scenario("pipedrive").join("native/accord.toml"));
    assert_eq!(shifted.data.leads, LEADS);
    assert_eq!(shifted.data.activities, ACTIVITIES);
    assert_ne!(rules(&shifted), rules(&native));
}

#[test]
fn excel_eu_without_its_encoding_is_caught() {
    // Windows-1252 read as UTF-8: the é and ü of owners and companies are
    // not UTF-8; the summary says which setting is missing.
    let dir = scenario("excel-eu");
    let mut project = leads_export_with_native_activities("excel-eu");
    project.config.leads.encoding = None;
    match run(&project) {
        Err(RunError::Rejected { file, issues, .. }) => {
            assert_eq!(
                Path::new(&file),
                dir.join("hubspot-crm-exports-all-contacts-2027-04-15.csv")
            );
            assert!(
                issues
                    .iter()
                    .all(|i| i.message.contains("not valid UTF-8 text")),
                "{issues:#?}"
            );
            let groups = accord::report::issues::group(&issues);
            assert!(
                groups
                    .iter()
                    .any(|g| g.fix.as_deref().is_some_and(|f| f.contains("windows-1252"))),
                "{groups:#?}"
            );
        }
        Err(other) => panic!("{other}: {other:?}"),
        Ok(v) => panic!("evaluated: {:?} {:#?}", v.data, v.issues),
    }
}

#[test]
fn excel_eu_without_its_time_format_is_caught() {
    let mut project = leads_export_with_native_activities("excel-eu");
    project.config.leads.time_format = None;
    match run(&project) {
        Err(RunError::Rejected {
            rejected, issues, ..
        }) => {
            assert_eq!(rejected, LEADS);
            assert!(
                issues.iter().all(|i| i.message.contains("time")),
                "{issues:#?}"
            );
        }
        Err(other) => panic!("{other}: {other:?}"),
        Ok(v) => panic!("evaluated: {:?} {:#?}", v.data, v.issues),
    }
}

#[test]
fn one_activities_file_with_a_field_is_enough_and_none_is_fatal() {
    // Only HubSpot's calls have a duration: the calls file's column is
    // enough (the scenario runs, above). With it mapped to a column that
    // is not there, no file has one, and `max duration` would judge none.
    let path = edited(
        "no-duration-anywhere",
        "hubspot",
        "preset = \"hubspot-calls\"",
        "preset = \"hubspot-calls\"\ncolumns = { duration = \"Call length\" }",
    );
    let err = run(&project(&path)).err().unwrap();
    let text = err.to_string();
    assert!(
        text.starts_with("none of the activities files (`"),
        "{text}"
    );
    assert!(
        text.ends_with("has a column for `duration` (used by rule `Call depth`)"),
        "{text}"
    );
    assert_eq!(
        miette::Diagnostic::code(&err).unwrap().to_string(),
        "accord::E112"
    );
}
