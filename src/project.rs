//! Where an evaluation's inputs are: the agreement, the leads, the
//! activities and how to read them, from `accord.toml` and the command
//! line's flags (flags win). The only I/O here is reading `accord.toml`.

use std::path::{Path, PathBuf};

use crate::data::{load_config, Config, ConfigError};

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
    pub activities: PathBuf,
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
    let pick = |flag: &Option<PathBuf>, configured: &Option<PathBuf>, what, key: &str| {
        flag.clone()
            .or_else(|| configured.clone())
            .ok_or_else(|| ProjectError::Missing {
                what,
                help: format!("name it with `--{what}` or set `{key}` in accord.toml"),
            })
    };
    Ok(Project {
        agreement: pick(
            &overrides.agreement,
            &config.agreement,
            "agreement",
            "agreement",
        )?,
        leads: pick(
            &overrides.leads,
            &config.leads.path,
            "leads",
            "[leads] path",
        )?,
        activities: pick(
            &overrides.activities,
            &config.activities.path,
            "activities",
            "[activities] path",
        )?,
        config,
    })
}
