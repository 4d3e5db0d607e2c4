//! `accord.toml`, the optional project file: where the agreement and the data
//! are, how to read the data, and how the export's columns map to accord's
//! names. Command-line flags override it; the CLI merges the two.
//!
//! A file that does not parse, or has a key accord does not know, is an
//! error pointing into the file, never a warning with defaults: a typo in
//! `duration_unit` would otherwise silently multiply every call by 1000.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use miette::{NamedSource, SourceSpan};
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use super::duration::{DurationFormat, DurationUnit};
use super::issue::lower_first;
use super::presets;
use super::Format;
use crate::check::did_you_mean;

/// The contents of `accord.toml`. Paths are resolved against the directory
/// of the file by [`load_config`], and presets are filled in there.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The agreement (`.sla` file) that `eval`, `report` and `check` use when
    /// none is named on the command line.
    #[serde(default)]
    pub agreement: Option<PathBuf>,
    /// Settings shared by both data files.
    #[serde(default)]
    pub data: DataConfig,
    /// The leads export.
    #[serde(default)]
    pub leads: TableConfig,
    /// The activities exports: `[activities]` for one file, or
    /// `[[activities]]` once per file; their rows form one stream.
    #[serde(default, deserialize_with = "one_or_many")]
    pub activities: Vec<TableConfig>,
    /// A CRM's name or user id for a person → the member id the agreement
    /// uses (see [`super::relabel`]).
    #[serde(default)]
    pub people: BTreeMap<String, String>,
    /// Per field: a word of the agreement → the export's label or labels
    /// for it.
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, Spanned<OneOrMany>>>,
}

/// `[data]`
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// The IANA time zone (`Europe/Amsterdam`) for timestamps written
    /// without an offset; default: the agreement's. Checked when loaded.
    #[serde(default, deserialize_with = "time_zone")]
    pub timezone: Option<String>,
    /// The instant the exports were taken, used as "now" when `--as-of` is
    /// not given; for a fixed snapshot, reproducible output. Default: the
    /// clock.
    #[serde(default)]
    pub as_of: Option<String>,
    /// The share of one file's rows that may be rejected before the file is
    /// taken to be misread (`"10%"`, the default).
    #[serde(default, deserialize_with = "share")]
    pub max_rejected: Option<f64>,
}

impl DataConfig {
    /// The configured time zone, if any.
    pub fn tz(&self) -> Option<Tz> {
        self.timezone.as_deref().and_then(|name| name.parse().ok())
    }
}

/// `[leads]`, `[activities]` or one `[[activities]]`: where a file is and
/// how it is written. Every key is optional; a preset fills in those left
/// out.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableConfig {
    /// The file, used when `--leads`/`--activities` is not given.
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// A well-known export's settings (`hubspot-calls`), under the keys set
    /// here.
    #[serde(default, deserialize_with = "preset_name")]
    pub preset: Option<String>,
    /// `csv` or `jsonl`; default: by the file's extension.
    #[serde(default)]
    pub format: Option<Format>,
    /// accord's field name → the column's name in the export, for columns
    /// the export names differently (`id = "Record ID"`).
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// The CSV delimiter; default: detected from the header line.
    #[serde(default, deserialize_with = "delimiter")]
    pub delimiter: Option<u8>,
    /// The file's text encoding, as a WHATWG label; default UTF-8.
    #[serde(default, deserialize_with = "encoding")]
    pub encoding: Option<String>,
    /// strftime patterns tried, in order, before the ISO forms.
    #[serde(default, deserialize_with = "time_formats")]
    pub time_format: Option<Vec<String>>,
    /// What a plain number in `duration` counts.
    #[serde(default)]
    pub duration_unit: Option<DurationUnit>,
    /// The clock form of `duration`.
    #[serde(default)]
    pub duration_format: Option<DurationFormat>,
    /// Activities only: one kind for every row of the file.
    #[serde(default)]
    pub kind: Option<Spanned<String>>,
    /// Field → the separator of a cell that lists several values.
    #[serde(default)]
    pub split: Option<Spanned<BTreeMap<String, String>>>,
    /// How lead ids compare.
    #[serde(default)]
    pub ids: Option<Ids>,
}

impl TableConfig {
    /// Fills in what `preset` sets and this table does not: a key set here
    /// wins, and so does each column or split named here.
    fn with_preset(mut self, preset: TableConfig) -> TableConfig {
        let mut columns = preset.columns;
        columns.append(&mut self.columns);
        self.columns = columns;
        self.split = match (self.split.take(), preset.split) {
            (Some(mine), Some(theirs)) => {
                let span = mine.span();
                let mut all = theirs.into_inner();
                all.append(&mut mine.into_inner());
                Some(Spanned::new(span, all))
            }
            (mine, theirs) => mine.or(theirs),
        };
        self.format = self.format.or(preset.format);
        self.delimiter = self.delimiter.or(preset.delimiter);
        self.encoding = self.encoding.or(preset.encoding);
        self.time_format = self.time_format.or(preset.time_format);
        self.duration_unit = self.duration_unit.or(preset.duration_unit);
        self.duration_format = self.duration_format.or(preset.duration_format);
        self.kind = self.kind.or(preset.kind);
        self.ids = self.ids.or(preset.ids);
        self
    }

    /// The separator of `field`'s cells, if they list several values.
    pub fn split_of(&self, field: &str) -> Option<&str> {
        self.split
            .as_ref()
            .and_then(|s| s.get_ref().get(field))
            .map(String::as_str)
            .filter(|sep| !sep.is_empty())
    }
}

/// One value or a list of them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(one) => std::slice::from_ref(one),
            OneOrMany::Many(many) => many,
        }
    }
}

/// How lead ids compare.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ids {
    /// As written.
    #[default]
    Exact,
    /// As Salesforce record ids: the 15 and 18-character forms are one.
    Salesforce,
}

/// `accord.toml` could not be used.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file does not parse, has an unknown key, or a value of the wrong kind.
    #[error("{message}")]
    #[diagnostic(code(accord::E100))]
    Invalid {
        /// What is wrong, lower case.
        message: String,
        /// The whole file, to show the line.
        #[source_code]
        src: NamedSource<String>,
        /// Where in the file, when known.
        #[label("{label}")]
        span: Option<SourceSpan>,
        /// The label's text.
        label: String,
        /// A suggestion, or the keys allowed there.
        #[help]
        help: Option<String>,
    },

    /// The file cannot be read.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(accord::E101))]
    Unreadable {
        /// The file as named.
        path: String,
        /// The operating system's reason, lower case.
        reason: String,
    },
}

/// Read and check `accord.toml` at `path`; relative paths in it are made
/// relative to the file's own directory, so the project works from anywhere.
// The error carries the file's text for miette to show; it happens at most
// once per run, so its size costs nothing worth a box.
#[allow(clippy::result_large_err)]
pub fn load_config(path: &Path) -> Result<Config, ConfigError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Unreadable {
        path: name.clone(),
        reason: lower_first(&e.to_string()),
    })?;
    let src = || NamedSource::new(name.clone(), text.clone());
    let mut config: Config = toml::from_str(&text).map_err(|e| invalid(&e, src()))?;
    if let Some(problem) = misplaced(&config) {
        return Err(problem.into_error(src()));
    }
    config.leads = filled_in(std::mem::take(&mut config.leads));
    config.activities = std::mem::take(&mut config.activities)
        .into_iter()
        .map(filled_in)
        .collect();
    let base = path.parent().unwrap_or(Path::new(""));
    let resolve = |p: &mut Option<PathBuf>| {
        if let Some(p) = p {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
    };
    resolve(&mut config.agreement);
    resolve(&mut config.leads.path);
    for table in &mut config.activities {
        resolve(&mut table.path);
    }
    Ok(config)
}

/// The table with its preset's settings under its own.
fn filled_in(table: TableConfig) -> TableConfig {
    let preset = table.preset.as_deref().and_then(presets::settings);
    match preset {
        Some(preset) => table.with_preset(preset),
        None => table,
    }
}

/// A key that parses but cannot mean anything where it is.
struct Misplaced {
    message: String,
    span: std::ops::Range<usize>,
    label: &'static str,
    help: String,
}

impl Misplaced {
    fn into_error(self, src: NamedSource<String>) -> ConfigError {
        ConfigError::Invalid {
            message: self.message,
            src,
            span: Some(self.span.into()),
            label: self.label.to_owned(),
            help: Some(self.help),
        }
    }
}

/// The first key that parses but is in the wrong place: `kind` on the
/// leads, a `split` of a field other than an activity's `lead`, or a label
/// listed under two words of one field in `[values]`.
fn misplaced(config: &Config) -> Option<Misplaced> {
    if let Some(kind) = &config.leads.kind {
        return Some(Misplaced {
            message: "`kind` is set on the leads".to_owned(),
            span: kind.span(),
            label: "activities only",
            help: "`kind` names the kind of every row of an activities file; \
                   move it to that file's [activities] table"
                .to_owned(),
        });
    }
    let splits = std::iter::once((&config.leads, "leads"))
        .chain(config.activities.iter().map(|t| (t, "activities")));
    for (table, section) in splits {
        let Some(split) = &table.split else { continue };
        let other = split
            .get_ref()
            .keys()
            .find(|field| section == "leads" || *field != "lead");
        if let Some(field) = other {
            return Some(Misplaced {
                message: format!("`split` of `{field}` in [{section}]"),
                span: split.span(),
                label: "only an activity's `lead` is split",
                help: "`split = { lead = \";\" }` makes one activity per lead a cell lists; \
                       other fields are compared whole"
                    .to_owned(),
            });
        }
    }
    for (field, words) in &config.values {
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        // In the file's order, so that the second listing is the one shown.
        let mut in_order: Vec<(&String, &Spanned<OneOrMany>)> = words.iter().collect();
        in_order.sort_by_key(|(_, labels)| labels.span().start);
        for (word, labels) in in_order {
            for label in labels.get_ref().as_slice() {
                if let Some(first) = seen.insert(label, word) {
                    if first != word {
                        return Some(Misplaced {
                            message: format!(
                                "`{label}` is listed under both `{first}` and `{word}` in [values.{field}]"
                            ),
                            span: labels.span(),
                            label: "one export label, two words",
                            help: "each label of the export stands for one word of the agreement"
                                .to_owned(),
                        });
                    }
                }
            }
        }
    }
    None
}

/// The diagnostic for a TOML or schema error. toml reports unknown keys as
/// serde's "unknown field `k`, expected one of `a`, `b`": the key and the
/// table's known keys are read back out of that text, which always matches
/// the structs above.
fn invalid(err: &toml::de::Error, src: NamedSource<String>) -> ConfigError {
    let span = err.span().map(SourceSpan::from);
    let text = err.message();
    if let Some(rest) = text.strip_prefix("unknown field ") {
        let mut ticked = backticked(rest).into_iter();
        let key = ticked.next().unwrap_or_default();
        let allowed: Vec<&str> = ticked.collect();
        let help = match did_you_mean(key, allowed.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None if allowed.is_empty() => "this table takes no keys".to_owned(),
            None => format!("allowed keys here: {}", quote_all(&allowed)),
        };
        return ConfigError::Invalid {
            message: format!("unknown key `{key}` in accord.toml"),
            src,
            span,
            label: "unknown key".to_owned(),
            help: Some(help),
        };
    }
    if let Some(rest) = text.strip_prefix("unknown time zone ") {
        let zone = backticked(rest).into_iter().next().unwrap_or_default();
        let near = did_you_mean(zone, chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()));
        return ConfigError::Invalid {
            message: format!("unknown time zone `{zone}`"),
            src,
            span,
            label: "not an IANA time zone".to_owned(),
            help: Some(match near {
                Some(near) => format!("did you mean `{near}`?"),
                None => "use an IANA time zone name such as `Europe/Amsterdam`".to_owned(),
            }),
        };
    }
    // toml puts the summary on the first line and the detail after it.
    let (first, detail) = text.split_once('\n').unwrap_or((text, ""));
    ConfigError::Invalid {
        message: lower_first(first.trim()),
        src,
        span,
        label: if detail.trim().is_empty() {
            "here".to_owned()
        } else {
            detail.trim().replace('\n', "; ")
        },
        help: None,
    }
}

/// The names between backticks, in order.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

fn quote_all(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A time zone name, checked here so a typo points at its line in the file.
fn time_zone<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let name = String::deserialize(d)?;
    if name.parse::<Tz>().is_err() {
        return Err(serde::de::Error::custom(format!(
            "unknown time zone `{name}`"
        )));
    }
    Ok(Some(name))
}

/// `[activities]` (one table) or `[[activities]]` (a list of them).
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<TableConfig>, D::Error> {
    struct Tables;
    impl<'de> serde::de::Visitor<'de> for Tables {
        type Value = Vec<TableConfig>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a table, or an array of tables")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            let one = TableConfig::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
            Ok(vec![one])
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            Vec::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
        }
    }
    d.deserialize_any(Tables)
}

/// A share such as `"10%"`, as a fraction.
fn share<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let text = String::deserialize(d)?;
    let number = text.trim().strip_suffix('%').map(str::trim);
    match number.and_then(|n| n.parse::<f64>().ok()) {
        Some(p) if (0.0..=100.0).contains(&p) => Ok(Some(p / 100.0)),
        _ => Err(serde::de::Error::custom(format!(
            "`{text}` is not a share such as \"10%\" (0% to 100%)"
        ))),
    }
}

/// One character that can separate CSV cells.
fn delimiter<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    let text = String::deserialize(d)?;
    match text.as_bytes() {
        [b] if b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r') => Ok(Some(*b)),
        _ => Err(serde::de::Error::custom(format!(
            "delimiter {text:?} is not one ASCII character other than a quote or a line break \
             (a tab is \"\\t\")"
        ))),
    }
}

/// A WHATWG encoding label (`windows-1252`, `latin1`, `utf-16`).
fn encoding<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let label = String::deserialize(d)?;
    if encoding_rs::Encoding::for_label(label.trim().as_bytes()).is_none() {
        return Err(serde::de::Error::custom(format!(
            "unknown encoding `{label}`: use a label such as \"utf-8\", \"utf-16\", \
             \"windows-1252\" or \"iso-8859-15\""
        )));
    }
    Ok(Some(label.trim().to_ascii_lowercase()))
}

/// One strftime pattern or a list, each checked by chrono.
fn time_formats<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    let formats = OneOrMany::deserialize(d)?.as_slice().to_vec();
    for format in &formats {
        if let Err(reason) = super::timestamp::check_format(format) {
            return Err(serde::de::Error::custom(format!(
                "time_format `{format}`: {reason}"
            )));
        }
    }
    Ok(Some(formats))
}

/// A preset's name, checked so that a typo points at its line.
fn preset_name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let name = String::deserialize(d)?;
    if presets::settings(&name).is_none() {
        let help = match did_you_mean(&name, presets::NAMES.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("known presets: {}", quote_all(presets::NAMES)),
        };
        return Err(serde::de::Error::custom(format!(
            "unknown preset `{name}`: {help}"
        )));
    }
    Ok(Some(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::testutil::temp_dir;
    use miette::{GraphicalReportHandler, GraphicalTheme};

    fn write_config(text: &str) -> PathBuf {
        let path = temp_dir().join("accord.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    fn render(err: &ConfigError) -> String {
        let mut out = String::new();
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .render_report(&mut out, err)
            .unwrap();
        out
    }

    fn invalid_parts(err: &ConfigError) -> (&str, Option<&str>, Option<SourceSpan>) {
        match err {
            ConfigError::Invalid {
                message,
                help,
                span,
                ..
            } => (message, help.as_deref(), *span),
            other => panic!("{other:?}"),
        }
    }

    const FULL: &str = r#"
agreement = "rules/acme.sla"

[data]
timezone = "Europe/Amsterdam"     # for local timestamps

[leads]
path = "rules/data/leads.csv"
columns = { id = "Record ID", handed_off_at = "Became a Marketing Qualified Lead Date", persona = "Job function" }

[activities]
path = "/srv/exports/activities.jsonl"
format = "csv"
columns = { lead = "Associated Contact ID", at = "Activity date", kind = "Activity type" }
duration_unit = "ms"
"#;

    #[test]
    fn the_documented_example_loads() {
        let path = write_config(FULL);
        let config = load_config(&path).unwrap();
        let dir = path.parent().unwrap();
        assert_eq!(config.agreement, Some(dir.join("rules/acme.sla")));
        assert_eq!(config.data.timezone.as_deref(), Some("Europe/Amsterdam"));
        assert_eq!(config.data.tz(), Some(chrono_tz::Europe::Amsterdam));
        assert_eq!(config.leads.path, Some(dir.join("rules/data/leads.csv")));
        assert_eq!(config.leads.format, None);
        assert_eq!(config.leads.columns["id"], "Record ID");
        assert_eq!(config.leads.columns["persona"], "Job function");
        // Absolute paths stay as they are.
        let activities = &config.activities[0];
        assert_eq!(
            activities.path,
            Some(PathBuf::from("/srv/exports/activities.jsonl"))
        );
        assert_eq!(activities.format, Some(Format::Csv));
        assert_eq!(activities.columns["lead"], "Associated Contact ID");
        assert_eq!(activities.duration_unit, Some(DurationUnit::Millis));
    }

    #[test]
    fn everything_is_optional() {
        assert_eq!(load_config(&write_config("")).unwrap(), Config::default());
        let config = load_config(&write_config("[leads]\nformat = \"jsonl\"\n")).unwrap();
        assert_eq!(config.leads.format, Some(Format::Jsonl));
        assert_eq!(config.data.tz(), None);
    }

    #[test]
    fn relative_to_a_config_in_the_current_directory() {
        // `Path::new("accord.toml").parent()` is empty: paths stay relative.
        let base = Path::new("accord.toml").parent().unwrap();
        assert_eq!(base.join("rules/acme.sla"), PathBuf::from("rules/acme.sla"));
    }

    #[test]
    fn unknown_key_suggests_the_nearest() {
        let path = write_config("[data]\ntiemzone = \"Europe/Amsterdam\"\n");
        let err = load_config(&path).unwrap_err();
        let (message, help, span) = invalid_parts(&err);
        assert_eq!(message, "unknown key `tiemzone` in accord.toml");
        assert_eq!(help, Some("did you mean `timezone`?"));
        assert_eq!(span, Some(SourceSpan::from(7..15)));
        assert_eq!(
            miette::Diagnostic::code(&err).unwrap().to_string(),
            "accord::E100"
        );

        let rendered = render(&err);
        assert!(rendered.contains("accord::E100"), "{rendered}");
        assert!(rendered.contains("accord.toml:2:1"), "{rendered}");
        assert!(
            rendered.contains("2 │ tiemzone = \"Europe/Amsterdam\""),
            "{rendered}"
        );
        assert!(rendered.contains("unknown key"), "{rendered}");
        assert!(rendered.contains("did you mean `timezone`?"), "{rendered}");
    }

    #[test]
    fn unknown_key_without_a_near_one_lists_the_allowed() {
        let err = load_config(&write_config("[activities]\nunit = \"ms\"\n")).unwrap_err();
        let (message, help, _) = invalid_parts(&err);
        assert_eq!(message, "unknown key `unit` in accord.toml");
        assert_eq!(
            help,
            Some(
                "allowed keys here: `path`, `preset`, `format`, `columns`, `delimiter`, \
                 `encoding`, `time_format`, `duration_unit`, `duration_format`, `kind`, \
                 `split`, `ids`"
            )
        );

        let err = load_config(&write_config("agrement = \"a.sla\"\n")).unwrap_err();
        assert_eq!(invalid_parts(&err).1, Some("did you mean `agreement`?"));

        let err = load_config(&write_config("leads = { pth = \"a.csv\" }\n")).unwrap_err();
        assert_eq!(invalid_parts(&err).1, Some("did you mean `path`?"));

        let err = load_config(&write_config("[lead]\npath = \"a.csv\"\n")).unwrap_err();
        assert_eq!(invalid_parts(&err).1, Some("did you mean `leads`?"));
    }

    #[test]
    fn bad_values_point_at_themselves() {
        let err = load_config(&write_config("[leads]\nformat = \"xlsx\"\n")).unwrap_err();
        let (message, _, span) = invalid_parts(&err);
        assert_eq!(
            message,
            "unknown variant `xlsx`, expected one of `csv`, `jsonl`, `ndjson`"
        );
        assert_eq!(span, Some(SourceSpan::from(17..23)));

        let err =
            load_config(&write_config("[activities]\nduration_unit = \"sec\"\n")).unwrap_err();
        assert_eq!(
            invalid_parts(&err).0,
            "unknown variant `sec`, expected one of `s`, `ms`, `min`"
        );

        let err = load_config(&write_config("agreement = 5\n")).unwrap_err();
        assert_eq!(
            invalid_parts(&err).0,
            "invalid type: integer `5`, expected path string"
        );

        let err = load_config(&write_config("[leads]\ncolumns = { id = 3 }\n")).unwrap_err();
        assert!(invalid_parts(&err)
            .0
            .starts_with("invalid type: integer `3`"));
    }

    #[test]
    fn unknown_time_zone_is_caught_with_a_suggestion() {
        let err =
            load_config(&write_config("[data]\ntimezone = \"Europe/Amsterdm\"\n")).unwrap_err();
        let (message, help, span) = invalid_parts(&err);
        assert_eq!(message, "unknown time zone `Europe/Amsterdm`");
        assert_eq!(help, Some("did you mean `Europe/Amsterdam`?"));
        assert_eq!(span, Some(SourceSpan::from(18..35)));

        let err =
            load_config(&write_config("[data]\ntimezone = \"Mars/Olympus_Mons\"\n")).unwrap_err();
        assert_eq!(
            invalid_parts(&err).1,
            Some("use an IANA time zone name such as `Europe/Amsterdam`")
        );
    }

    #[test]
    fn syntax_errors_are_diagnostics_too() {
        let err = load_config(&write_config("[leads\npath = 1\n")).unwrap_err();
        let (message, help, span) = invalid_parts(&err);
        assert_eq!(message, "invalid table header");
        assert_eq!(help, None);
        assert!(span.is_some());
        let rendered = render(&err);
        assert!(rendered.contains("expected `.`, `]`"), "{rendered}");

        let err = load_config(&write_config("[data]\n[data]\n")).unwrap_err();
        assert!(render(&err).contains("duplicate key `data`"));
    }

    #[test]
    fn unreadable_config() {
        let path = temp_dir().join("missing.toml");
        let err = load_config(&path).unwrap_err();
        assert!(matches!(err, ConfigError::Unreadable { .. }));
        assert_eq!(
            miette::Diagnostic::code(&err).unwrap().to_string(),
            "accord::E101"
        );
        assert!(err.to_string().contains("no such file"), "{err}");
    }
}
