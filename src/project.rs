//! Where an evaluation's inputs are: the agreement, the leads, the
//! activities and how to read them, from `accord.toml` and the command
//! line's flags (flags win). The only I/O here is reading `accord.toml`.

use std::path::{Path, PathBuf};

use std::sync::LazyLock;

use crate::data::{load_config, Config, ConfigError, TableConfig};

/// What the command line says about the inputs; `None` defers to the
/// project file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub agreement: Option<PathBuf>,
    pub leads: Option<PathBuf>,
    pub activities: Option<PathBuf>,
    /// The project file; default: `accord.toml` in the current directory,
    /// when there is one.
    pub config: Option<PathBuf>,
}

/// The inputs of one evaluation, every path resolved.
#[derive(Debug, Clone)]
pub struct Project {
    pub config: Config,
    pub agreement: PathBuf,
    pub leads: PathBuf,
    /// One file, or one per `[[activities]]` table; `--activities` names
    /// one that replaces them all.
    pub activities: Vec<PathBuf>,
}

/// How a file that no table of `accord.toml` describes is read.
static DEFAULT_TABLE: LazyLock<TableConfig> = LazyLock::new(TableConfig::default);

impl Project {
    /// How the `i`th activities file is read: its own table, or for a file
    /// named by `--activities` in place of several, the first table's
    /// settings (its columns, format and so on; without one, the defaults).
    pub fn activity_table(&self, i: usize) -> &TableConfig {
        let tables = &self.config.activities;
        let table = if tables.len() == self.activities.len() {
            tables.get(i)
        } else {
            tables.first()
        };
        table.unwrap_or(&DEFAULT_TABLE)
    }
}

/// Why the inputs could not be found.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ProjectError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(Box<ConfigError>),

    /// A needed input was named nowhere.
    #[error("no {what} given")]
    #[diagnostic(code(accord::E120), help("{help}"))]
    Missing { what: &'static str, help: String },
}

// Boxed: the error carries the file's text and is rare.
impl From<ConfigError> for ProjectError {
    fn from(e: ConfigError) -> Self {
        ProjectError::Config(Box::new(e))
    }
}

/// The project file named, or `./accord.toml` when present, or defaults.
fn config(overrides: &Overrides) -> Result<Config, ProjectError> {
    Ok(match &overrides.config {
        Some(path) => load_config(path)?,
        None if Path::new("accord.toml").is_file() => load_config(Path::new("accord.toml"))?,
        None => Config::default(),
    })
}

/// Only the agreement: for commands that need no data.
pub fn agreement_path(overrides: &Overrides) -> Result<PathBuf, ProjectError> {
    match &overrides.agreement {
        Some(path) => Ok(path.clone()),
        None => config(overrides)?
            .agreement
            .ok_or_else(|| ProjectError::Missing {
                what: "agreement",
                help: "name it on the command line or set `agreement` in accord.toml".to_owned(),
            }),
    }
}

/// Resolves the inputs: flags first, then the project file.
pub fn resolve(overrides: &Overrides) -> Result<Project, ProjectError> {
    let config = config(overrides)?;
    let agreement = overrides
        .agreement
        .clone()
        .or_else(|| config.agreement.clone())
        .ok_or_else(|| ProjectError::Missing {
            what: "agreement",
            help: "name it on the command line (`accord eval rules/acme.sla`) or set \
                   `agreement` in accord.toml"
                .to_owned(),
        })?;
    let leads = overrides
        .leads
        .clone()
        .or_else(|| config.leads.path.clone())
        .ok_or_else(|| ProjectError::Missing {
            what: "leads",
            help: "name it with `--leads` or set `[leads] path` in accord.toml".to_owned(),
        })?;
    Ok(Project {
        agreement,
        leads,
        activities: match &overrides.activities {
            Some(path) => vec![path.clone()],
            None => activity_paths(&config)?,
        },
        config,
    })
}

/// The activities files `accord.toml` names, one per table; every table
/// must name one.
fn activity_paths(config: &Config) -> Result<Vec<PathBuf>, ProjectError> {
    let missing = |help: String| ProjectError::Missing {
        what: "activities",
        help,
    };
    if config.activities.is_empty() {
        return Err(missing(
            "name it with `--activities` or set `[activities] path` in accord.toml".to_owned(),
        ));
    }
    config
        .activities
        .iter()
        .enumerate()
        .map(|(i, table)| {
            table.path.clone().ok_or_else(|| {
                missing(format!(
                    "the {} activities table in accord.toml has no `path`",
                    ordinal(i + 1)
                ))
            })
        })
        .collect()
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
