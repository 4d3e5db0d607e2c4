//! Any bytes as a leads or activities file, under settings drawn from the
//! first four bytes: every data row is used or an issue (`read == used +
//! issues`), each issue is one row, and nothing panics.
//!
//! The settings bytes:
//! - 0: bit 0 activities (else leads), 1 JSON Lines, 2 Salesforce ids,
//!   3 map `id`/`lead`, `handed_off_at`/`at` and `kind` to the header's first
//!   three cells, 4–5 the duration unit, 6–7 a time format;
//! - 1: the delimiter (0 detected, 1–4 `,` `;` tab `|`, else the byte itself);
//! - 2: bits 0–3 the encoding, 4 read in parts (tiny ones), 5 a `;` split of
//!   the lead (activities) or `persona` (leads), 6 one `kind` for the file;
//! - 3: the least size of a part, when read in parts.
#![no_main]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use accord::data::config::Ids;
use accord::data::{
    load_leads, stream_activities, ActivitySource, DurationUnit, Format, Interner, LeadSource,
    Split, TableConfig, Wanted,
};
use libfuzzer_sys::fuzz_target;

const ENCODINGS: [Option<&str>; 16] = [
    None,
    Some("utf-8"),
    Some("utf-16le"),
    Some("utf-16be"),
    Some("utf-16"),
    Some("windows-1252"),
    Some("iso-8859-15"),
    Some("shift_jis"),
    Some("gb18030"),
    Some("euc-kr"),
    Some("big5"),
    Some("x-user-defined"),
    Some("iso-2022-kr"),
    Some("koi8-r"),
    Some("macintosh"),
    Some("latin1"),
];

const TIME_FORMATS: [Option<&str>; 4] = [
    None,
    Some("%d-%m-%Y %H:%M"),
    Some("%m/%d/%Y %I:%M %p"),
    Some("%d/%m/%Y %H:%M:%S"),
];

/// Lead fields an agreement might use: (name, compared, numeric).
const LEAD_FIELDS: [(&str, bool, bool); 5] = [
    ("persona", true, false),
    ("score", true, true),
    ("email", false, false),
    ("source", true, false),
    ("owner", true, false),
];

const ACTIVITY_FIELDS: [(&str, bool, bool); 3] = [
    ("outcome", true, false),
    ("status", true, false),
    ("actor", false, false),
];

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}")))
}

fn bit(byte: u8, n: u8) -> bool {
    byte & (1 << n) != 0
}

fn spanned<T>(value: T) -> toml::Spanned<T> {
    toml::Spanned::new(0..0, value)
}

/// The fields of `fields` the header line names, as the agreement would want
/// them: a field it lacks would only make the load fail at once.
fn wanted(header: &str, fields: &[(&str, bool, bool)]) -> Vec<Wanted> {
    fields
        .iter()
        .filter(|(name, ..)| header.contains(name))
        .map(|&(name, compared, numeric)| Wanted {
            field: name.to_owned(),
            rule: "R".to_owned(),
            compared,
            numeric,
            literals: Vec::new(),
            relabel: None,
        })
        .collect()
}

fn table(settings: [u8; 4], header: &str) -> TableConfig {
    let [flags, delimiter, extra, _] = settings;
    let mut columns = BTreeMap::new();
    if bit(flags, 3) {
        let sep = |c: char| matches!(c, ',' | ';' | '\t' | '|');
        let names = if bit(flags, 0) {
            ["lead", "at", "kind"]
        } else {
            ["id", "handed_off_at", "kind"]
        };
        for (field, cell) in names.iter().zip(header.split(sep)) {
            columns.insert((*field).to_owned(), cell.trim_matches('"').to_owned());
        }
    }
    let split = bit(extra, 5).then(|| {
        let field = if bit(flags, 0) { "lead" } else { "persona" };
        spanned(BTreeMap::from([(field.to_owned(), ";".to_owned())]))
    });
    TableConfig {
        format: Some(if bit(flags, 1) {
            Format::Jsonl
        } else {
            Format::Csv
        }),
        columns,
        delimiter: match delimiter {
            0 => None,
            1 => Some(b','),
            2 => Some(b';'),
            3 => Some(b'\t'),
            4 => Some(b'|'),
            b if b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r') => Some(b),
            _ => None,
        },
        encoding: ENCODINGS
            .get(usize::from(extra & 0x0f))
            .copied()
            .flatten()
            .map(str::to_owned),
        time_format: TIME_FORMATS
            .get(usize::from(flags >> 6))
            .copied()
            .flatten()
            .map(|f| vec![f.to_owned()]),
        duration_unit: match (flags >> 4) & 3 {
            1 => Some(DurationUnit::Seconds),
            2 => Some(DurationUnit::Millis),
            3 => Some(DurationUnit::Minutes),
            _ => None,
        },
        kind: (bit(flags, 0) && bit(extra, 6)).then(|| spanned("call".to_owned())),
        split,
        ids: Some(if bit(flags, 2) {
            Ids::Salesforce
        } else {
            Ids::Exact
        }),
        ..TableConfig::default()
    }
}

fn split(settings: [u8; 4]) -> Split {
    let [_, _, extra, least] = settings;
    if bit(extra, 4) {
        Split {
            threads: 2,
            min_bytes: u64::from(least) + 1,
        }
    } else {
        Split {
            threads: 1,
            min_bytes: u64::MAX,
        }
    }
}

/// A leads file holding the first cell of two lines in three of `text`, so
/// that some activities have a lead and some do not.
fn leads_for(text: &str, path: &Path) -> Option<()> {
    let mut csv = String::from("id,handed_off_at\n");
    for (i, line) in text.lines().enumerate().filter(|(i, _)| i % 3 != 0) {
        let id = line.split([',', ';', '\t', '|']).next().unwrap_or_default();
        let id = id.trim_matches('"').replace('"', "\"\"");
        csv.push_str(&format!("\"{id}\",2027-01-04T09:00:00Z\n"));
        if i > 2000 {
            break;
        }
    }
    std::fs::write(path, csv).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((settings, body)) = data.split_first_chunk::<4>() else {
        return;
    };
    let settings = *settings;
    let text = String::from_utf8_lossy(body);
    let header = text.lines().next().unwrap_or_default();
    let table = table(settings, header);
    let ids = table.ids.unwrap_or_default();
    let path = dir().path().join("data");
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let tz = chrono_tz::Europe::Amsterdam;
    let mut interner = Interner::new();
    let mut issues = Vec::new();
    let counts = if bit(settings[0], 0) {
        let leads_path = dir().path().join("leads.csv");
        if leads_for(&text, &leads_path).is_none() {
            return;
        }
        let plain = TableConfig {
            ids: Some(ids),
            ..TableConfig::default()
        };
        let source = LeadSource {
            path: &leads_path,
            table: &plain,
            tz,
            ids,
            needed: &[],
        };
        let Ok((leads, _)) = load_leads(&source, Split::default(), &mut interner, &mut issues)
        else {
            return;
        };
        issues.clear();
        let needed = wanted(header, &ACTIVITY_FIELDS);
        let source = ActivitySource {
            path: &path,
            table: &table,
            tz,
            ids,
            duration_rule: header.contains("duration").then_some("R"),
            seq_base: 0,
            may_lack: &[],
            needed: &needed,
            leads: &leads,
        };
        let visited = stream_activities(
            &source,
            split(settings),
            || 0u64,
            |n, _| *n += 1,
            &mut issues,
            None,
        );
        let Ok((parts, counts)) = visited else {
            return;
        };
        let seen: u64 = parts.iter().map(|(n, _)| n).sum();
        assert_eq!(counts.used, seen, "rows used but not visited");
        counts
    } else {
        let needed = wanted(header, &LEAD_FIELDS);
        let source = LeadSource {
            path: &path,
            table: &table,
            tz,
            ids,
            needed: &needed,
        };
        let Ok((leads, counts)) = load_leads(&source, split(settings), &mut interner, &mut issues)
        else {
            return;
        };
        assert_eq!(counts.used, leads.len() as u64, "rows used but not loaded");
        counts
    };
    assert_eq!(
        counts.read,
        counts.used + counts.issues,
        "rows in != rows used + issues: {counts:?}"
    );
    assert_eq!(
        counts.issues,
        issues.len() as u64,
        "issues counted != issues listed: {counts:?} {issues:?}"
    );
});
