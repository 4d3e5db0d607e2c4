//! What can go wrong with a data file: a [`DataIssue`] for one row that
//! cannot be used (the row is left out and the load goes on), or a fatal
//! [`DataError`] when the file as a whole cannot be used.

use serde::Serialize;

use crate::check::did_you_mean;

/// One data row that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataIssue {
    /// The file as the user named it (or as `accord.toml` resolved it).
    pub file: String,
    /// The physical line where the record starts; a CSV header is line 1.
    pub line: u64,
    /// The column as the file names it, when the issue is about one cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// A plain, lower-case reason.
    pub message: String,
}

/// A data file that cannot be used at all; always fatal (exit 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum DataError {
    /// The file cannot be opened or read.
    #[error("cannot read `{file}`: {reason}")]
    #[diagnostic(
        code(accord::E110),
        help("check the path given by --leads/--activities or in accord.toml")
    )]
    Unreadable {
        /// The file as named.
        file: String,
        /// The operating system's reason, lower case.
        reason: String,
    },

    /// The header lacks a column every file of its kind must have.
    #[error("{message}")]
    #[diagnostic(code(accord::E111))]
    MissingColumn {
        /// The file as named.
        file: String,
        /// accord's name for the column (`id`, `lead`, ...).
        field: String,
        /// The header name looked for (`field`, or its mapping).
        column: String,
        /// The whole message, which depends on whether a mapping was given.
        message: String,
        /// The header's columns, a suggestion, and how to map the column.
        #[help]
        help: String,
    },

    /// The header lacks a field the agreement uses.
    #[error("{message}")]
    #[diagnostic(code(accord::E112))]
    MissingField {
        /// The file as named.
        file: String,
        /// The field as the agreement names it (the first, of several).
        field: String,
        /// A rule that uses the field.
        rule: String,
        /// The whole message: one field, or every one absent.
        message: String,
        /// The header's columns, a suggestion, and how to map the column.
        #[help]
        help: String,
    },

    /// Two header columns match a column accord reads.
    #[error("`{file}` has two columns that could be `{column}`: {first} and {second}")]
    #[diagnostic(
        code(accord::E114),
        help(
            "remove or rename one of them in the export, or map the field to \
             another column in accord.toml; accord does not guess which one \
             holds the data"
        )
    )]
    DuplicateColumn {
        /// The file as named.
        file: String,
        /// The header name looked for.
        column: String,
        /// The first matching column, named and numbered (`` `Owner` (column 3) ``).
        first: String,
        /// The second.
        second: String,
    },

    /// The file is not in the format it was read as.
    #[error("`{file}` {reason}")]
    #[diagnostic(code(accord::E113))]
    Malformed {
        /// The file as named.
        file: String,
        /// What is wrong, completing "`file` ...".
        reason: String,
        /// What the format should look like.
        #[help]
        help: String,
    },
}

impl DataError {
    pub(crate) fn unreadable(file: &str, err: &dyn std::fmt::Display) -> Self {
        DataError::Unreadable {
            file: file.to_owned(),
            reason: lower_first(&err.to_string()),
        }
    }

    /// E114 for `column`, which the header's columns `i` and `j` (0-based)
    /// both match.
    pub(crate) fn duplicate(
        file: &str,
        column: &str,
        header: &[String],
        (i, j): (usize, usize),
    ) -> Self {
        let name = |k: usize| {
            let text = header.get(k).map_or("", String::as_str);
            format!("`{text}` (column {})", k + 1)
        };
        DataError::DuplicateColumn {
            file: file.to_owned(),
            column: column.to_owned(),
            first: name(i),
            second: name(j),
        }
    }

    /// Columns the file lacks: E111 when one that every file of its kind
    /// has is among them (they come first), else E112. `section` is the
    /// `accord.toml` table (`leads`, `activities`) where a mapping would
    /// go; `header` is what the file has.
    pub(crate) fn missing(
        file: &str,
        section: &str,
        missing: Vec<Missing>,
        header: &[String],
        matching: Matching,
    ) -> Self {
        let Some(first) = missing.first() else {
            return DataError::Malformed {
                file: file.to_owned(),
                reason: "lacks a column".to_owned(),
                help: String::new(),
            };
        };
        let field = first.field.clone();
        let help = column_help(section, &missing, header, matching);
        let message = match missing.as_slice() {
            [one] => one.sentence(file),
            many => {
                let all: Vec<String> = many.iter().map(Missing::phrase).collect();
                format!("`{file}` lacks {} columns: {}", many.len(), all.join(", "))
            }
        };
        match &first.rule {
            None => DataError::MissingColumn {
                file: file.to_owned(),
                field,
                column: first.column.clone(),
                message,
                help,
            },
            Some(rule) => DataError::MissingField {
                file: file.to_owned(),
                field,
                rule: rule.clone(),
                message,
                help,
            },
        }
    }
}

impl DataError {
    /// Fields of the agreement that none of several activities files has
    /// (`files` quoted for the message); each file may lack some, not all.
    pub(crate) fn missing_everywhere(files: &[String], missing: Vec<Missing>) -> Self {
        let names: Vec<String> = missing
            .iter()
            .map(|m| match &m.rule {
                Some(rule) => format!("`{}` (used by rule `{rule}`)", m.field),
                None => format!("`{}`", m.field),
            })
            .collect();
        let first = missing.first();
        DataError::MissingField {
            file: files.join(", "),
            field: first.map_or_else(String::new, |m| m.field.clone()),
            rule: first.and_then(|m| m.rule.clone()).unwrap_or_default(),
            message: format!(
                "none of the activities files ({}) has a column for {}",
                files.join(", "),
                names.join(", ")
            ),
            help: "one file with the column is enough: the other files' rows hold it blank; \
                   map it in that file's [[activities]] table: columns = { FIELD = \"Name in the export\" }"
                .to_owned(),
        }
    }
}

/// How a file's column names are matched: a CSV header's exactly, then
/// ignoring case and surrounding spaces; JSON Lines keys exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Matching {
    Loose,
    Exact,
}

/// A field a file's header lacks.
#[derive(Debug, Clone)]
pub(crate) struct Missing {
    /// accord's name for it.
    pub field: String,
    /// The header name looked for: `field`, or its mapping.
    pub column: String,
    /// The rule that uses it, for a field only the agreement needs.
    pub rule: Option<String>,
}

impl Missing {
    fn sentence(&self, file: &str) -> String {
        match &self.rule {
            Some(rule) => format!(
                "rule `{rule}` uses `{}`, but `{file}` has no column `{}`",
                self.field, self.column
            ),
            None if self.field == self.column => {
                format!("`{file}` has no `{}` column", self.field)
            }
            None => format!(
                "`{file}` has no column `{}` (mapped to `{}` in accord.toml)",
                self.column, self.field
            ),
        }
    }

    fn phrase(&self) -> String {
        let mut text = format!("`{}`", self.column);
        if self.column != self.field {
            text.push_str(&format!(" (for `{}`)", self.field));
        }
        if let Some(rule) = &self.rule {
            text.push_str(&format!(" used by rule `{rule}`"));
        }
        text
    }
}

/// How many header names a help lists before saying how many more there are:
/// CRM exports can have hundreds of columns.
const LISTED_COLUMNS: usize = 20;

fn column_help(
    section: &str,
    missing: &[Missing],
    header: &[String],
    matching: Matching,
) -> String {
    let mut help = String::new();
    let mut mapping = Vec::new();
    for m in missing {
        let suggestion = did_you_mean(&m.column, header.iter().map(String::as_str));
        if let Some(near) = suggestion {
            help.push_str(&format!("for `{}`, did you mean `{near}`?\n", m.field));
        }
        let example = suggestion.unwrap_or("Name in the export");
        mapping.push(format!("{} = {example:?}", m.field));
    }
    if header.is_empty() {
        help.push_str("the file has no columns\n");
    } else {
        let listed: Vec<String> = header
            .iter()
            .take(LISTED_COLUMNS)
            .map(|c| format!("`{c}`"))
            .collect();
        help.push_str(&format!("its columns: {}", listed.join(", ")));
        if header.len() > LISTED_COLUMNS {
            help.push_str(&format!(" and {} more", header.len() - LISTED_COLUMNS));
        }
        help.push('\n');
        if header.len() == 1 && header.iter().any(|h| h.contains([';', '\t', '|'])) {
            help.push_str(
                "the header is one column: if its names are separated by another \
                 character than the comma, set `delimiter`\n",
            );
        }
    }
    help.push_str(match matching {
        Matching::Loose => "names are matched exactly, then ignoring case and surrounding spaces; ",
        Matching::Exact => "keys are matched exactly; ",
    });
    help.push_str(&format!(
        "if the export names them differently, map them in accord.toml: \
         [{section}] columns = {{ {} }}",
        mapping.join(", ")
    ));
    help
}

/// Lower-case the first letter, for messages from the OS and libraries.
pub(crate) fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    // An acronym ("EOF while parsing") keeps its capitals.
    if chars.clone().nth(1).is_some_and(char::is_uppercase) {
        return s.to_owned();
    }
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A value quoted for a message: escaped as a Rust string literal (so quotes,
/// control characters and line breaks cannot garble the output), and cut
/// short if long.
pub(crate) fn quoted(value: &str) -> String {
    const MAX: usize = 60;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}…", value.get(..cut).unwrap_or(value)),
        None => format!("{value:?}"),
    }
}

/// The problems found in one row, made into one issue: a row with several
/// problems is one issue, its reasons joined with "; ". Reused across rows.
#[derive(Debug, Default)]
pub(crate) struct RowProblems {
    list: Vec<(Option<String>, String)>,
}

impl RowProblems {
    /// Note a problem, with the file's name of the column it is about.
    pub fn add(&mut self, column: Option<&str>, reason: String) {
        self.list.push((column.map(str::to_owned), reason));
    }

    /// Appends another row's problems (of the same row, noted elsewhere).
    pub fn extend(&mut self, more: RowProblems) {
        self.list.extend(more.list);
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn clear(&mut self) {
        self.list.clear();
    }

    /// The issue for this row, if it had problems, leaving the list empty.
    /// One problem keeps its column; with several, each reason names its
    /// column instead, since no single column is to blame.
    pub fn take_issue(&mut self, file: &str, line: u64) -> Option<DataIssue> {
        let issue = match self.list.as_slice() {
            [] => None,
            [(column, message)] => Some(DataIssue {
                file: file.to_owned(),
                line,
                column: column.clone(),
                message: message.clone(),
            }),
            many => {
                let reasons: Vec<String> = many
                    .iter()
                    .map(|(column, reason)| match column {
                        Some(c) => format!("`{c}`: {reason}"),
                        None => reason.clone(),
                    })
                    .collect();
                Some(DataIssue {
                    file: file.to_owned(),
                    line,
                    column: None,
                    message: reasons.join("; "),
                })
            }
        };
        self.list.clear();
        issue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_serializes_with_stable_names() {
        let issue = DataIssue {
            file: "activities.csv".into(),
            line: 17,
            column: None,
            message: "activity of unknown lead \"L9\"".into(),
        };
        assert_eq!(
            serde_json::to_string(&issue).unwrap(),
            r#"{"file":"activities.csv","line":17,"message":"activity of unknown lead \"L9\""}"#
        );
        let issue = DataIssue {
            column: Some("at".into()),
            ..issue
        };
        assert!(serde_json::to_string(&issue)
            .unwrap()
            .contains(r#""line":17,"column":"at","message""#));
    }

    #[test]
    fn several_problems_make_one_issue() {
        let mut p = RowProblems::default();
        assert_eq!(p.take_issue("a.csv", 2), None);
        p.add(Some("at"), "missing time".into());
        let one = p.take_issue("a.csv", 2).unwrap();
        assert_eq!(one.column.as_deref(), Some("at"));
        assert_eq!(one.message, "missing time");
        assert_eq!(p.take_issue("a.csv", 2), None, "taking empties the list");

        p.add(None, "activity of unknown lead \"L9\"".into());
        p.add(Some("Activity date"), "missing time".into());
        let joined = p.take_issue("a.csv", 3).unwrap();
        assert_eq!(joined.column, None);
        assert_eq!(
            joined.message,
            "activity of unknown lead \"L9\"; `Activity date`: missing time"
        );
    }

    #[test]
    fn quoting_escapes_and_shortens() {
        assert_eq!(quoted("L9"), "\"L9\"");
        assert_eq!(quoted("a\"b\nc"), "\"a\\\"b\\nc\"");
        let long = "x".repeat(100);
        assert_eq!(quoted(&long), format!("\"{}\"…", "x".repeat(60)));
    }

    fn missing(field: &str, column: &str, rule: Option<&str>) -> Missing {
        Missing {
            field: field.to_owned(),
            column: column.to_owned(),
            rule: rule.map(str::to_owned),
        }
    }

    #[test]
    fn missing_column_help_suggests_and_shows_the_mapping() {
        let header = vec!["Record ID".to_owned(), "Email".to_owned()];
        let err = DataError::missing(
            "leads.csv",
            "leads",
            vec![missing("id", "id", None)],
            &header,
            Matching::Loose,
        );
        assert_eq!(err.to_string(), "`leads.csv` has no `id` column");
        let DataError::MissingColumn { help, .. } = &err else {
            unreachable!()
        };
        assert_eq!(
            help,
            "its columns: `Record ID`, `Email`\n\
             names are matched exactly, then ignoring case and surrounding spaces; \
             if the export names them differently, map them in accord.toml: \
             [leads] columns = { id = \"Name in the export\" }"
        );

        let err = DataError::missing(
            "leads.csv",
            "leads",
            vec![missing("id", "Recrd ID", None)],
            &header,
            Matching::Loose,
        );
        assert_eq!(
            err.to_string(),
            "`leads.csv` has no column `Recrd ID` (mapped to `id` in accord.toml)"
        );
        let DataError::MissingColumn { help, .. } = &err else {
            unreachable!()
        };
        assert!(
            help.starts_with("for `id`, did you mean `Record ID`?\n"),
            "{help}"
        );
        assert!(help.ends_with("columns = { id = \"Record ID\" }"), "{help}");
    }

    #[test]
    fn every_missing_column_in_one_error() {
        let header = vec!["Record ID;First Name;Email".to_owned()];
        let err = DataError::missing(
            "contacts.csv",
            "leads",
            vec![
                missing("id", "id", None),
                missing("handed_off_at", "handed_off_at", None),
                missing("persona", "Job Title", Some("Speed to lead")),
            ],
            &header,
            Matching::Loose,
        );
        assert_eq!(
            err.to_string(),
            "`contacts.csv` lacks 3 columns: `id`, `handed_off_at`, \
             `Job Title` (for `persona`) used by rule `Speed to lead`"
        );
        assert_eq!(
            miette::Diagnostic::code(&err).unwrap().to_string(),
            "accord::E111"
        );
        let DataError::MissingColumn { help, .. } = &err else {
            unreachable!()
        };
        assert!(help.contains("set `delimiter`"), "{help}");
        assert!(
            help.ends_with(
                "columns = { id = \"Name in the export\", handed_off_at = \"Name in the export\", \
                 persona = \"Name in the export\" }"
            ),
            "{help}"
        );

        let err = DataError::missing(
            "a.csv",
            "activities",
            vec![
                missing("outcome", "outcome", Some("Depth")),
                missing("actor", "actor", Some("Depth")),
            ],
            &header,
            Matching::Loose,
        );
        assert_eq!(
            miette::Diagnostic::code(&err).unwrap().to_string(),
            "accord::E112"
        );
    }

    #[test]
    fn long_headers_are_cut_short() {
        let header: Vec<String> = (0..25).map(|i| format!("c{i}")).collect();
        let err = DataError::missing(
            "a.csv",
            "activities",
            vec![missing("x", "x", Some("R"))],
            &header,
            Matching::Loose,
        );
        let DataError::MissingField { help, .. } = &err else {
            unreachable!()
        };
        assert!(help.contains("`c19` and 5 more"), "{help}");
        assert!(!help.contains("`c20`"), "{help}");
    }
}
