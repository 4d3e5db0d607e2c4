//! A bounded round of what the fuzz targets in `fuzz/` check, fast enough for
//! every `cargo test`: no input makes the parser, the formatter, the loaders
//! or the reading of `accord.toml` panic, formatting keeps meaning and is
//! idempotent, and every data row is used or an issue.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::Path;
use std::sync::OnceLock;

use accord::agreement::check_source;
use accord::check::{check, Options};
use accord::data::config::Ids;
use accord::data::{
    load_config, load_leads, stream_activities, ActivitySource, Format, Interner, LeadSource,
    Split, TableConfig, Wanted,
};
use accord::format::format;
use accord::source::Source;
use accord::syntax::{comments, parse};
use miette::Diagnostic;
use proptest::prelude::*;

fn options() -> Options {
    Options {
        today: chrono::NaiveDate::from_ymd_opt(2027, 6, 1),
    }
}

/// The bundled examples and the error gallery: the texts mutations start from.
fn examples() -> &'static [String] {
    static EXAMPLES: OnceLock<Vec<String>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let mut found = Vec::new();
        for dir in ["rules", "tests/ui", "tests/diff"] {
            for entry in std::fs::read_dir(common::root().join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "sla") {
                    found.push(std::fs::read_to_string(path).unwrap());
                }
            }
        }
        found.sort();
        found
    })
}

/// Words and marks of the language, so that insertions make near-misses
/// rather than only noise.
const SNIPPETS: &[&str] = &[
    "not ",
    "(",
    ")",
    "\"",
    "#",
    "\n",
    "\r",
    "\r\n",
    " and ",
    " or ",
    " in (",
    "is set",
    "within 5m",
    "1h30m",
    "95%",
    "100%",
    "101%",
    "0",
    "99999999999999999999",
    "1.5",
    "-",
    "term t means ",
    "{",
    "}",
    "each month",
    "per owner",
    "warn at 80%",
    "warn at ",
    "when ",
    "otherwise",
    "é",
    "\u{feff}",
    "\\u{",
    "2027-02-30",
    "2027-01-01",
    " to ",
    "weights persona {",
    "funnel {",
    "team x {",
    "\t",
    ",",
];

#[derive(Debug, Clone)]
enum Edit {
    Delete { at: u16, len: u8 },
    Insert { at: u16, snippet: usize },
    Copy { from: u16, len: u8, to: u16 },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<u16>(), any::<u8>()).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<u16>(), 0..SNIPPETS.len()).prop_map(|(at, snippet)| Edit::Insert { at, snippet }),
        (any::<u16>(), any::<u8>(), any::<u16>()).prop_map(|(from, len, to)| Edit::Copy {
            from,
            len,
            to
        }),
    ]
}

/// A place in `text` (`at` scaled to its length), moved back to a character's start.
fn place(text: &str, at: u16) -> usize {
    let mut i = text.len() * usize::from(at) / usize::from(u16::MAX);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &mut String, edit: &Edit) {
    match *edit {
        Edit::Delete { at, len } => {
            let start = place(text, at);
            let end = place(text, at.saturating_add(u16::from(len)));
            text.replace_range(start..end, "");
        }
        Edit::Insert { at, snippet } => text.insert_str(place(text, at), SNIPPETS[snippet]),
        Edit::Copy { from, len, to } => {
            let piece = text[place(text, from)..place(text, from.saturating_add(u16::from(len)))]
                .to_owned();
            text.insert_str(place(text, to), &piece);
        }
    }
}

fn diagnostics(agreement: &accord::syntax::ast::Agreement) -> Vec<(String, String)> {
    let mut found: Vec<_> = check(agreement, &options())
        .iter()
        .map(|e| (e.code().unwrap().to_string(), e.to_string()))
        .collect();
    found.sort();
    found
}

fn comment_texts(text: &str) -> Vec<String> {
    comments(text).into_iter().map(|c| c.text).collect()
}

/// What `fuzz/fuzz_targets/parse.rs` and `fmt.rs` assert of one text.
fn holds_for_agreement(text: &str) -> Result<(), TestCaseError> {
    let checked = check_source(Source::new("robust.sla", text), &options());
    for problem in &checked.problems {
        prop_assert!(problem.code().is_some(), "no code: {problem:?}");
        for label in problem.labels().into_iter().flatten() {
            let (start, end) = (label.offset(), label.offset() + label.len());
            prop_assert!(
                end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end),
                "label {start}..{end} outside the text: {problem:?}"
            );
        }
    }
    let Ok(before) = parse(text) else {
        return Ok(());
    };
    let once = format(text).unwrap();
    let after = parse(&once).unwrap_or_else(|e| panic!("formatted text does not parse: {e:?}"));
    prop_assert_eq!(&before, &after, "formatting changed the meaning:\n{}", once);
    prop_assert_eq!(diagnostics(&before), diagnostics(&after));
    prop_assert_eq!(comment_texts(text), comment_texts(&once));
    prop_assert_eq!(format(&once).unwrap(), once, "formatting is not idempotent");
    Ok(())
}

#[test]
fn every_example_holds_as_written() {
    for text in examples() {
        holds_for_agreement(text).unwrap();
    }
}

/// A cell: text with the marks CSV and JSON quote, a time, a number or blank.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ,;|\t\"\r\n{}:\\\\é]{0,8}",
        "2027-0[1-9]-[0-3][0-9]([ T][0-2][0-9]:[0-5][0-9](:[0-5][0-9])?(Z|[+-]0[0-9]:00)?)?",
        "[+-]?[0-9]{0,4}(\\.[0-9]{0,3})?",
        "L[0-9]",
        Just(String::new()),
    ]
}

/// A table: a header naming some of the fields and rows of cells, joined by
/// `sep`, with any bytes after it.
fn table_bytes(
    fields: &'static [&'static str],
) -> impl Strategy<Value = (Vec<u8>, u8, Option<&'static str>, bool)> {
    let sep = prop::sample::select(vec![b',', b';', b'\t', b'|']);
    let encoding = prop::sample::select(vec![
        None,
        Some("utf-8"),
        Some("utf-16le"),
        Some("windows-1252"),
        Some("shift_jis"),
    ]);
    // Half the tables have every column, so that their rows are read.
    let header = prop_oneof![
        Just(fields.to_vec()),
        prop::sample::subsequence(fields.to_vec(), 0..=fields.len()),
    ];
    let rows = prop::collection::vec(prop::collection::vec(cell(), 0..6), 0..12);
    let tail = prop::collection::vec(any::<u8>(), 0..40);
    (sep, encoding, header, rows, tail, any::<bool>()).prop_map(
        |(sep, encoding, header, rows, tail, parts)| {
            let sep_text = char::from(sep).to_string();
            let mut text = header.join(&sep_text);
            for row in rows {
                text.push('\n');
                text.push_str(&row.join(&sep_text));
            }
            let mut bytes = text.into_bytes();
            bytes.extend(tail);
            (bytes, sep, encoding, parts)
        },
    )
}

fn table_config(sep: u8, encoding: Option<&str>) -> TableConfig {
    TableConfig {
        format: Some(Format::Csv),
        delimiter: Some(sep),
        encoding: encoding.map(str::to_owned),
        ..TableConfig::default()
    }
}

fn split(parts: bool) -> Split {
    if parts {
        Split {
            threads: 2,
            min_bytes: 16,
        }
    } else {
        Split {
            threads: 1,
            min_bytes: u64::MAX,
        }
    }
}

fn wanted(field: &str, numeric: bool) -> Wanted {
    Wanted {
        field: field.to_owned(),
        rule: "R".to_owned(),
        compared: true,
        numeric,
        literals: Vec::new(),
        relabel: None,
    }
}

fn load(
    path: &Path,
    table: &TableConfig,
    needed: &[Wanted],
    split: Split,
    interner: &mut Interner,
    issues: &mut Vec<accord::data::DataIssue>,
) -> Option<(accord::data::Leads, accord::data::RowCounts)> {
    let source = LeadSource {
        path,
        table,
        tz: chrono_tz::Europe::Amsterdam,
        ids: Ids::Exact,
        needed,
    };
    load_leads(&source, split, interner, issues).ok()
}

const LEADS: &[&str] = &["id", "handed_off_at", "persona", "score"];
const ACTIVITIES: &[&str] = &["lead", "at", "kind", "duration", "outcome"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn mutated_agreements_never_panic_and_format_well(
        example in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..5),
    ) {
        let mut text = example.get(examples()).clone();
        for edit in &edits {
            apply(&mut text, edit);
        }
        holds_for_agreement(&text)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_lead_row_is_used_or_an_issue((bytes, sep, encoding, parts) in table_bytes(LEADS)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.csv");
        std::fs::write(&path, &bytes).unwrap();
        let needed = [wanted("persona", false), wanted("score", true)];
        let mut interner = Interner::new();
        let mut issues = Vec::new();
        let table = table_config(sep, encoding);
        if let Some((leads, counts)) =
            load(&path, &table, &needed, split(parts), &mut interner, &mut issues)
        {
            prop_assert_eq!(counts.read, counts.used + counts.issues);
            prop_assert_eq!(counts.issues, issues.len() as u64);
            prop_assert_eq!(counts.used, leads.len() as u64);
        }
    }

    #[test]
    fn every_activity_row_is_used_or_an_issue(
        (bytes, sep, encoding, parts) in table_bytes(ACTIVITIES),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let leads_path = dir.path().join("leads.csv");
        std::fs::write(&leads_path, "id,handed_off_at\nL1,2027-01-04 09:00\nL2,\nL3,x\n").unwrap();
        let mut interner = Interner::new();
        let mut issues = Vec::new();
        let plain = TableConfig::default();
        let (leads, _) =
            load(&leads_path, &plain, &[], Split::default(), &mut interner, &mut issues).unwrap();
        issues.clear();
        let path = dir.path().join("activities.csv");
        std::fs::write(&path, &bytes).unwrap();
        let table = table_config(sep, encoding);
        let needed = [wanted("outcome", false)];
        let source = ActivitySource {
            path: &path,
            table: &table,
            tz: chrono_tz::Europe::Amsterdam,
            ids: Ids::Exact,
            duration_rule: Some("R"),
            seq_base: 0,
            may_lack: &[],
            needed: &needed,
            leads: &leads,
        };
        let streamed =
            stream_activities(&source, split(parts), || 0u64, |n, _| *n += 1, |_| {}, &mut issues, None);
        if let Ok(accord::data::Streamed { parts: states, counts, .. }) = streamed {
            prop_assert_eq!(counts.read, counts.used + counts.issues);
            prop_assert_eq!(counts.issues, issues.len() as u64);
            prop_assert_eq!(counts.used, states.iter().map(|(n, _)| n).sum::<u64>());
        }
    }
}

/// Pieces of `accord.toml`, right and wrong.
const TOML: &[&str] = &[
    "\n",
    "[data]\n",
    "[leads]\n",
    "[[activities]]\n",
    "[people]\n",
    "[values.persona]\n",
    "agreement = ",
    "path = ",
    "preset = ",
    "delimiter = ",
    "encoding = ",
    "time_format = ",
    "duration_unit = ",
    "duration_format = ",
    "kind = ",
    "ids = ",
    "as_of = ",
    "max_rejected = ",
    "columns = { id = \"Record ID\" }",
    "split = { lead = \";\" }",
    "format = ",
    "\"hubspot-calls\"",
    "\"x\"",
    "\";\"",
    "\"\\t\"",
    "\"é\"",
    "\"windows-1252\"",
    "\"%d-%m-%Y %H:%M\"",
    "\"%Q\"",
    "\"ms\"",
    "\"salesforce\"",
    "\"jsonl\"",
    "0.5",
    "2",
    "-1",
    "[",
    "]",
    "{",
    "}",
    "=",
    "\"",
    "'",
    "#",
    "\u{feff}",
    "\r\n",
    "\"2027-04-15T12:00:00+02:00\"",
    "\"ann\" = \"Ann\"",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn accord_toml_never_panics(
        pieces in prop::collection::vec(prop::sample::select(TOML.to_vec()), 0..24),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accord.toml");
        let text = pieces.concat();
        std::fs::write(&path, &text).unwrap();
        if let Err(error) = load_config(&path) {
            for label in error.labels().into_iter().flatten() {
                let end = label.offset() + label.len();
                prop_assert!(end <= text.len(), "label past the end: {error:?}");
            }
        }
    }
}
