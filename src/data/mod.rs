//! The data an agreement is evaluated against: the project file
//! (`accord.toml`), and the leads and activities tables exported from a CRM,
//! read from CSV or JSON Lines.
//!
//! Leads are loaded whole ([`load_leads`]); activities are streamed
//! ([`stream_activities`]) so memory does not grow with their number. Rows
//! that cannot be used become [`DataIssue`]s and the load goes on; problems
//! that make the whole file unusable are a fatal [`DataError`].

pub mod activities;
pub mod config;
mod csv_reader;
pub mod duration;
mod encoding;
pub mod ids;
mod index;
pub mod intern;
pub mod issue;
pub mod leads;
mod numbered;
mod parts;
pub mod presets;
pub mod profile;
pub mod record;
pub mod relabel;
mod table;
pub mod timestamp;

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

pub use activities::{stream_activities, Activity, ActivitySource, Streamed};
pub use config::{load_config, Config, ConfigError, TableConfig};
pub use duration::DurationUnit;
pub use intern::Interner;
pub use issue::{DataError, DataIssue};
pub use leads::{load_leads, LeadSource, Leads};
pub use parts::Split;
pub use record::{Interned, OwnedValues, Record, Values};
pub use relabel::Relabel;
pub use timestamp::parse_timestamp;

/// The fields an export offers: each column of its header (or of its first
/// JSON object), under the name the agreement uses for it, `columns` of
/// `accord.toml` read backwards. For an editor's completion; only the
/// header is read.
pub fn fields_of(
    path: &Path,
    table: &TableConfig,
    section: &'static str,
) -> Result<Vec<String>, DataError> {
    let opened = table::Table::open(path, table, section, &[])?;
    Ok(opened
        .header()
        .iter()
        .map(|column| {
            table
                .columns
                .iter()
                .find(|(_, c)| c.trim() == column)
                .map_or_else(|| column.clone(), |(field, _)| field.clone())
        })
        .collect())
}

/// A field the agreement uses, as the loaders take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// The field's name (a column, after mapping).
    pub field: String,
    /// A rule that uses it, for the error when the file lacks the column.
    pub rule: String,
    /// Whether any condition compares its value. A field only tested for
    /// presence (`is set`, `provide`) is stored as set or blank, not
    /// interned: a million distinct e-mail addresses would otherwise be
    /// kept for nothing.
    pub compared: bool,
    /// Whether a condition compares it as a number (`score >= 50`).
    pub numeric: bool,
    /// The literals conditions compare it with, and their symbols.
    pub literals: Vec<(String, u32)>,
    /// The export's labels → the agreement's words (`[people]`,
    /// `[values.FIELD]`), applied to each cell before anything else.
    pub relabel: Option<Arc<Relabel>>,
}

impl Wanted {
    /// The symbol a cell of this field stores, interning a compared value.
    pub fn symbol(&self, text: &str, interner: &mut Interner) -> u32 {
        let text = self.relabelled(text);
        if self.compared {
            interner.intern(text)
        } else {
            presence(text)
        }
    }

    /// The symbol of a cell found among the field's own literals, without
    /// the interner: a value no literal names can match none, and is
    /// [`intern::UNSEEN`]. Activities are read this way: nothing is added
    /// while several threads read them, millions of free-text values are
    /// never stored, and each lookup searches a handful of literals rather
    /// than every value the leads hold.
    #[inline]
    pub fn lookup(&self, text: &str) -> u32 {
        let text = self.relabelled(text);
        if !self.compared {
            return presence(text);
        }
        if text.is_empty() {
            return intern::BLANK;
        }
        let literal = self
            .literals
            .iter()
            .find(|(literal, _)| intern::same_text(literal, text));
        match literal {
            Some((_, sym)) => *sym,
            // Still blank to `is empty`, but not `""` to `is ""`.
            None if intern::is_blank(text) => intern::UNSEEN_SPACE,
            None => intern::UNSEEN,
        }
    }

    /// The cell as the agreement words it.
    #[inline]
    pub fn relabelled<'a>(&'a self, text: &'a str) -> &'a str {
        match &self.relabel {
            Some(map) => map.apply(text),
            None => text,
        }
    }
}

fn presence(text: &str) -> u32 {
    if intern::is_blank(text) {
        intern::BLANK
    } else {
        intern::PRESENT
    }
}

/// How a data file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Comma-separated values with a header row (RFC 4180 quoting).
    Csv,
    /// JSON Lines: one JSON object per line.
    #[serde(alias = "ndjson")]
    Jsonl,
}

impl Format {
    /// The format a file's extension implies: `.jsonl`, `.ndjson` and `.json`
    /// are JSON Lines; anything else, with or without an extension, is read
    /// as CSV, the format nearly every CRM exports.
    pub fn detect(path: &Path) -> Format {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" | "json" => Format::Jsonl,
            _ => Format::Csv,
        }
    }

    /// The configured format if there is one, else the one the name implies.
    pub fn resolve(path: &Path, configured: Option<Format>) -> Format {
        configured.unwrap_or_else(|| Format::detect(path))
    }
}

/// How many data rows a file held and what became of them:
/// `read == used + issues` (the header and blank lines are not rows).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowCounts {
    /// Data rows read.
    pub read: u64,
    /// Rows loaded (leads) or passed on (activities).
    pub used: u64,
    /// Rows left out, each one data issue.
    pub issues: u64,
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Temporary files and expected issues for the loaders' tests.

    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU64, Ordering};

    static NEXT: AtomicU64 = AtomicU64::new(0);

    /// A fresh directory under the system's temp dir, unique per call and per
    /// process, so tests can run in parallel.
    pub fn temp_dir() -> PathBuf {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("accord-data-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Fields every condition compares, as most tests want them.
    pub fn wanted(pairs: &[(&str, &str)]) -> Vec<super::Wanted> {
        pairs
            .iter()
            .map(|(f, r)| super::Wanted {
                field: (*f).to_owned(),
                rule: (*r).to_owned(),
                compared: true,
                numeric: false,
                literals: Vec::new(),
                relabel: None,
            })
            .collect()
    }

    /// The issue a loader reports for `file`.
    pub fn issue(file: &Path, line: u64, column: Option<&str>, message: &str) -> super::DataIssue {
        super::DataIssue {
            file: file.display().to_string(),
            line,
            column: column.map(str::to_owned),
            message: message.to_owned(),
        }
    }

    /// Write `contents` to `name` in a fresh directory and return its path.
    pub fn write(name: &str, contents: &str) -> PathBuf {
        let path = temp_dir().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

#[cfg(test)]
mod tests {
    use super::{intern, Format, Interner, Wanted};

    #[test]
    fn fields_only_tested_for_presence_are_not_interned() {
        let mut interner = Interner::new();
        let wanted = |compared| Wanted {
            field: "email".to_owned(),
            rule: "r".to_owned(),
            compared,
            numeric: false,
            literals: Vec::new(),
            relabel: None,
        };
        assert_eq!(
            wanted(false).symbol("a@x.example", &mut interner),
            intern::PRESENT
        );
        assert_eq!(wanted(false).symbol("  ", &mut interner), intern::BLANK);
        assert_eq!(interner.len(), 1, "nothing but the blank value");
        let sym = wanted(true).symbol("a@x.example", &mut interner);
        assert_eq!(interner.resolve(sym), "a@x.example");
    }

    #[test]
    fn activity_values_are_found_among_the_field_s_literals() {
        let kind = |compared| Wanted {
            field: "kind".to_owned(),
            rule: "r".to_owned(),
            compared,
            numeric: false,
            literals: vec![("call".to_owned(), 7), ("email".to_owned(), 9)],
            relabel: None,
        };
        assert_eq!(kind(true).lookup("call"), 7);
        assert_eq!(kind(true).lookup("email"), 9);
        assert_eq!(kind(true).lookup("Call"), intern::UNSEEN, "exact, as `is`");
        assert_eq!(kind(true).lookup("visit"), intern::UNSEEN);
        assert_eq!(kind(true).lookup(""), intern::BLANK);
        assert_eq!(kind(true).lookup(" "), intern::UNSEEN_SPACE);
        assert!(intern::is_blank_symbol(kind(true).lookup(" ")));
        assert_eq!(kind(false).lookup("visit"), intern::PRESENT);
    }
    use std::path::Path;

    #[test]
    fn format_follows_the_extension() {
        assert_eq!(Format::detect(Path::new("a/leads.csv")), Format::Csv);
        assert_eq!(Format::detect(Path::new("a.JSONL")), Format::Jsonl);
        assert_eq!(Format::detect(Path::new("a.ndjson")), Format::Jsonl);
        assert_eq!(Format::detect(Path::new("a.json")), Format::Jsonl);
        assert_eq!(Format::detect(Path::new("export")), Format::Csv);
        assert_eq!(
            Format::resolve(Path::new("a.txt"), Some(Format::Jsonl)),
            Format::Jsonl
        );
    }
}
