//! The two versions `accord diff` compares: a file, or `REV:PATH` read from
//! the current folder's git repository.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use miette::Diagnostic;
use thiserror::Error;

use crate::source::{self, LoadError, Source};

/// Where a version comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    /// `REV:PATH`; the path as git reads it (from the repository's root,
    /// or the current folder with `./`).
    Git {
        rev: String,
        path: String,
    },
}

impl Origin {
    /// A file that exists is a file even with a colon in its name;
    /// otherwise `REV:PATH` is read from git.
    pub fn of(arg: &str) -> Origin {
        if !Path::new(arg).exists() {
            if let Some((rev, path)) = arg.split_once(':') {
                if !rev.is_empty() && !path.is_empty() {
                    return Origin::Git {
                        rev: rev.to_owned(),
                        path: path.to_owned(),
                    };
                }
            }
        }
        Origin::File(PathBuf::from(arg))
    }
}

/// Why a version could not be read or used.
#[derive(Debug, Error, Diagnostic)]
pub enum VersionError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Load(#[from] LoadError),

    #[error("cannot read `{arg}` from git: {reason}")]
    #[diagnostic(
        code(accord::E140),
        help("`REV:PATH` is read with git from the current folder's repository: run accord inside it, with git installed")
    )]
    Git { arg: String, reason: String },

    #[error("no revision `{rev}` in this repository")]
    #[diagnostic(
        code(accord::E141),
        help("name a commit, branch or tag that exists (`git log --oneline` lists them), such as `HEAD~1:{path}`")
    )]
    UnknownRevision { rev: String, path: String },

    #[error("no file `{path}` in revision `{rev}`")]
    #[diagnostic(
        code(accord::E142),
        help("the path after `REV:` is read from the repository's root; write `{rev}:./PATH` for a path relative to the current folder")
    )]
    NotInRevision { rev: String, path: String },

    #[error("`{arg}` has errors, so it cannot be compared")]
    #[diagnostic(
        code(accord::E143),
        help("both versions must check clean; fix what is reported above")
    )]
    Invalid { arg: String },

    #[error("cannot write a copy of `{arg}` to evaluate it: {reason}")]
    #[diagnostic(
        code(accord::E144),
        help("a version read from git is evaluated from a file in the temporary folder; check that it is writable (TMPDIR)")
    )]
    Copy { arg: String, reason: String },
}

/// One version's text and where it came from.
#[derive(Debug, Clone)]
pub struct Version {
    pub origin: Origin,
    /// Named as given on the command line.
    pub source: Source,
}

impl Version {
    pub fn read(arg: &str) -> Result<Version, VersionError> {
        let origin = Origin::of(arg);
        let source = match &origin {
            Origin::File(path) => source::read(path)?,
            Origin::Git { rev, path } => {
                source::from_bytes(arg.to_owned(), git_show(arg, rev, path)?)?
            }
        };
        Ok(Version { origin, source })
    }

    /// A file holding this version, for the evaluator, which reads
    /// agreements from files: the file itself, or a temporary copy that is
    /// removed when dropped.
    pub fn on_disk(&self) -> Result<OnDisk, VersionError> {
        match &self.origin {
            Origin::File(path) => Ok(OnDisk {
                path: path.clone(),
                temporary: false,
            }),
            Origin::Git { path, .. } => {
                static NEXT: AtomicU32 = AtomicU32::new(0);
                let name = Path::new(path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "agreement.sla".to_owned());
                let copy = std::env::temp_dir().join(format!(
                    "accord-diff-{}-{}-{name}",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::write(&copy, self.source.text.as_bytes()).map_err(|e| {
                    VersionError::Copy {
                        arg: self.source.name.clone(),
                        reason: e.to_string().to_lowercase(),
                    }
                })?;
                Ok(OnDisk {
                    path: copy,
                    temporary: true,
                })
            }
        }
    }
}

/// A version as a file; a temporary copy is removed on drop.
#[derive(Debug)]
pub struct OnDisk {
    pub path: PathBuf,
    temporary: bool,
}

impl Drop for OnDisk {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The bytes of `path` at `rev`: the revision resolved first, so that a
/// missing revision and a missing path are told apart.
fn git_show(arg: &str, rev: &str, path: &str) -> Result<Vec<u8>, VersionError> {
    let unknown = || VersionError::UnknownRevision {
        rev: rev.to_owned(),
        path: path.to_owned(),
    };
    // A revision starting with `-` would be read by git as an option.
    if rev.starts_with('-') {
        return Err(unknown());
    }
    let git_error = |reason: String| VersionError::Git {
        arg: arg.to_owned(),
        reason,
    };
    let run = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .map_err(|e| git_error(e.to_string().to_lowercase()))
    };
    let resolved = run(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{rev}^{{commit}}"),
    ])?;
    match resolved.status.code() {
        Some(0) => {}
        // `--verify --quiet` exits 1, silently, for a name that is not a commit.
        Some(1) => return Err(unknown()),
        _ => return Err(git_error(first_line(&resolved.stderr))),
    }
    let commit = String::from_utf8_lossy(&resolved.stdout).trim().to_owned();
    let shown = run(&["cat-file", "blob", &format!("{commit}:{path}")])?;
    if shown.status.success() {
        Ok(shown.stdout)
    } else {
        Err(VersionError::NotInRevision {
            rev: rev.to_owned(),
            path: path.to_owned(),
        })
    }
}

/// Git's own message, without its `fatal: ` prefix.
fn first_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().next().unwrap_or("git failed").trim();
    line.strip_prefix("fatal: ").unwrap_or(line).to_owned()
}

#[cfg(test)]
mod tests {
    use super::Origin;

    #[test]
    fn a_colon_names_a_revision_unless_the_file_exists() {
        assert_eq!(
            Origin::of("HEAD~1:rules/acme.sla"),
            Origin::Git {
                rev: "HEAD~1".to_owned(),
                path: "rules/acme.sla".to_owned()
            }
        );
        assert_eq!(
            Origin::of("rules/acme.sla"),
            Origin::File("rules/acme.sla".into())
        );
        assert_eq!(Origin::of(":a.sla"), Origin::File(":a.sla".into()));
        assert_eq!(Origin::of("HEAD:"), Origin::File("HEAD:".into()));
    }
}
