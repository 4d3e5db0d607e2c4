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
    #[error("rule `{rule}` uses `{field}`, but `{file}` has no column `{column}`")]
    #[diagnostic(code(accord::E112))]
    MissingField {
        /// The file as named.
        file: String,
        /// The field as the agreement names it.
        field: String,
        /// The header name looked for (`field`, or its mapping).
        column: String,
        /// A rule that uses the field.
        rule: String,
        /// The header's columns, a suggestion, and how to map the column.
        #[help]
        help: String,
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

    /// A required column is missing. `section` is the `accord.toml` table
    /// (`leads`, `activities`) where a mapping would go; `header` is what the
    /// file has.
    pub(crate) fn missing_column(
        file: &str,
        section: &str,
        field: &str,
        column: &str,
        header: &[String],
    ) -> Self {
        let message = if field == column {
            format!("`{file}` has no `{field}` column")
        } else {
            format!("`{file}` has no column `{column}` (mapped to `{field}` in accord.toml)")
        };
        DataError::MissingColumn {
            file: file.to_owned(),
            field: field.to_owned(),
            column: column.to_owned(),
            message,
            help: column_help(section, field, column, header),
        }
    }

    pub(crate) fn missing_field(
        file: &str,
        section: &str,
        field: &str,
        column: &str,
        rule: &str,
        header: &[String],
    ) -> Self {
        DataError::MissingField {
            file: file.to_owned(),
            field: field.to_owned(),
            column: column.to_owned(),
            rule: rule.to_owned(),
            help: column_help(section, field, column, header),
        }
    }
}

/// How many header names a help lists before saying how many more there are:
/// CRM exports can have hundreds of columns.
const LISTED_COLUMNS: usize = 20;

fn column_help(section: &str, field: &str, column: &str, header: &[String]) -> String {
    let mut help = String::new();
    let suggestion = did_you_mean(column, header.iter().map(String::as_str));
    if let Some(near) = suggestion {
        help.push_str(&format!("did you mean `{near}`?\n"));
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
    }
    let example = suggestion.unwrap_or("Name in the export");
    help.push_str(&format!(
        "if the export names it differently, map it in accord.toml: \
         [{section}] columns = {{ {field} = {example:?} }}"
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

    #[test]
    fn missing_column_help_suggests_and_shows_the_mapping() {
        let header = vec!["Record ID".to_owned(), "Email".to_owned()];
        let err = DataError::missing_column("leads.csv", "leads", "id", "id", &header);
        assert_eq!(err.to_string(), "`leads.csv` has no `id` column");
        let DataError::MissingColumn { help, .. } = &err else {
            unreachable!()
        };
        assert_eq!(
            help,
            "its columns: `Record ID`, `Email`\n\
             if the export names it differently, map it in accord.toml: \
             [leads] columns = { id = \"Name in the export\" }"
        );

        let err = DataError::missing_column("leads.csv", "leads", "id", "Recrd ID", &header);
        assert_eq!(
            err.to_string(),
            "`leads.csv` has no column `Recrd ID` (mapped to `id` in accord.toml)"
        );
        let DataError::MissingColumn { help, .. } = &err else {
            unreachable!()
        };
        assert!(help.starts_with("did you mean `Record ID`?\n"), "{help}");
        assert!(help.ends_with("columns = { id = \"Record ID\" }"), "{help}");
    }

    #[test]
    fn long_headers_are_cut_short() {
        let header: Vec<String> = (0..25).map(|i| format!("c{i}")).collect();
        let err = DataError::missing_field("a.csv", "activities", "x", "x", "R", &header);
        let DataError::MissingField { help, .. } = &err else {
            unreachable!()
        };
        assert!(help.contains("`c19` and 5 more"), "{help}");
        assert!(!help.contains("`c20`"), "{help}");
    }
}
