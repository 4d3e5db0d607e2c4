//! What a file holds, column by column, for a person setting accord up
//! against an export (`accord data`) and for the warning that a word of the
//! agreement matches no row: each field's blank cells and most frequent
//! values (after `[people]` and `[values]`), and the span of its times.
//!
//! One pass on one thread: this is read when a person asks, or when a
//! warning needs the values, not on every evaluation.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::config::TableConfig;
use super::intern::is_blank;
use super::issue::DataError;
use super::relabel::Relabel;
use super::table::{FieldSpec, Table};
use super::timestamp::TimeForm;
use super::Format;

/// Distinct values counted per field: past this, a field of free text
/// (e-mail addresses) is said to have more.
const DISTINCT: usize = 100_000;

/// A field to profile, with its map from the export's words.
#[derive(Debug, Clone)]
pub struct Asked {
    pub field: String,
    pub relabel: Option<Arc<Relabel>>,
}

/// One file, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct FileProfile {
    pub file: String,
    pub format: Format,
    /// The CSV delimiter (None for JSON Lines).
    pub delimiter: Option<u8>,
    pub encoding: &'static str,
    /// Data rows, a row whose cells do not line up with the header's
    /// among them (its fields are not counted).
    pub rows: u64,
    pub columns: Vec<ColumnProfile>,
    /// The earliest and latest instant of the time field, if asked.
    pub span: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// One field of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnProfile {
    pub field: String,
    /// The export's column; None when the file has none.
    pub column: Option<String>,
    /// A constant (`kind` of `accord.toml`) rather than a column.
    pub constant: bool,
    pub blank: u64,
    /// Every value and its rows, most first (blank excluded).
    pub values: Vec<(String, u64)>,
    /// More distinct values than were counted.
    pub more: bool,
}

/// Reads `path` as `table` says and profiles the fields `asked`, and the
/// span of `time` (the field holding each row's instant) if given.
pub fn profile(
    path: &Path,
    table: &TableConfig,
    section: &'static str,
    asked: &[Asked],
    time: Option<(&str, &TimeForm)>,
) -> Result<FileProfile, DataError> {
    let mut specs: Vec<FieldSpec> = asked
        .iter()
        .map(|a| FieldSpec::optional(&a.field))
        .collect();
    if let Some((field, _)) = time {
        specs.push(FieldSpec::optional(field));
    }
    let mut t = Table::open(path, table, section, &specs)?;
    let slots: Vec<Option<usize>> = asked.iter().map(|a| t.slot(&a.field)).collect();
    let time_slot = time.and_then(|(field, _)| t.slot(field));
    let constant_kind = table.kind.as_ref().map(|k| k.get_ref().as_str());
    let mut counts: Vec<HashMap<String, u64>> = vec![HashMap::new(); asked.len()];
    let mut blank = vec![0u64; asked.len()];
    let mut more = vec![false; asked.len()];
    let mut rows = 0u64;
    let mut span: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
    while t.advance()? {
        let row = t.row();
        rows += 1;
        if row.broken().is_some() {
            continue;
        }
        for (i, (a, slot)) in asked.iter().zip(&slots).enumerate() {
            let text = match (constant_kind, a.field.as_str()) {
                (Some(kind), "kind") => kind,
                _ => slot.and_then(|s| row.text(s)).unwrap_or(""),
            };
            let text = a.relabel.as_deref().map_or(text, |r| r.apply(text));
            if is_blank(text) {
                if let Some(b) = blank.get_mut(i) {
                    *b += 1;
                }
                continue;
            }
            let Some(map) = counts.get_mut(i) else {
                continue;
            };
            if let Some(n) = map.get_mut(text) {
                *n += 1;
            } else if map.len() < DISTINCT {
                map.insert(text.to_owned(), 1);
            } else if let Some(m) = more.get_mut(i) {
                *m = true;
            }
        }
        if let (Some(slot), Some((_, times))) = (time_slot, time) {
            if let Some(at) = row.text(slot).and_then(|text| times.parse(text).ok()) {
                span = Some(match span {
                    Some((lo, hi)) => (lo.min(at), hi.max(at)),
                    None => (at, at),
                });
            }
        }
    }
    let names = t.column_names();
    let (delimiter, encoding) = t.dialect();
    let columns = asked
        .iter()
        .zip(slots)
        .zip(counts.into_iter().zip(blank).zip(more))
        .map(|((a, slot), ((map, blank), more))| {
            let constant = constant_kind.is_some() && a.field == "kind";
            let column = slot
                .filter(|s| t.has(*s))
                .and_then(|s| names.get(s).cloned());
            let mut values: Vec<(String, u64)> = map.into_iter().collect();
            values.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
            ColumnProfile {
                field: a.field.clone(),
                column,
                constant,
                blank,
                values,
                more,
            }
        })
        .collect();
    Ok(FileProfile {
        file: t.file().to_owned(),
        format: Format::resolve(path, table.format),
        delimiter,
        encoding,
        rows,
        columns,
        span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::testutil::write;

    #[test]
    fn values_blanks_and_span_per_field() {
        let path = write(
            "contacts.csv",
            "Record ID;Source;Owner;Created\n\
             1;Organic Search;Ann de Vries;2027-01-04 09:00\n\
             2;Organic Search;;2027-01-02 10:00\n\
             3;Paid Search;Bob;2027-01-05 11:00\n\
             4; ;Ann de Vries;not a time\n",
        );
        let table = TableConfig {
            columns: [
                ("source", "Source"),
                ("owner", "Owner"),
                ("handed_off_at", "Created"),
            ]
            .into_iter()
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .collect(),
            ..TableConfig::default()
        };
        let asked = |field: &str| Asked {
            field: field.to_owned(),
            relabel: None,
        };
        let times = TimeForm::iso(chrono_tz::Europe::Amsterdam);
        let p = profile(
            &path,
            &table,
            "leads",
            &[asked("source"), asked("owner"), asked("persona")],
            Some(("handed_off_at", &times)),
        )
        .unwrap();
        assert_eq!((p.rows, p.delimiter, p.encoding), (4, Some(b';'), "UTF-8"));
        let source = &p.columns[0];
        assert_eq!(source.column.as_deref(), Some("Source"));
        assert_eq!(source.blank, 1);
        assert_eq!(
            source.values,
            [
                ("Organic Search".to_owned(), 2),
                ("Paid Search".to_owned(), 1)
            ]
        );
        assert_eq!(p.columns[1].values[0], ("Ann de Vries".to_owned(), 2));
        assert_eq!(p.columns[2].column, None, "no persona column");
        assert_eq!(p.columns[2].blank, 4);
        let (lo, hi) = p.span.unwrap();
        assert_eq!(lo.to_rfc3339(), "2027-01-02T09:00:00+00:00");
        assert_eq!(hi.to_rfc3339(), "2027-01-05T10:00:00+00:00");
    }
}
