//! Real CRM exports read as they come: every `accord.toml` key of DATA.md's
//! "Real exports" section, each with a file it reads right and an input it
//! refuses, plus the properties that cut across them (issues name their
//! file and line, rows in are rows used plus issues, warnings change no
//! verdict). Each test writes a tiny agreement, its data and its
//! `accord.toml` into a folder of its own and evaluates through the library,
//! or runs the binary where the exit code is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use accord::data::{load_config, ConfigError, DataError};
use accord::eval::explain::Explanation;
use accord::eval::run::{evaluate, explain, Options, RunError};
use accord::eval::verdict::Verdict;
use accord::project::{resolve, Overrides, Project};
use serde_json::{json, Value};

const AS_OF: &str = "2027-12-01T00:00:00+01:00";

/// The agreement's head; rules go after it.
const HEAD: &str = r#"agreement "Real exports" {
  effective 2027-01-01 to 2027-12-31
  timezone  "Europe/Amsterdam"
  team marketing { lead "m@x.example" }
  team sales {
    lead    "s@x.example"
    members "ann@x.example", "bob@x.example"
  }
  term call means kind is "call"
"#;

/// First call within an hour of wall time, for every lead.
const SPEED: &str = r#"
  response "speed" {
    owner sales
    first call
    within 1h otherwise
    target 90% each month
  }
"#;

/// The same, for marketing's leads only.
const MARKETING_SPEED: &str = r#"
  response "speed" {
    owner sales
    leads source is "marketing"
    first call
    within 1h otherwise
    target 90% each month
  }
"#;

/// Calls, at most an hour of them per lead: reads `duration`.
const DEPTH: &str = r#"
  attempts "depth" {
    owner sales
    count call
    between 1 and 9 within 14d otherwise
    max duration 1h
    target 100% each month
  }
"#;

/// Two leads handed off on Monday 4 January 2027 at 09:00.
const LEADS: &str = "id,handed_off_at\nA,2027-01-04 09:00\nB,2027-01-04 09:00\n";

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A folder of one test's files.
struct Files {
    dir: PathBuf,
}

impl Files {
    fn new(name: &str) -> Files {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        Files {
            dir: common::temp_dir("real", &format!("{name}-{n}")),
        }
    }

    fn put(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// `a.sla` with `rules` under [`HEAD`].
    fn agreement(&self, rules: &str) -> PathBuf {
        self.put("a.sla", format!("{HEAD}{rules}}}\n"))
    }

    /// `accord.toml` with `text` after a line naming `a.sla`.
    fn toml(&self, text: &str) -> PathBuf {
        self.put("accord.toml", format!("agreement = \"a.sla\"\n{text}"))
    }

    /// The project `accord.toml` describes (`text` after the agreement's line).
    fn project(&self, rules: &str, text: &str) -> Project {
        self.agreement(rules);
        let config = self.toml(text);
        resolve(&Overrides {
            config: Some(config),
            ..Overrides::default()
        })
        .unwrap_or_else(|e| panic!("{e:?}"))
    }
}

/// `accord.toml` naming `leads.csv` and `activities.csv`, with `leads` and
/// `activities` keys added to their tables.
fn tables(leads: &str, activities: &str) -> String {
    format!(
        "[leads]\npath = \"leads.csv\"\n{leads}\n[activities]\npath = \"activities.csv\"\n{activities}\n"
    )
}

/// Writes `leads.csv` and `activities.csv` and the project reading them.
fn simple(
    name: &str,
    rules: &str,
    config: &str,
    leads: impl AsRef<[u8]>,
    acts: impl AsRef<[u8]>,
) -> Project {
    let f = Files::new(name);
    f.put("leads.csv", leads);
    f.put("activities.csv", acts);
    f.project(rules, config)
}

fn options() -> Options<'static> {
    Options {
        as_of: Some(AS_OF.to_owned()),
        ..Options::default()
    }
}

fn run(p: &Project) -> Verdict {
    match evaluate(p, options()) {
        Ok(e) => e.verdict,
        Err(e) => panic!("{e}: {e:?}"),
    }
}

fn run_err(p: &Project) -> RunError {
    match evaluate(p, options()) {
        Ok(_) => panic!("evaluated, but an error was expected"),
        Err(e) => e,
    }
}

fn why(p: &Project, lead: &str) -> Explanation {
    explain(p, options(), lead).unwrap_or_else(|e| panic!("{e}: {e:?}"))
}

fn handed_off(p: &Project, lead: &str) -> String {
    why(p, lead).handed_off_at.unwrap_or_default()
}

/// A window of a rule, as JSON.
fn window(v: &Verdict, rule: &str, label: &str) -> Value {
    let rule = v.rules.iter().find(|r| r.name == rule).unwrap();
    let w = rule
        .windows
        .iter()
        .find(|w| w.window == label)
        .unwrap_or_else(|| panic!("no window {label} of {}", rule.name));
    serde_json::to_value(w).unwrap()
}

/// (met, missed) of a rule's window.
fn met_missed(v: &Verdict, rule: &str, label: &str) -> (u64, u64) {
    let w = window(v, rule, label);
    (
        w["counts"]["met"].as_u64().unwrap(),
        w["counts"]["missed"].as_u64().unwrap(),
    )
}

/// The leads a window breached, with the reasons.
fn breaches(v: &Verdict, rule: &str, label: &str) -> Vec<(String, String)> {
    window(v, rule, label)["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["lead"].as_str().unwrap().to_owned(),
                b["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// Every issue as (file name, line, column, message).
fn issues(v: &Verdict) -> Vec<(String, u64, Option<String>, String)> {
    v.issues
        .iter()
        .map(|i| {
            (
                file_name(&i.file),
                i.line,
                i.column.clone(),
                i.message.clone(),
            )
        })
        .collect()
}

fn issue(
    file: &str,
    line: u64,
    column: Option<&str>,
    message: &str,
) -> (String, u64, Option<String>, String) {
    (
        file.to_owned(),
        line,
        column.map(str::to_owned),
        message.to_owned(),
    )
}

fn counts(v: &Verdict) -> (u64, u64, u64) {
    (v.data.leads, v.data.activities, v.data.issues)
}

fn code(d: &dyn miette::Diagnostic) -> String {
    d.code().map(|c| c.to_string()).unwrap_or_default()
}

fn help(d: &dyn miette::Diagnostic) -> String {
    d.help().map(|h| h.to_string()).unwrap_or_default()
}

/// What an `accord.toml` that is refused says: the message, the help, and
/// the line (1-based) and text its span points at.
struct Refused {
    message: String,
    help: String,
    line: usize,
    spanned: String,
}

/// Loads `accord.toml` holding `text`, which must be refused with E100.
fn refused(text: &str) -> Refused {
    let f = Files::new("refused");
    let path = f.put("accord.toml", text);
    let err = match load_config(&path) {
        Ok(c) => panic!("accepted: {c:?}"),
        Err(e) => e,
    };
    assert_eq!(code(&err), "accord::E100", "{err:?}");
    let ConfigError::Invalid {
        message,
        help,
        span,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    let span = span.unwrap_or_else(|| panic!("no span: {message}"));
    Refused {
        line: text[..span.offset()].matches('\n').count() + 1,
        spanned: text[span.offset()..span.offset() + span.len()].to_owned(),
        message,
        help: help.unwrap_or_default(),
    }
}

/// UTF-16 with a byte-order mark, little- or big-endian.
fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        out.extend(if little {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

// ---------------------------------------------------------------- delimiter

#[test]
fn the_delimiter_is_detected_from_the_header_line() {
    for d in [";", "\t", "|"] {
        let leads = LEADS.replace(',', d);
        let acts =
            "lead,at,kind\nA,2027-01-04 09:30,call\nB,2027-01-04 10:30,call\n".replace(',', d);
        let p = simple("detect", SPEED, &tables("", ""), leads, acts);
        let v = run(&p);
        assert_eq!(counts(&v), (2, 2, 0), "delimiter {d:?}");
        assert_eq!(
            met_missed(&v, "speed", "2027-01"),
            (1, 1),
            "delimiter {d:?}"
        );
    }
}

#[test]
fn commas_inside_a_quoted_header_do_not_count_for_the_delimiter() {
    // Two commas inside quotes, one semicolon outside: `;`.
    let leads = "\"Record ID, HubSpot\";\"Created, local\"\nA;2027-01-04 09:00\n\"B\";\"2027-01-04 09:00\"\n";
    let acts =
        "lead;at;kind;note\nA;2027-01-04 09:30;call;\"yes, called\"\nB;2027-01-04 10:30;call;x\n";
    let config = tables(
        "columns = { id = \"Record ID, HubSpot\", handed_off_at = \"Created, local\" }",
        "",
    );
    let v = run(&simple("quoted", SPEED, &config, leads, acts));
    assert_eq!(counts(&v), (2, 2, 0));
    assert_eq!(met_missed(&v, "speed", "2027-01"), (1, 1));
}

#[test]
fn an_explicit_delimiter_wins_over_detection() {
    // Three commas against two semicolons: detection would take `,`.
    let leads = "id;handed_off_at;note (a,b,c,d)\nA;2027-01-04 09:00;x\nB;2027-01-04 09:00;y\n";
    let acts = "lead,at,kind\nA,2027-01-04 09:30,call\nB,2027-01-04 09:30,call\n";
    let detected = simple("explicit", SPEED, &tables("", ""), leads, acts);
    let err = run_err(&detected);
    assert_eq!(code(&err), "accord::E111", "{err}");
    let p = simple(
        "explicit",
        SPEED,
        &tables("delimiter = \";\"", ""),
        leads,
        acts,
    );
    let v = run(&p);
    assert_eq!(counts(&v), (2, 2, 0));
    assert_eq!(met_missed(&v, "speed", "2027-01"), (2, 0));
    // A tab is written as TOML writes it.
    let tabbed = "lead\tat\tkind\nA\t2027-01-04 09:30\tcall\n";
    let p = simple(
        "explicit-tab",
        SPEED,
        &tables("", "delimiter = \"\\t\""),
        LEADS,
        tabbed,
    );
    assert_eq!(counts(&run(&p)), (2, 1, 0));
}

#[test]
fn a_delimiter_of_two_characters_is_refused_at_its_line() {
    let r = refused("[leads]\npath = \"l.csv\"\ndelimiter = \";;\"\n");
    assert_eq!(r.line, 3);
    assert_eq!(r.spanned, "\";;\"");
    assert!(
        r.message
            .contains("delimiter \";;\" is not one ASCII character"),
        "{}",
        r.message
    );
}

// ---------------------------------------------------------------- encoding

/// A response rule for "Directeur Général" only.
const DIRECTEUR: &str = r#"
  response "directeur" {
    owner sales
    leads persona is "Directeur Général"
    first call
    within 1h otherwise
    target 90% each month
  }
"#;

#[test]
fn windows_1252_values_match_the_agreement_s_words() {
    let leads: &[u8] = b"id,handed_off_at,persona\nA,2027-01-04 09:00,Directeur G\xe9n\xe9ral\nB,2027-01-04 09:00,Gesch\xe4ftsf\xfchrer\n";
    let acts = "lead,at,kind\nA,2027-01-04 09:30,call\nB,2027-01-04 09:30,call\n";
    let p = simple(
        "cp1252",
        DIRECTEUR,
        &tables("encoding = \"windows-1252\"", ""),
        leads,
        acts,
    );
    let v = run(&p);
    assert_eq!(counts(&v), (2, 2, 0), "{:?}", v.issues);
    assert_eq!(met_missed(&v, "directeur", "2027-01"), (1, 0));
    assert!(v.warnings.is_empty(), "{:?}", v.warnings);
    let b = why(&p, "B");
    assert_eq!(b.rules[0].outcome, "not judged");
    assert!(
        b.rules[0].reason.contains("Geschäftsführer"),
        "{}",
        b.rules[0].reason
    );
    // `latin1` names the same decoding (WHATWG maps it to windows-1252).
    let p = simple(
        "latin1",
        DIRECTEUR,
        &tables("encoding = \"latin1\"", ""),
        leads,
        acts,
    );
    assert_eq!(met_missed(&run(&p), "directeur", "2027-01"), (1, 0));
}

#[test]
fn utf16_with_a_byte_order_mark_either_way() {
    let leads =
        "id,handed_off_at,persona\nA,2027-01-04 09:00,Directeur Général\nB,2027-01-04 09:00,CEO\n";
    let acts = "lead,at,kind\nA,2027-01-04 09:30,call\nB,2027-01-04 09:30,call\n";
    for (leads_le, acts_le) in [(true, false), (false, true)] {
        let p = simple(
            "utf16",
            DIRECTEUR,
            &tables("encoding = \"utf-16\"", "encoding = \"utf-16\""),
            utf16(leads, leads_le),
            utf16(acts, acts_le),
        );
        let v = run(&p);
        assert_eq!(counts(&v), (2, 2, 0), "{:?}", v.issues);
        assert_eq!(met_missed(&v, "directeur", "2027-01"), (1, 0));
    }
}

#[test]
fn utf16_without_a_byte_order_mark_is_fatal_and_names_utf16le() {
    let leads = "id,handed_off_at\nA,2027-01-04 09:00\n";
    let no_bom: Vec<u8> = leads.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let p = simple(
        "utf16-nobom",
        SPEED,
        &tables("encoding = \"utf-16\"", ""),
        &no_bom,
        "lead,at,kind\n",
    );
    let err = run_err(&p);
    assert_eq!(code(&err), "accord::E113", "{err}");
    assert!(matches!(&err, RunError::Data(e) if matches!(**e, DataError::Malformed { .. })));
    assert!(err.to_string().contains("byte-order mark"), "{err}");
    assert!(help(&err).contains("utf-16le"), "{}", help(&err));
    // Named with its byte order, the same bytes read.
    let p = simple(
        "utf16le",
        SPEED,
        &tables("encoding = \"utf-16le\"", ""),
        &no_bom,
        "lead,at,kind\n",
    );
    assert_eq!(counts(&run(&p)).0, 1);
}

#[test]
fn a_byte_not_valid_in_utf8_is_an_issue_whose_fix_names_windows_1252() {
    let leads: &[u8] = b"id,handed_off_at,persona\nA,2027-01-04 09:00,Directeur G\xe9n\xe9ral\nB,2027-01-04 09:00,CEO\n";
    let acts = "lead,at,kind\nB,2027-01-04 09:30,call\n";
    let p = simple("bad-utf8", DIRECTEUR, &tables("", ""), leads, acts);
    let v = run(&p);
    assert_eq!(
        issues(&v),
        [issue(
            "leads.csv",
            2,
            Some("persona"),
            "not valid UTF-8 text"
        )]
    );
    assert_eq!(counts(&v), (1, 1, 1));
    let groups = accord::report::issues::group(&v.issues);
    assert_eq!(groups.len(), 1);
    let fix = groups[0].fix.clone().unwrap_or_default();
    assert!(fix.contains("encoding = \"windows-1252\""), "{fix}");
    let human = accord::report::issues::human(&v.issues, "");
    assert!(
        human.contains(
            "1 × not valid UTF-8 text in `persona` (line 2) — set `encoding = \"windows-1252\"`"
        ),
        "{human}"
    );
}

#[test]
fn an_unknown_encoding_label_is_refused_at_its_line() {
    let r = refused("[leads]\npath = \"l.csv\"\n\n[activities]\nencoding = \"klingon\"\n");
    assert_eq!(r.line, 5);
    assert!(
        r.message.starts_with("unknown encoding `klingon`"),
        "{}",
        r.message
    );
    assert!(r.message.contains("windows-1252"), "{}", r.message);
}

// ---------------------------------------------------------------- time_format

#[test]
fn us_times_with_am_pm_and_a_narrow_no_break_space() {
    let leads = "id,handed_off_at\nA,\"3/4/2027, 6:50 AM\"\nB,\"3/4/2027, 6:50\u{202f}PM\"\nC,\"12/31/2027, 12:05 AM\"\nD,\"7/1/2027, 12:30 PM\"\n";
    let p = simple(
        "us",
        SPEED,
        &tables("time_format = \"%m/%d/%Y, %I:%M %p\"", ""),
        leads,
        "lead,at,kind\n",
    );
    let v = run(&p);
    assert_eq!(counts(&v), (4, 0, 0), "{:?}", v.issues);
    assert_eq!(handed_off(&p, "A"), "2027-03-04T06:50:00+01:00");
    assert_eq!(handed_off(&p, "B"), "2027-03-04T18:50:00+01:00");
    assert_eq!(handed_off(&p, "C"), "2027-12-31T00:05:00+01:00");
    assert_eq!(handed_off(&p, "D"), "2027-07-01T12:30:00+02:00");
}

#[test]
fn german_times_in_leads_and_activities() {
    let leads = "id,handed_off_at\nA,\"04.03.2027, 18:50\"\nB,\"15.07.2027, 09:00\"\n";
    let acts = "lead,at,kind\nA,\"04.03.2027, 19:40\",call\nB,\"15.07.2027, 10:00\",call\n";
    let format = "time_format = \"%d.%m.%Y, %H:%M\"";
    let p = simple("german", SPEED, &tables(format, format), leads, acts);
    let v = run(&p);
    assert_eq!(counts(&v), (2, 2, 0), "{:?}", v.issues);
    assert_eq!(handed_off(&p, "A"), "2027-03-04T18:50:00+01:00");
    assert_eq!(handed_off(&p, "B"), "2027-07-15T09:00:00+02:00");
    assert_eq!(met_missed(&v, "speed", "2027-03"), (1, 0));
    assert_eq!(
        met_missed(&v, "speed", "2027-07"),
        (1, 0),
        "10:00 is exactly 1h"
    );
}

#[test]
fn a_list_of_formats_is_tried_in_order_then_iso() {
    let leads = "id,handed_off_at\nA,05/03/2027 10:00\nB,03/25/2027 10:00\nC,2027-03-06 08:00\n";
    let p = simple(
        "list",
        SPEED,
        &tables("time_format = [\"%d/%m/%Y %H:%M\", \"%m/%d/%Y %H:%M\"]", ""),
        leads,
        "lead,at,kind\n",
    );
    assert_eq!(counts(&run(&p)), (3, 0, 0));
    assert_eq!(handed_off(&p, "A"), "2027-03-05T10:00:00+01:00");
    assert_eq!(handed_off(&p, "B"), "2027-03-25T10:00:00+01:00");
    assert_eq!(handed_off(&p, "C"), "2027-03-06T08:00:00+01:00");
    // The other way round, the first pattern that reads a value wins.
    let p = simple(
        "list-reversed",
        SPEED,
        &tables("time_format = [\"%m/%d/%Y %H:%M\", \"%d/%m/%Y %H:%M\"]", ""),
        leads,
        "lead,at,kind\n",
    );
    assert_eq!(handed_off(&p, "A"), "2027-05-03T10:00:00+02:00");
    assert_eq!(handed_off(&p, "B"), "2027-03-25T10:00:00+01:00");
}

#[test]
fn a_pattern_with_an_offset_is_not_read_as_local() {
    let leads = "id,handed_off_at\nA,2027/03/04 06:50 +0000\nB,2027/07/01 06:50 -0500\n";
    let p = simple(
        "offset",
        SPEED,
        &tables("time_format = \"%Y/%m/%d %H:%M %z\"", ""),
        leads,
        "lead,at,kind\n",
    );
    assert_eq!(counts(&run(&p)), (2, 0, 0));
    assert_eq!(handed_off(&p, "A"), "2027-03-04T07:50:00+01:00");
    assert_eq!(handed_off(&p, "B"), "2027-07-01T13:50:00+02:00");
}

#[test]
fn a_time_no_format_reads_is_an_issue_naming_the_formats() {
    let acts =
        "lead,at,kind\nA,\"04.01.2027, 09:30\",call\nB,yesterday,call\nB,2027/01/04 09:30,call\n";
    let p = simple(
        "no-format",
        SPEED,
        &tables(
            "",
            "time_format = [\"%d.%m.%Y, %H:%M\", \"%d-%m-%Y %H:%M\"]",
        ),
        LEADS,
        acts,
    );
    let v = run(&p);
    let reason =
        "matches no time_format (`%d.%m.%Y, %H:%M`, `%d-%m-%Y %H:%M`) and is not an ISO 8601 time";
    assert_eq!(
        issues(&v),
        [
            issue(
                "activities.csv",
                3,
                Some("at"),
                &format!("invalid time \"yesterday\": {reason}")
            ),
            issue(
                "activities.csv",
                4,
                Some("at"),
                &format!("invalid time \"2027/01/04 09:30\": {reason}")
            ),
        ]
    );
    assert_eq!(counts(&v), (2, 1, 2));
    // The grouped summary points at `time_format`.
    let groups = accord::report::issues::group(&v.issues);
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert_eq!(groups[0].count, 2);
    assert!(
        groups[0]
            .fix
            .as_deref()
            .unwrap_or("")
            .contains("time_format"),
        "{groups:?}"
    );
}

#[test]
fn a_custom_format_in_a_daylight_saving_gap_is_an_issue_and_a_repeated_hour_the_earlier() {
    let leads = "id,handed_off_at\nG,\"28.03.2027, 02:30\"\nR,\"31.10.2027, 02:30\"\n";
    let p = simple(
        "dst",
        SPEED,
        &tables("time_format = \"%d.%m.%Y, %H:%M\"", ""),
        leads,
        "lead,at,kind\n",
    );
    let v = run(&p);
    assert_eq!(
        issues(&v),
        [issue(
            "leads.csv",
            2,
            Some("handed_off_at"),
            "invalid time \"28.03.2027, 02:30\": 2027-03-28 02:30:00 does not exist in \
             Europe/Amsterdam (daylight-saving gap)"
        )]
    );
    assert_eq!(handed_off(&p, "R"), "2027-10-31T02:30:00+02:00");
    // No setting fixes a gap: the group offers none.
    let groups = accord::report::issues::group(&v.issues);
    assert_eq!(groups[0].fix, None, "{groups:?}");
}

#[test]
fn patterns_chrono_cannot_read_or_without_an_hour_are_refused() {
    let r = refused("[leads]\npath = \"l.csv\"\ntime_format = \"%Q\"\n");
    assert_eq!(r.line, 3);
    assert!(r.message.contains("time_format `%Q`"), "{}", r.message);
    assert!(
        r.message.contains("not a strftime pattern"),
        "{}",
        r.message
    );

    let r = refused(
        "[leads]\npath = \"l.csv\"\n\n[activities]\npath = \"a.csv\"\ntime_format = [\"%d.%m.%Y, %H:%M\", \"%d.%m.%Y\"]\n",
    );
    assert_eq!(r.line, 6);
    assert!(
        r.message.contains("time_format `%d.%m.%Y`"),
        "{}",
        r.message
    );
    assert!(r.message.contains("no hour"), "{}", r.message);

    let r = refused("[leads]\ntime_format = \"%H:%M\"\n");
    assert_eq!(r.line, 2);
    assert!(r.message.contains("no day"), "{}", r.message);
}

// ---------------------------------------------------------------- durations

fn mean_spent(v: &Verdict) -> f64 {
    window(v, "depth", "2027-01")["stats"]["mean_spent_s"]
        .as_f64()
        .unwrap()
}

#[test]
fn duration_units_minutes_and_milliseconds() {
    let acts = "lead,at,kind,duration\nA,2027-01-04 09:30,call,1.5\nB,2027-01-04 09:30,call,61\n";
    let p = simple(
        "min",
        DEPTH,
        &tables("", "duration_unit = \"min\""),
        LEADS,
        acts,
    );
    let v = run(&p);
    assert_eq!(counts(&v), (2, 2, 0), "{:?}", v.issues);
    assert_eq!(
        breaches(&v, "depth", "2027-01"),
        [(
            "B".to_owned(),
            "1h1m spent, more than the 1h a lead is worth".to_owned()
        )]
    );
    assert_eq!(mean_spent(&v), (90.0 + 3660.0) / 2.0);

    let acts =
        "lead,at,kind,duration\nA,2027-01-04 09:30,call,90000\nB,2027-01-04 09:30,call,3600001\n";
    let p = simple(
        "ms",
        DEPTH,
        &tables("", "duration_unit = \"ms\""),
        LEADS,
        acts,
    );
    let v = run(&p);
    assert_eq!(counts(&v), (2, 2, 0), "{:?}", v.issues);
    assert_eq!(
        breaches(&v, "depth", "2027-01")
            .iter()
            .map(|b| b.0.as_str())
            .collect::<Vec<_>>(),
        ["B"]
    );
    assert_eq!(mean_spent(&v), (90.0 + 3600.001) / 2.0);
}

#[test]
fn duration_formats_hours_minutes_and_minutes_seconds() {
    let acts =
        "lead,at,kind,duration\nA,2027-01-04 09:30,call,00:30\nB,2027-01-04 09:30,call,1:01\n";
    let p = simple(
        "hmm",
        DEPTH,
        &tables("", "duration_format = \"h:mm\""),
        LEADS,
        acts,
    );
    let v = run(&p);
    assert_eq!(counts(&v), (2, 2, 0), "{:?}", v.issues);
    assert_eq!(mean_spent(&v), (1800.0 + 3660.0) / 2.0);
    assert_eq!(
        breaches(&v, "depth", "2027-01"),
        [(
            "B".to_owned(),
            "1h1m spent, more than the 1h a lead is worth".to_owned()
        )]
    );
    // Three parts are still hours, minutes and seconds.
    let acts =
        "lead,at,kind,duration\nA,2027-01-04 09:30,call,0:05:30\nB,2027-01-04 09:30,call,75:00\n";
    let p = simple(
        "mmss",
        DEPTH,
        &tables("", "duration_format = \"mm:ss\""),
        LEADS,
        acts,
    );
    let v = run(&p);
    assert_eq!(counts(&v), (2, 2, 0), "{:?}", v.issues);
    assert_eq!(mean_spent(&v), (330.0 + 4500.0) / 2.0);
    // Without a format, a two-part reading is refused rather than guessed.
    let acts = "lead,at,kind,duration\nA,2027-01-04 09:30,call,00:30\n";
    let v = run(&simple("h-mm-ss", DEPTH, &tables("", ""), LEADS, acts));
    assert_eq!(issues(&v).len(), 1);
    assert!(
        v.issues[0].message.contains("duration_format"),
        "{:?}",
        v.issues
    );
}

#[test]
fn a_clock_reading_out_of_its_format_is_an_issue() {
    let acts = "lead,at,kind,duration\nA,2027-01-04 09:30,call,0:75\nB,2027-01-04 09:30,call,abc\n";
    let p = simple(
        "bad-clock",
        DEPTH,
        &tables("", "duration_format = \"h:mm\""),
        LEADS,
        acts,
    );
    let v = run(&p);
    assert_eq!(
        issues(&v),
        [
            issue(
                "activities.csv",
                2,
                Some("duration"),
                "invalid duration \"0:75\": minutes and seconds must be below 60"
            ),
            issue(
                "activities.csv",
                3,
                Some("duration"),
                "invalid duration \"abc\": expected whole seconds or H:MM:SS"
            ),
        ]
    );
}

#[test]
fn bad_duration_settings_are_refused() {
    let r = refused("[activities]\npath = \"a.csv\"\nduration_format = \"hh:mm\"\n");
    assert_eq!(r.line, 3);
    assert!(
        r.message.contains("unknown variant `hh:mm`"),
        "{}",
        r.message
    );
    assert!(r.message.contains("`h:mm`"), "{}", r.message);
    let r = refused("[activities]\nduration_unit = \"minutes\"\n");
    assert_eq!(r.line, 2);
    assert!(
        r.message.contains("unknown variant `minutes`"),
        "{}",
        r.message
    );
}

#[test]
fn max_duration_without_a_duration_column_is_fatal_naming_the_rule() {
    let acts = "lead,at,kind\nA,2027-01-04 09:30,call\n";
    let err = run_err(&simple("no-duration", DEPTH, &tables("", ""), LEADS, acts));
    assert_eq!(code(&err), "accord::E112", "{err}");
    let RunError::Data(e) = &err else {
        panic!("{err:?}")
    };
    let DataError::MissingField { field, rule, .. } = &**e else {
        panic!("{e:?}")
    };
    assert_eq!((field.as_str(), rule.as_str()), ("duration", "depth"));
    assert!(
        err.to_string().contains("rule `depth` uses `duration`"),
        "{err}"
    );
}

// ---------------------------------------------------------------- kind

#[test]
fn a_file_of_one_kind_needs_no_kind_column() {
    let acts = "lead,at\nA,2027-01-04 09:30\nB,2027-01-04 11:00\n";
    let p = simple("kind", SPEED, &tables("", "kind = \"call\""), LEADS, acts);
    let v = run(&p);
    assert_eq!(counts(&v), (2, 2, 0));
    assert_eq!(met_missed(&v, "speed", "2027-01"), (1, 1));
    // A `kind` column, if there is one, is not read.
    let acts = "lead,at,kind\nA,2027-01-04 09:30,email\nB,2027-01-04 09:30,email\n";
    let p = simple(
        "kind-column",
        SPEED,
        &tables("", "kind = \"call\""),
        LEADS,
        acts,
    );
    assert_eq!(met_missed(&run(&p), "speed", "2027-01"), (2, 0));
    // Without `kind`, the same file needs its column.
    let acts = "lead,at\nA,2027-01-04 09:30\n";
    let err = run_err(&simple("no-kind", SPEED, &tables("", ""), LEADS, acts));
    assert_eq!(code(&err), "accord::E111", "{err}");
}

#[test]
fn kind_on_the_leads_is_refused_at_its_line() {
    let r = refused("agreement = \"a.sla\"\n[leads]\npath = \"l.csv\"\nkind = \"call\"\n");
    assert_eq!(r.line, 4);
    assert_eq!(r.spanned, "\"call\"");
    assert_eq!(r.message, "`kind` is set on the leads");
    assert!(r.help.contains("[activities]"), "{}", r.help);
}

// ---------------------------------------------------------------- split

#[test]
fn a_split_lead_cell_makes_one_activity_per_lead() {
    let leads = "id,handed_off_at\nA,2027-01-04 09:00\nB,2027-01-04 09:00\nC,2027-01-04 09:00\n";
    let acts = "lead,at,kind\n\
                A;B,2027-01-04 09:30,call\n\
                C; ;,2027-01-04 09:30,call\n\
                A;Z,2027-01-04 11:00,call\n\
                ;;,2027-01-04 11:00,call\n\
                Y;X,2027-01-04 11:00,call\n";
    let p = simple(
        "split",
        SPEED,
        &tables("", "split = { lead = \";\" }"),
        leads,
        acts,
    );
    let v = run(&p);
    assert_eq!(
        issues(&v),
        [
            issue("activities.csv", 4, None, "activity of unknown lead \"Z\""),
            issue("activities.csv", 5, Some("lead"), "missing lead id"),
            issue("activities.csv", 6, None, "activity of unknown lead \"Y\""),
            issue("activities.csv", 6, None, "activity of unknown lead \"X\""),
        ]
    );
    // Rows in, counted with their pieces: 2 + 1 + 2 + 1 + 2 = 8 = 4 used
    // (A, B, C and the A of `A;Z`) + 4 issues.
    assert_eq!(counts(&v), (3, 4, 4));
    assert_eq!(met_missed(&v, "speed", "2027-01"), (3, 0));
    // A's two calls are both its own: the later one is listed too.
    let a = why(&p, "A");
    assert_eq!(a.rules[0].outcome, "met");
    assert!(
        a.rules[0]
            .steps
            .iter()
            .any(|s| s.contains("only the first counts")),
        "{:?}",
        a.rules[0].steps
    );
    // Without `split`, `A;B` is one unknown lead, and the fix says so.
    let v = run(&simple("no-split", SPEED, &tables("", ""), leads, acts));
    assert!(
        v.issues
            .iter()
            .any(|i| i.line == 2 && i.message == "activity of unknown lead \"A;B\""),
        "{:?}",
        v.issues
    );
    let groups = accord::report::issues::group(&v.issues);
    let unknown = groups
        .iter()
        .find(|g| g.reason == "activity of unknown lead")
        .unwrap();
    assert_eq!(
        unknown.fix.as_deref(),
        Some("set `split = { lead = \";\" }`: a cell lists several leads")
    );
}

#[test]
fn a_split_of_another_field_is_refused() {
    let r = refused("[activities]\npath = \"a.csv\"\nsplit = { outcome = \";\" }\n");
    assert_eq!(r.line, 3);
    assert_eq!(r.message, "`split` of `outcome` in [activities]");
    let r = refused("[leads]\npath = \"l.csv\"\nsplit = { id = \";\" }\n");
    assert_eq!(r.line, 3);
    assert_eq!(r.message, "`split` of `id` in [leads]");
    let r = refused(
        "[[activities]]\npath = \"a.csv\"\nsplit = { lead = \";\" }\n\n[[activities]]\npath = \"b.csv\"\nsplit = { owner = \",\" }\n",
    );
    assert_eq!(r.line, 7);
    assert_eq!(r.message, "`split` of `owner` in [activities]");
}

// ---------------------------------------------------------------- ids

#[test]
fn salesforce_ids_of_15_and_18_characters_are_one_lead() {
    // Published pairs: a0RE000000IJmcN → …MAT, 001M000000qfPyS → …IAU,
    // a01M00000062mPg → …IAI, 0F9E000000092w2 → …KAA.
    let leads = "id,handed_off_at\n\
                 a0RE000000IJmcN,2027-01-04 09:00\n\
                 001M000000qfPySIAU,2027-01-04 09:00\n\
                 a01M00000062mPg,2027-01-04 09:00\n\
                 0F9E000000092w2,2027-01-04 09:00\n\
                 L1,2027-01-04 09:00\n";
    let acts = "lead,at,kind\n\
                a0RE000000IJmcNMAT,2027-01-04 09:30,call\n\
                001M000000qfPyS,2027-01-04 09:30,call\n\
                a01M00000062mPgiai,2027-01-04 09:30,call\n\
                L1,2027-01-04 09:30,call\n";
    let p = simple(
        "sf",
        SPEED,
        &tables("ids = \"salesforce\"", ""),
        leads,
        acts,
    );
    let v = run(&p);
    assert_eq!(counts(&v), (5, 4, 0), "{:?}", v.issues);
    assert_eq!(met_missed(&v, "speed", "2027-01"), (4, 1));
    // The 18-character form is reported.
    assert_eq!(
        breaches(&v, "speed", "2027-01")
            .iter()
            .map(|b| b.0.as_str())
            .collect::<Vec<_>>(),
        ["0F9E000000092w2KAA"]
    );
    let e = why(&p, "a0RE000000IJmcN");
    assert_eq!(e.lead, "a0RE000000IJmcNMAT");
    assert_eq!(e.rules[0].outcome, "met");
    assert_eq!(why(&p, "001M000000qfPyS").lead, "001M000000qfPySIAU");
    // Ids are case-sensitive in their first fifteen characters.
    assert!(matches!(
        explain(&p, options(), "A0RE000000IJMCN"),
        Err(RunError::UnknownLead { .. })
    ));
    // Set on the activities table alone, it applies to both.
    let p = simple(
        "sf-acts",
        SPEED,
        &tables("", "ids = \"salesforce\""),
        leads,
        acts,
    );
    assert_eq!(counts(&run(&p)), (5, 4, 0));
}

#[test]
fn exact_ids_keep_15_and_18_characters_apart_and_the_fix_says_so() {
    let leads = "id,handed_off_at\na0RE000000IJmcN,2027-01-04 09:00\n";
    let acts = "lead,at,kind\na0RE000000IJmcNMAT,2027-01-04 09:30,call\n";
    let v = run(&simple("sf-exact", SPEED, &tables("", ""), leads, acts));
    assert_eq!(
        issues(&v),
        [issue(
            "activities.csv",
            2,
            None,
            "activity of unknown lead \"a0RE000000IJmcNMAT\""
        )]
    );
    let groups = accord::report::issues::group(&v.issues);
    assert!(
        groups[0]
            .fix
            .as_deref()
            .unwrap_or("")
            .contains("ids = \"salesforce\""),
        "{groups:?}"
    );
    // With salesforce ids, both forms of one id in the leads are one lead twice.
    let leads =
        "id,handed_off_at\na0RE000000IJmcN,2027-01-04 09:00\na0RE000000IJmcNMAT,2027-01-04 09:00\n";
    let v = run(&simple(
        "sf-dup",
        SPEED,
        &tables("ids = \"salesforce\"", ""),
        leads,
        acts,
    ));
    assert_eq!(counts(&v).0, 1);
    assert_eq!(v.issues.len(), 1, "{:?}", v.issues);
    assert_eq!(v.issues[0].line, 3);
    assert!(
        v.issues[0].message.starts_with("duplicate lead id"),
        "{:?}",
        v.issues
    );
}

#[test]
fn an_unknown_ids_setting_is_refused() {
    let r = refused("[leads]\npath = \"l.csv\"\nids = \"sfdc\"\n");
    assert_eq!(r.line, 3);
    assert!(
        r.message.contains("unknown variant `sfdc`"),
        "{}",
        r.message
    );
    assert!(r.message.contains("`salesforce`"), "{}", r.message);
}

// ---------------------------------------------------------------- [[activities]]

const SEVERAL: &str = "[leads]\npath = \"leads.csv\"\n\n\
     [[activities]]\npath = \"calls.csv\"\nkind = \"call\"\n\n\
     [[activities]]\npath = \"emails.csv\"\nkind = \"email\"\ncolumns = { lead = \"Contact\" }\n";

#[test]
fn several_activity_files_are_one_stream_and_issues_name_their_own_file() {
    let f = Files::new("several");
    f.put("leads.csv", LEADS);
    f.put(
        "calls.csv",
        "lead,at\nA,2027-01-04 09:30\nZ,2027-01-04 09:30\n",
    );
    f.put(
        "emails.csv",
        "Contact,at\nY,2027-01-04 09:10\nB,2027-01-04 09:10\nA,2027-01-04 09:05\n",
    );
    let p = f.project(SPEED, SEVERAL);
    assert_eq!(p.activities.len(), 2);
    let v = run(&p);
    assert_eq!(
        issues(&v),
        [
            issue("calls.csv", 3, None, "activity of unknown lead \"Z\""),
            issue("emails.csv", 2, None, "activity of unknown lead \"Y\""),
        ]
    );
    assert_eq!(counts(&v), (2, 3, 2));
    // A's first call is in the first file, its e-mail earlier in the second;
    // B only had an e-mail.
    assert_eq!(met_missed(&v, "speed", "2027-01"), (1, 1));
    // Each activity keeps the line of its own file.
    let steps = why(&p, "A").rules[0].steps.clone();
    for step in [
        "2027-01-04T09:05:00+01:00 email (line 4): not what this rule counts",
        "2027-01-04T09:30:00+01:00 call (line 2): the first touch",
    ] {
        assert!(steps.iter().any(|s| s == step), "{step}: {steps:?}");
    }
}

/// Calls until one connects: a tie between files decides the count.
const TRIES: &str = r#"
  attempts "tries" {
    owner sales
    count call
    between 1 and 9 within 14d otherwise
    until outcome is "connected"
    target 100% each month
  }
"#;

#[test]
fn activities_at_one_instant_keep_the_order_of_the_files() {
    let f = Files::new("ties");
    f.put("leads.csv", "id,handed_off_at\nA,2027-01-04 09:00\n");
    f.put(
        "first.csv",
        "lead,at,outcome\nA,2027-01-04 10:00,connected\n",
    );
    f.put(
        "second.csv",
        "lead,at,outcome\nA,2027-01-04 10:00,no answer\n",
    );
    let config = |a: &str, b: &str| {
        format!(
            "[leads]\npath = \"leads.csv\"\n[[activities]]\npath = \"{a}\"\nkind = \"call\"\n[[activities]]\npath = \"{b}\"\nkind = \"call\"\n"
        )
    };
    let distribution =
        |p: &Project| window(&run(p), "tries", "2027-01")["stats"]["distribution"].clone();
    let p = f.project(TRIES, &config("first.csv", "second.csv"));
    assert_eq!(distribution(&p), json!([{"attempts": 1, "leads": 1}]));
    let p = f.project(TRIES, &config("second.csv", "first.csv"));
    assert_eq!(distribution(&p), json!([{"attempts": 2, "leads": 1}]));
    let steps = why(&p, "A").rules[0].steps.clone();
    assert!(
        steps
            .iter()
            .any(|s| s.contains("attempt 2, which ends the count")),
        "{steps:?}"
    );
}

#[test]
fn activities_on_the_command_line_replace_every_table_and_read_as_the_first() {
    let f = Files::new("override");
    f.put("leads.csv", LEADS);
    f.put("calls.csv", "lead,at\nZ,2027-01-04 09:30\n");
    f.put("emails.csv", "Contact,at\nZ,2027-01-04 09:10\n");
    let other = f.put(
        "other.csv",
        "lead,at\nA,2027-01-04 09:30\nB,2027-01-04 10:30\n",
    );
    f.agreement(SPEED);
    let config = f.toml(SEVERAL);
    let p = resolve(&Overrides {
        config: Some(config),
        activities: Some(other.clone()),
        ..Overrides::default()
    })
    .unwrap();
    assert_eq!(p.activities, [other]);
    let v = run(&p);
    // No issue: neither table's file was read; the first's `kind` was used.
    assert_eq!(counts(&v), (2, 2, 0), "{:?}", v.issues);
    assert_eq!(met_missed(&v, "speed", "2027-01"), (1, 1));
}

#[test]
fn an_activities_table_without_a_path_is_an_error_naming_it() {
    let f = Files::new("no-path");
    f.agreement(SPEED);
    let config = f.toml("[leads]\npath = \"l.csv\"\n[[activities]]\npath = \"a.csv\"\n[[activities]]\nkind = \"call\"\n");
    let err = resolve(&Overrides {
        config: Some(config),
        ..Overrides::default()
    })
    .err()
    .unwrap();
    assert_eq!(code(&err), "accord::E120", "{err}");
    assert!(
        help(&err).contains("the 2nd activities table in accord.toml has no `path`"),
        "{}",
        help(&err)
    );
}

// ---------------------------------------------------------------- [people]

#[test]
fn people_map_display_names_and_user_ids_to_members() {
    let rules = r#"
  response "speed" {
    owner sales
    first call
    within 1h otherwise
    target 90% each month per owner
  }
"#;
    let leads = "id,handed_off_at,owner\n\
                 A,2027-01-04 09:00,Ann de Vries\n\
                 B,2027-01-04 09:00,0058d000004ZtAnAAK\n\
                 C,2027-01-04 09:00,bob@x.example\n";
    let acts =
        "lead,at,kind\nA,2027-01-04 09:30,call\nB,2027-01-04 11:00,call\nC,2027-01-04 09:30,call\n";
    let config = format!(
        "{}\n[people]\n\"Ann de Vries\" = \"ann@x.example\"\n\"0058d000004ZtAnAAK\" = \"ann@x.example\"\n",
        tables("", "")
    );
    let v = run(&simple("people", rules, &config, leads, acts));
    let rule = v.rules.iter().find(|r| r.name == "speed").unwrap();
    let january: Vec<(Option<String>, u64, u64)> = rule
        .windows
        .iter()
        .filter(|w| w.window == "2027-01")
        .map(|w| {
            let j = serde_json::to_value(w).unwrap();
            (
                w.group.clone(),
                j["counts"]["met"].as_u64().unwrap(),
                j["counts"]["missed"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        january,
        [
            (Some("ann@x.example".to_owned()), 1, 1),
            (Some("bob@x.example".to_owned()), 1, 0),
        ]
    );
    assert!(
        rule.windows.iter().all(|w| w
            .group
            .as_deref()
            .is_some_and(|g| g.ends_with("@x.example"))),
        "no group under a CRM's name"
    );
}

#[test]
fn a_person_mapped_to_a_list_is_refused() {
    let r = refused("[people]\n\"Ann de Vries\" = [\"ann@x.example\"]\n");
    assert_eq!(r.line, 2);
    assert!(r.message.starts_with("invalid type"), "{}", r.message);
}

// ---------------------------------------------------------------- [values]

#[test]
fn values_map_the_export_s_labels_to_the_agreement_s_words() {
    let leads = "id,handed_off_at,source\n\
                 A,2027-01-04 09:00,Organic Search\n\
                 B,2027-01-04 09:00,Paid Search\n\
                 C,2027-01-04 09:00,Offline\n\
                 D,2027-01-04 09:00,organic search\n";
    // Calls logged as "Call" or "Phone call".
    let acts = "lead,at,kind\nA,2027-01-04 09:30,Call\nB,2027-01-04 11:00,Phone call\nC,2027-01-04 09:30,Call\n";
    let config = format!(
        "{}\n[values.source]\nmarketing = [\"Organic Search\", \"Paid Search\"]\n[values.kind]\ncall = [\"Call\", \"Phone call\"]\n",
        tables("", "")
    );
    let v = run(&simple("values", MARKETING_SPEED, &config, leads, acts));
    assert_eq!(counts(&v), (4, 3, 0));
    // A and B are marketing's (a label match is exact: not D); A's call in
    // time, B's late.
    assert_eq!(met_missed(&v, "speed", "2027-01"), (1, 1));
    assert!(v.warnings.is_empty(), "{:?}", v.warnings);
    // Without the maps nothing is marketing's, and the warnings say why.
    let v = run(&simple(
        "no-values",
        MARKETING_SPEED,
        &tables("", ""),
        leads,
        acts,
    ));
    assert_eq!(met_missed(&v, "speed", "2027-01"), (0, 0));
    let codes: Vec<&str> = v.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["W301", "W301", "W302"], "{:?}", v.warnings);
    let source = &v.warnings[0];
    assert_eq!(
        (source.field.as_deref(), source.literal.as_deref()),
        (Some("source"), Some("marketing"))
    );
    assert!(
        source
            .message
            .ends_with("map the export's labels to it with [values.source] in accord.toml"),
        "{}",
        source.message
    );
    // An activity field: its values are read back from the file.
    let kind = &v.warnings[1];
    assert_eq!(
        (kind.field.as_deref(), kind.literal.as_deref()),
        (Some("kind"), Some("call"))
    );
    assert_eq!(
        serde_json::to_value(&kind.seen).unwrap(),
        json!([{"value": "Call", "rows": 2}, {"value": "Phone call", "rows": 1}])
    );
    assert!(
        kind.message.ends_with("did you mean \"Call\"?"),
        "{}",
        kind.message
    );
}

#[test]
fn a_label_under_two_words_is_refused_at_its_line() {
    let text = "[leads]\npath = \"l.csv\"\n\n[values.source]\nmarketing = [\"Paid Search\", \"Organic\"]\nsales = \"Paid Search\"\n";
    let r = refused(text);
    assert_eq!(
        r.message,
        "`Paid Search` is listed under both `marketing` and `sales` in [values.source]"
    );
    // The span is the listing that repeats the label.
    assert!(
        r.spanned == "\"Paid Search\"" && r.line == 6,
        "{:?}",
        r.spanned
    );
    // A label repeated under one word is no conflict.
    let f = Files::new("same-word");
    let path = f.put(
        "accord.toml",
        "[values.source]\nmarketing = [\"Paid Search\", \"Paid Search\"]\n",
    );
    assert!(load_config(&path).is_ok());
}

#[test]
fn a_label_under_two_words_points_at_the_second_listing() {
    let text = "[leads]\npath = \"l.csv\"\n\n[values.source]\nmarketing = [\"Paid Search\", \"Organic\"]\nsales = \"Paid Search\"\n";
    let r = refused(text);
    assert_eq!(r.line, 6, "{:?}", r.spanned);
    assert!(!r.spanned.contains("[values.source]"), "{:?}", r.spanned);
}

// ---------------------------------------------------------------- presets

const HUBSPOT_CALLS: &str =
    "Associated Contact IDs,Activity date,Activity assigned to,Call duration,Call outcome\n\
     A;B,2027-01-04 09:30,Ann de Vries,90000,Connected\n";

#[test]
fn a_preset_fills_in_the_table_and_a_key_set_here_wins() {
    let p = simple(
        "preset",
        DEPTH,
        &tables("", "preset = \"hubspot-calls\""),
        LEADS,
        HUBSPOT_CALLS,
    );
    let v = run(&p);
    // Split on `;`, kind `call`, milliseconds.
    assert_eq!(counts(&v), (2, 2, 0), "{:?}", v.issues);
    assert_eq!(met_missed(&v, "depth", "2027-01"), (2, 0));
    assert_eq!(mean_spent(&v), 90.0);
    // The unit set here overrides the preset's: 90000 seconds each.
    let p = simple(
        "preset-unit",
        DEPTH,
        &tables("", "preset = \"hubspot-calls\"\nduration_unit = \"s\""),
        LEADS,
        HUBSPOT_CALLS,
    );
    let v = run(&p);
    assert_eq!(met_missed(&v, "depth", "2027-01"), (0, 2));
    assert_eq!(mean_spent(&v), 90_000.0);
    // A column named here overrides that column only.
    let renamed = HUBSPOT_CALLS.replace("Activity date", "Call time");
    let p = simple(
        "preset-column",
        DEPTH,
        &tables(
            "",
            "preset = \"hubspot-calls\"\ncolumns = { at = \"Call time\" }",
        ),
        LEADS,
        renamed,
    );
    let v = run(&p);
    assert_eq!(counts(&v), (2, 2, 0), "{:?}", v.issues);
    assert_eq!(mean_spent(&v), 90.0);
}

#[test]
fn an_unknown_preset_is_refused_with_the_nearest() {
    let r = refused("[activities]\npath = \"a.csv\"\npreset = \"hubspot-call\"\n");
    assert_eq!(r.line, 3);
    assert_eq!(
        r.message,
        "unknown preset `hubspot-call`: did you mean `hubspot-calls`?"
    );
    assert_eq!(r.spanned, "\"hubspot-call\"");
    // Nothing near: every preset is listed.
    let r = refused("[leads]\npreset = \"zoho\"\n");
    assert_eq!(r.line, 2);
    for name in [
        "hubspot-contacts",
        "salesforce-leads",
        "pipedrive-deals",
        "pipedrive-activities",
    ] {
        assert!(r.message.contains(&format!("`{name}`")), "{}", r.message);
    }
}

// ---------------------------------------------------------------- header matching

#[test]
fn a_header_matches_ignoring_case_when_only_one_does() {
    let leads = "ID, Handed_Off_At \nA,2027-01-04 09:00\n";
    let acts = "LEAD,At,KIND\nA,2027-01-04 09:30,call\n";
    let v = run(&simple("case", SPEED, &tables("", ""), leads, acts));
    assert_eq!(counts(&v), (1, 1, 0));
    assert_eq!(met_missed(&v, "speed", "2027-01"), (1, 0));
    // An exact name wins over a loose one.
    let leads = "ID,id,handed_off_at\nX,A,2027-01-04 09:00\n";
    let v = run(&simple("exact", SPEED, &tables("", ""), leads, acts));
    assert_eq!(met_missed(&v, "speed", "2027-01"), (1, 0));
    // Two that equal it ignoring case: neither is taken, and both are
    // named (E114; it was E111, as if the file had no `id`).
    let leads = "Id,ID,handed_off_at\nA,A,2027-01-04 09:00\n";
    let err = run_err(&simple("ambiguous", SPEED, &tables("", ""), leads, acts));
    assert_eq!(code(&err), "accord::E114", "{err}");
    assert!(
        err.to_string()
            .ends_with("two columns that could be `id`: `Id` (column 1) and `ID` (column 2)"),
        "{err}"
    );
}

#[test]
fn every_missing_column_is_named_in_one_error() {
    let rules = r#"
  response "ceo speed" {
    owner sales
    leads persona is "CEO"
    first call
    within 1h otherwise
  }
"#;
    let leads = "name,created,owner\nA,2027-01-04 09:00,ann\n";
    let err = run_err(&simple(
        "missing",
        rules,
        &tables("", ""),
        leads,
        "lead,at,kind\n",
    ));
    assert_eq!(code(&err), "accord::E111", "{err}");
    let text = err.to_string();
    assert!(
        text.ends_with(
            "lacks 3 columns: `id`, `handed_off_at`, `persona` used by rule `ceo speed`"
        ),
        "{text}"
    );
    // Mapped names are named as the export would have them.
    let acts = "Contact,When\nA,2027-01-04 09:30\n";
    let leads = "id,handed_off_at,persona\nA,2027-01-04 09:00,CEO\n";
    let err = run_err(&simple(
        "missing-mapped",
        rules,
        &tables("", "columns = { lead = \"Contact ID\", at = \"When\" }"),
        leads,
        acts,
    ));
    assert_eq!(code(&err), "accord::E111", "{err}");
    let text = err.to_string();
    assert!(
        text.ends_with("lacks 2 columns: `Contact ID` (for `lead`), `kind`"),
        "{text}"
    );
}

// ---------------------------------------------------------------- max_rejected

/// An activities file of `good` usable rows and `bad` rows with no time.
fn acts_with(good: usize, bad: usize) -> String {
    let mut text = String::from("lead,at,kind\n");
    for _ in 0..good {
        text.push_str("A,2027-01-04 09:30,call\n");
    }
    for _ in 0..bad {
        text.push_str("A,not a time,call\n");
    }
    text
}

#[test]
fn too_much_of_one_file_rejected_stops_the_run() {
    let p = simple("rejected", SPEED, &tables("", ""), LEADS, acts_with(29, 21));
    let err = run_err(&p);
    assert_eq!(code(&err), "accord::E125", "{err}");
    let RunError::Rejected {
        file,
        rejected,
        read,
        limit,
        issues,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(file_name(file), "activities.csv");
    assert_eq!((*rejected, *read, limit.as_str()), (21, 50, "10%"));
    assert_eq!(issues.len(), 21);
    assert!(issues.iter().all(|i| i.column.as_deref() == Some("at")));
    // explain stops too.
    assert!(matches!(
        explain(&p, options(), "A"),
        Err(RunError::Rejected { .. })
    ));
}

#[test]
fn twenty_rows_rejected_or_a_small_share_are_bad_rows_not_a_misread() {
    // 20 of 30: a large share, but not more than 20 rows.
    let v = run(&simple(
        "twenty",
        SPEED,
        &tables("", ""),
        LEADS,
        acts_with(10, 20),
    ));
    assert_eq!(counts(&v), (2, 10, 20));
    // 21 of 300: more than 20 rows, but 7%.
    let v = run(&simple(
        "share",
        SPEED,
        &tables("", ""),
        LEADS,
        acts_with(279, 21),
    ));
    assert_eq!(counts(&v), (2, 279, 21));
    // Each file on its own: 15 of 30 in each of two files.
    let f = Files::new("per-file");
    f.put("leads.csv", LEADS);
    f.put("one.csv", acts_with(15, 15));
    f.put("two.csv", acts_with(15, 15));
    let p = f.project(
        SPEED,
        "[leads]\npath = \"leads.csv\"\n[[activities]]\npath = \"one.csv\"\n[[activities]]\npath = \"two.csv\"\n",
    );
    assert_eq!(counts(&run(&p)), (2, 30, 30));
}

#[test]
fn max_rejected_raises_or_lowers_the_limit() {
    let config = format!("[data]\nmax_rejected = \"50%\"\n{}", tables("", ""));
    let v = run(&simple("fifty", SPEED, &config, LEADS, acts_with(29, 21)));
    assert_eq!(counts(&v), (2, 29, 21));
    // 0%: any share, once more than 20 rows.
    let config = format!("[data]\nmax_rejected = \"0%\"\n{}", tables("", ""));
    let err = run_err(&simple("zero", SPEED, &config, LEADS, acts_with(279, 21)));
    let RunError::Rejected { limit, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(limit, "0%");
    // The leads file is held to it as well.
    let mut leads = String::from("id,handed_off_at\n");
    for i in 0..9 {
        leads.push_str(&format!("L{i},2027-01-04 09:00\n"));
    }
    for i in 0..21 {
        leads.push_str(&format!("X{i},someday\n"));
    }
    let err = run_err(&simple(
        "leads-rejected",
        SPEED,
        &tables("", ""),
        leads,
        "lead,at,kind\n",
    ));
    let RunError::Rejected {
        file,
        rejected,
        read,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (file_name(file).as_str(), *rejected, *read),
        ("leads.csv", 21, 30)
    );
}

#[test]
fn a_max_rejected_that_is_no_share_is_refused() {
    for bad in ["abc", "150%", "10"] {
        let r = refused(&format!("[data]\nmax_rejected = \"{bad}\"\n"));
        assert_eq!(r.line, 2, "{bad}");
        assert!(
            r.message.contains(&format!("`{bad}` is not a share")),
            "{bad}: {}",
            r.message
        );
    }
}

// ---------------------------------------------------------------- W301, W302

#[test]
fn a_word_no_row_holds_warns_with_the_values_held_and_changes_nothing() {
    let word_rule = r#"
  response "marketing speed" {
    owner sales
    leads source is "Marketing"
    first call
    within 1h otherwise
    target 90% each month
  }
"#;
    let leads = "id,handed_off_at,source\n\
                 A,2027-01-04 09:00,marketing\n\
                 B,2027-01-04 09:00,marketing\n\
                 C,2027-01-04 09:00,marketing\n\
                 D,2027-01-04 09:00,events\n";
    let acts = "lead,at,kind\nA,2027-01-04 09:30,call\nB,2027-01-04 11:00,call\n";
    let with = run(&simple(
        "w301",
        &format!("{SPEED}{word_rule}"),
        &tables("", ""),
        leads,
        acts,
    ));
    let without = run(&simple("w301-none", SPEED, &tables("", ""), leads, acts));
    assert!(without.warnings.is_empty(), "{:?}", without.warnings);

    let agreement = format!("{HEAD}{SPEED}{word_rule}");
    let line_of = |needle: &str| agreement.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let w301 = &with.warnings[0];
    assert_eq!(w301.code, "W301");
    assert_eq!(w301.line, Some(line_of("\"Marketing\"")));
    assert_eq!(w301.field.as_deref(), Some("source"));
    assert_eq!(w301.literal.as_deref(), Some("Marketing"));
    assert_eq!(
        serde_json::to_value(&w301.seen).unwrap(),
        json!([{"value": "marketing", "rows": 3}, {"value": "events", "rows": 1}])
    );
    assert!(
        w301.message.ends_with("did you mean \"marketing\"?"),
        "{}",
        w301.message
    );
    let w302 = &with.warnings[1];
    assert_eq!(w302.code, "W302");
    assert_eq!(w302.line, Some(line_of("response \"marketing speed\"")));
    assert!(
        w302.message.contains("`marketing speed`"),
        "{}",
        w302.message
    );
    assert_eq!(with.warnings.len(), 2, "{:?}", with.warnings);

    // The rule both runs share is judged alike, and the document's status
    // is the same.
    let speed = |v: &Verdict| v.rules.iter().find(|r| r.name == "speed").cloned().unwrap();
    assert_eq!(speed(&with), speed(&without));
    assert_eq!(with.status, without.status);
    let marketing = with
        .rules
        .iter()
        .find(|r| r.name == "marketing speed")
        .unwrap();
    assert!(
        marketing.windows.iter().all(|w| {
            let j = serde_json::to_value(w).unwrap();
            j["counts"] == json!({"met": 0, "missed": 0, "open": 0, "excluded": 0})
                && (j["status"] == "no_data" || j["window"] == "2027-12")
        }),
        "{marketing:?}"
    );
}

#[test]
fn a_rule_whose_leads_match_none_handed_off_warns_w302_alone() {
    let rule = r#"
  response "events speed" {
    owner sales
    leads source is "events"
    first call
    within 1h otherwise
  }
"#;
    // The only events lead was never handed off.
    let leads = "id,handed_off_at,source\nA,2027-01-04 09:00,marketing\nE,,events\n";
    let acts = "lead,at,kind\nA,2027-01-04 09:30,call\n";
    let v = run(&simple("w302", rule, &tables("", ""), leads, acts));
    let codes: Vec<&str> = v.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["W302"], "{:?}", v.warnings);
    assert!(
        v.warnings[0]
            .message
            .contains("`leads source is \"events\"`"),
        "{}",
        v.warnings[0].message
    );
}

#[test]
fn warnings_do_not_change_the_exit_code() {
    let word_rule = r#"
  response "marketing speed" {
    owner sales
    leads source is "Marketing"
    first call
    within 1h otherwise
  }
"#;
    let leads =
        "id,handed_off_at,source\nA,2027-01-04 09:00,marketing\nB,2027-01-04 09:00,marketing\n";
    for (acts, exit) in [
        (
            "lead,at,kind\nA,2027-01-04 09:30,call\nB,2027-01-04 09:30,call\n",
            0,
        ),
        ("lead,at,kind\nA,2027-01-04 09:30,call\n", 1),
    ] {
        for (rules, warned) in [
            (SPEED.to_owned(), false),
            (format!("{SPEED}{word_rule}"), true),
        ] {
            let f = Files::new("exit");
            f.put("leads.csv", leads);
            f.put("activities.csv", acts);
            f.agreement(&rules);
            f.toml(&tables("", ""));
            let (out, err, code) =
                common::run_in(&f.dir, &["eval", "--as-of", AS_OF, "--format", "json"]);
            assert_eq!(code, exit, "warned {warned}: {err}");
            let doc: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(
                doc["warnings"].as_array().unwrap().len(),
                if warned { 2 } else { 0 },
                "{out}"
            );
        }
    }
}

// ---------------------------------------------------------------- accord data

#[test]
fn accord_data_reports_files_fields_and_word_rows() {
    let f = Files::new("data");
    f.put(
        "leads.csv",
        "id;handed_off_at;source\nA;2027-01-04 09:00;Paid Search\nB;2027-01-04 09:00;Organic Search\nC;2027-01-04 09:00;Offline\nD;2027-01-05 09:00;Paid Search\n",
    );
    f.put(
        "activities.csv",
        "lead,at,kind\nA,2027-01-04 09:30,call\nZ,2027-01-04 09:30,call\n",
    );
    f.agreement(MARKETING_SPEED);
    f.toml(&format!(
        "{}\n[values.source]\nmarketing = [\"Paid Search\", \"Organic Search\"]\n",
        tables("", "")
    ));
    let (out, err, code) = common::run_in(&f.dir, &["data", "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(code, 0, "{err}\n{out}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["readable"], true);
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    let leads = &files[0];
    assert_eq!(leads["table"], "leads");
    assert_eq!(leads["delimiter"], ";");
    assert_eq!(leads["encoding"], "UTF-8");
    assert_eq!(
        (
            leads["rows"].as_u64(),
            leads["used"].as_u64(),
            leads["issues"].as_u64()
        ),
        (Some(4), Some(4), Some(0))
    );
    let source = leads["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["field"] == "source")
        .unwrap();
    assert_eq!(source["column"], "source");
    let line = format!("{HEAD}{MARKETING_SPEED}")
        .lines()
        .position(|l| l.contains("\"marketing\""))
        .unwrap()
        + 1;
    assert_eq!(
        source["words"],
        json!([{"word": "marketing", "line": line, "rows": 3}])
    );
    let acts = &files[1];
    assert_eq!(acts["delimiter"], ",");
    assert_eq!(
        (
            acts["rows"].as_u64(),
            acts["used"].as_u64(),
            acts["issues"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(
        acts["issue_groups"][0]["reason"],
        "activity of unknown lead"
    );
    assert_eq!(acts["issue_groups"][0]["lines"], json!([3]));
}

#[test]
fn accord_data_exits_2_when_a_needed_column_is_missing() {
    let f = Files::new("data-missing");
    f.put("leads.csv", LEADS);
    f.put("activities.csv", "lead,at,kind\nA,2027-01-04 09:30,call\n");
    f.agreement(MARKETING_SPEED);
    f.toml(&tables("", ""));
    let (out, err, code) = common::run_in(&f.dir, &["data", "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(code, 2, "{err}\n{out}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["readable"], false);
    let problem = doc["problem"].as_str().unwrap();
    assert!(problem.contains("has no column for `source`"), "{problem}");
    let source = doc["files"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["field"] == "source")
        .unwrap();
    assert_eq!(source["column"], Value::Null);
    assert_eq!(source["needed"], true);
}

/// `accord data`'s rows, used and issues of the activities file read with
/// `table`, beside what an evaluation of the same project counted.
fn data_counts_beside_eval(name: &str, table: &str, acts: &str) -> ((u64, u64, u64), Verdict) {
    let f = Files::new(name);
    f.put("leads.csv", LEADS);
    f.put("activities.csv", acts);
    let p = f.project(SPEED, &tables("", table));
    let v = run(&p);
    let (out, err, code) = common::run_in(&f.dir, &["data", "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(code, 0, "{err}\n{out}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let acts = &doc["files"][1];
    let n = |key: &str| {
        acts[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key}: {acts}"))
    };
    ((n("rows"), n("used"), n("issues")), v)
}

#[test]
fn accord_data_counts_split_rows_as_eval_does() {
    // Two activities, then one used and one of an unknown lead.
    let acts = "lead,at,kind\nA;B,2027-01-04 09:30,call\nA;Z,2027-01-04 09:40,call\n";
    let ((rows, used, issues), v) =
        data_counts_beside_eval("data-split", "split = { lead = \";\" }", acts);
    assert_eq!(counts(&v), (2, 3, 1), "{:?}", v.issues);
    assert_eq!(issues, 1);
    assert_eq!(used, v.data.activities, "accord data's used vs eval's");
    assert_eq!(rows, used + issues, "rows counted with their pieces");
}

#[test]
fn accord_data_counts_a_broken_row_as_eval_does() {
    let acts = "lead,at,kind\nA,2027-01-04 09:30,call\nB,2027-01-04 09:50,call,extra\n";
    let ((rows, used, issues), v) = data_counts_beside_eval("data-broken", "", acts);
    assert_eq!(counts(&v), (2, 1, 1), "{:?}", v.issues);
    assert_eq!(issues, 1);
    assert_eq!(used, v.data.activities, "accord data's used vs eval's");
    assert_eq!(rows, used + issues);
}

// ---------------------------------------------------------------- the binary

#[test]
fn the_binary_exits_2_on_a_refused_config_and_on_a_misread_file() {
    let f = Files::new("bin");
    f.put("leads.csv", LEADS);
    f.put("activities.csv", acts_with(29, 21));
    f.agreement(SPEED);
    f.toml(&tables("", ""));
    let (_, err, code) = common::run_in(&f.dir, &["eval", "--as-of", AS_OF]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("E125"), "{err}");
    assert!(
        err.contains("21 × invalid time in `at`: \"not a time\""),
        "{err}"
    );
    assert!(err.contains("set `time_format`"), "{err}");
    let (_, err, code) = common::run_in(&f.dir, &["explain", "A", "--as-of", AS_OF]);
    assert_eq!(code, 2, "{err}");

    f.toml("[leads]\npath = \"leads.csv\"\ndelimiter = \";;\"\n[activities]\npath = \"activities.csv\"\n");
    let (_, err, code) = common::run_in(&f.dir, &["eval", "--as-of", AS_OF]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("E100"), "{err}");
    assert!(err.contains("accord.toml:4:"), "{err}");
}

// ---------------------------------------------------------------- in parts

#[test]
fn files_decoded_split_and_read_in_parts_give_the_same_verdict_and_lines() {
    // 200 leads in windows-1252; 300 calls in UTF-16 with German times,
    // most on two leads, some of an unknown lead, some at no real time.
    let mut leads = String::from("id,handed_off_at,persona\n");
    for i in 0..200 {
        let persona = if i % 2 == 0 {
            "Directeur Général"
        } else {
            "Geschäftsführer"
        };
        leads.push_str(&format!("L{i},2027-01-04 09:00,{persona}\n"));
    }
    let (leads_bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&leads);
    assert!(!unmappable);
    // `;` is the delimiter; a cell lists its leads separated by `|`.
    let mut acts = String::from("lead;at;kind\n");
    let mut expected: Vec<(u64, String)> = Vec::new();
    for k in 0..300u64 {
        let line = k + 2;
        let minute = 10 + k % 40;
        let lead = k % 200;
        if k % 37 == 5 {
            acts.push_str(&format!("Z{k}|L{lead};04.01.2027, 09:{minute};call\n"));
            expected.push((line, format!("activity of unknown lead \"Z{k}\"")));
        } else if k % 53 == 7 {
            acts.push_str(&format!("L{lead};31.02.2027, 09:{minute};call\n"));
            expected.push((line, "invalid time".to_owned()));
        } else {
            let next = (k + 1) % 200;
            acts.push_str(&format!("L{lead}|L{next};04.01.2027, 09:{minute};call\n"));
        }
    }
    let p = simple(
        "parts",
        DIRECTEUR,
        &tables(
            "encoding = \"windows-1252\"",
            "encoding = \"utf-16\"\nsplit = { lead = \"|\" }\ntime_format = \"%d.%m.%Y, %H:%M\"",
        ),
        &*leads_bytes,
        utf16(&acts, true),
    );
    let with = |split: accord::data::Split| match evaluate(&p, Options { split, ..options() }) {
        Ok(e) => e.verdict,
        Err(e) => panic!("{e}: {e:?}"),
    };
    let whole = with(accord::data::Split {
        threads: 1,
        min_bytes: u64::MAX,
    });
    let seen: Vec<(u64, String)> = whole
        .issues
        .iter()
        .map(|i| {
            let message = if i.message.starts_with("invalid time") {
                "invalid time".to_owned()
            } else {
                i.message.clone()
            };
            (i.line, message)
        })
        .collect();
    assert_eq!(seen, expected);
    let first_call_of_even = window(&whole, "directeur", "2027-01");
    assert_eq!(
        first_call_of_even["counts"]["missed"], 0,
        "{first_call_of_even}"
    );
    assert_eq!(
        first_call_of_even["counts"]["met"], 100,
        "{first_call_of_even}"
    );
    for threads in [2, 3, 4] {
        let parts = with(accord::data::Split {
            threads,
            min_bytes: 512,
        });
        assert_eq!(parts, whole, "{threads} parts");
    }
}

/// [`DIRECTEUR`] in ASCII, for encodings without `é`.
const DIRECTEUR_ASCII: &str = r#"
  response "directeur" {
    owner sales
    leads persona is "Directeur General"
    first call
    within 1h otherwise
    target 90% each month
  }
"#;

#[test]
fn a_byte_the_encoding_does_not_define_is_an_issue_naming_it() {
    // 0xD2 is undefined in windows-1253 (WHATWG maps every windows-1252 byte).
    let leads: &[u8] = b"id,handed_off_at,persona\nA,2027-01-04 09:00,Directeur General\nB,2027-01-04 09:00,CE\xd2O\n";
    let acts = "lead,at,kind\nA,2027-01-04 09:30,call\n";
    let p = simple(
        "cp1253-undefined",
        DIRECTEUR_ASCII,
        &tables("encoding = \"windows-1253\"", ""),
        leads,
        acts,
    );
    let v = run(&p);
    assert_eq!(
        issues(&v),
        [issue(
            "leads.csv",
            3,
            Some("persona"),
            "not valid windows-1253 text"
        )]
    );
    assert_eq!(met_missed(&v, "directeur", "2027-01"), (1, 0));
    let groups = accord::report::issues::group(&v.issues);
    assert_eq!(
        groups[0].fix.as_deref(),
        Some("check the file's `encoding`")
    );
}

#[test]
fn split_cells_of_salesforce_ids_are_compared_piece_by_piece() {
    let leads =
        "id,handed_off_at\na0RE000000IJmcN,2027-01-04 09:00\n001M000000qfPySIAU,2027-01-04 09:00\n";
    let acts = "lead,at,kind\na0RE000000IJmcNMAT; 001M000000qfPyS ;0F9E000000092w2,2027-01-04 09:30,call\n";
    let p = simple(
        "sf-split",
        SPEED,
        &tables("ids = \"salesforce\"", "split = { lead = \";\" }"),
        leads,
        acts,
    );
    let v = run(&p);
    assert_eq!(
        issues(&v),
        [issue(
            "activities.csv",
            2,
            None,
            "activity of unknown lead \"0F9E000000092w2KAA\""
        )]
    );
    assert_eq!(counts(&v), (2, 2, 1));
    assert_eq!(met_missed(&v, "speed", "2027-01"), (2, 0));
}

#[test]
fn an_unknown_salesforce_id_is_quoted_in_its_18_character_form_with_or_without_other_problems() {
    let leads = "id,handed_off_at\na0RE000000IJmcN,2027-01-04 09:00\n";
    let acts = "lead,at,kind,duration\n\
                0F9E000000092w2,2027-01-04 09:30,call,60\n\
                0F9E000000092w2,2027-01-04 09:30,call,abc\n";
    let v = run(&simple(
        "sf-unknown",
        SPEED,
        &tables("ids = \"salesforce\"", ""),
        leads,
        acts,
    ));
    assert_eq!(
        issues(&v),
        [
            issue(
                "activities.csv",
                2,
                None,
                "activity of unknown lead \"0F9E000000092w2KAA\""
            ),
            issue(
                "activities.csv",
                3,
                None,
                "activity of unknown lead \"0F9E000000092w2KAA\"; `duration`: invalid duration \
                 \"abc\": expected whole seconds or H:MM:SS"
            ),
        ]
    );
}

#[test]
fn values_that_map_nothing_the_agreement_reads_warn_w303() {
    let leads = "id,handed_off_at,source\nA,2027-01-04 09:00,Organic Search\n";
    let acts = "lead,at,kind\nA,2027-01-04 09:30,call\n";
    // A field no rule uses (a typo of `source`), and a word no condition
    // names (a typo of `marketing`) beside the one that works.
    let config = format!(
        "{}\n[values.sorce]\nmarketing = \"Organic Search\"\n\
         [values.source]\nmarketing = \"Organic Search\"\nmarketting = \"Paid Search\"\n",
        tables("", "")
    );
    let v = run(&simple("w303", MARKETING_SPEED, &config, leads, acts));
    let w303: Vec<(&str, Option<&str>, &str)> = v
        .warnings
        .iter()
        .filter(|w| w.code == "W303")
        .map(|w| {
            (
                w.field.as_deref().unwrap(),
                w.literal.as_deref(),
                w.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        w303,
        [
            (
                "sorce",
                None,
                "[values.sorce] in accord.toml maps a field the agreement does not use"
            ),
            (
                "source",
                Some("marketting"),
                "[values.source] in accord.toml maps labels to \"marketting\", a word no \
                 condition of the agreement compares `source` with; did you mean \"marketing\"?"
            ),
        ]
    );
    // The map that works works, and nothing else warns.
    assert_eq!(met_missed(&v, "speed", "2027-01"), (1, 0));
    assert_eq!(v.warnings.len(), 2, "{:?}", v.warnings);
}
