//! `accord init`: a starter project that runs at once — a commented
//! agreement, its tests, an `accord.toml` and a small sample export it
//! evaluates — so a first-time user sees `check`, `test`, `eval` and
//! `report` work before changing anything. Existing files are never
//! overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The files `init` writes, relative to the target folder, and their text.
pub const FILES: [(&str, &str); 5] = [
    ("accord.toml", include_str!("templates/accord.toml")),
    ("agreement.sla", include_str!("templates/agreement.sla")),
    (
        "agreement.test.toml",
        include_str!("templates/agreement.test.toml"),
    ),
    ("data/leads.csv", include_str!("templates/leads.csv")),
    (
        "data/activities.csv",
        include_str!("templates/activities.csv"),
    ),
];

/// Why a starter project could not be written.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum InitError {
    #[error("{} already exist{}", list(.paths), if .paths.len() == 1 { "s" } else { "" })]
    #[diagnostic(
        code(accord::E130),
        help("accord init never overwrites files: choose an empty folder, e.g. `accord init sla`")
    )]
    Exists { paths: Vec<String> },

    #[error("cannot write `{path}`: {reason}")]
    #[diagnostic(code(accord::E131), help("check that the folder is writable"))]
    Write { path: String, reason: String },
}

fn list(paths: &[String]) -> String {
    paths
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes the starter project into `dir` (created if needed) and returns
/// the files written. Nothing is written if any of them exists already.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    let targets: Vec<(PathBuf, &str)> = FILES
        .iter()
        .map(|(name, text)| (dir.join(name), *text))
        .collect();
    let existing: Vec<String> = targets
        .iter()
        .filter(|(path, _)| path.exists())
        .map(|(path, _)| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::Exists { paths: existing });
    }
    let mut written = Vec::with_capacity(targets.len());
    for (path, text) in targets {
        let failed = |e: std::io::Error| InitError::Write {
            path: path.display().to_string(),
            reason: e.to_string().to_lowercase(),
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(failed)?;
        }
        // `create_new` so that a file appearing since the check above is
        // still never overwritten.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(failed)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use crate::agreement::check_source;
    use crate::check::Options;
    use crate::source::Source;

    #[test]
    fn the_starter_agreement_checks_clean_and_is_formatted() {
        let text = super::FILES[1].1;
        let checked = check_source(Source::new("agreement.sla", text), &Options { today: None });
        assert!(checked.problems.is_empty(), "{:?}", checked.problems);
        assert_eq!(crate::format::format(text).unwrap(), text);
    }
}
