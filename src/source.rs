//! Reading agreements from disk: which files, and their text.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{Diagnostic, NamedSource};
use thiserror::Error;

/// An agreement's text and the name it is reported under.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: Arc<str>,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }

    /// The text in the form miette renders snippets from.
    pub fn named(&self) -> NamedSource<Arc<str>> {
        NamedSource::new(&self.name, Arc::clone(&self.text))
    }
}

/// A file that could not be read as an agreement at all.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
#[non_exhaustive]
pub enum LoadError {
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(accord::E090), help("check that the path exists and is readable"))]
    Unreadable { path: String, reason: String },

    #[error("`{path}` is not UTF-8 text (invalid byte at line {line}, column {column})")]
    #[diagnostic(
        code(accord::E091),
        help("agreements are UTF-8 text; re-save the file as UTF-8")
    )]
    NotUtf8 {
        path: String,
        line: usize,
        column: usize,
    },

    #[error("no `.sla` files in `{path}`")]
    #[diagnostic(
        code(accord::E092),
        help("name agreement files, or a folder that holds `*.sla` files")
    )]
    NoAgreements { path: String },

    #[error("`{path}` is {size} bytes; an agreement may be at most 4 GiB")]
    #[diagnostic(
        code(accord::E093),
        help("split the agreement into several files; positions in an agreement are 32-bit")
    )]
    TooLarge { path: String, size: u64 },

    #[error("skipped `{path}`: not a regular file")]
    #[diagnostic(
        code(accord::W008),
        severity(Warning),
        help("a named pipe, socket or device is not read as an agreement; name it explicitly to read it anyway, or rename it")
    )]
    NotAFile { path: String },
}

impl LoadError {
    /// Only a skipped file is a warning: the others mean a file could not be read.
    pub fn is_warning(&self) -> bool {
        matches!(self, LoadError::NotAFile { .. })
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The largest agreement: spans hold 32-bit offsets (`syntax::Span`).
pub const MAX_AGREEMENT_BYTES: u64 = u32::MAX as u64;

/// Reads one file as UTF-8.
pub fn read(path: &Path) -> Result<Source, LoadError> {
    let name = path.display().to_string();
    if let Some(size) = std::fs::metadata(path)
        .ok()
        .map(|m| m.len())
        .filter(|size| *size > MAX_AGREEMENT_BYTES)
    {
        return Err(LoadError::TooLarge { path: name, size });
    }
    let bytes = std::fs::read(path).map_err(|e| LoadError::Unreadable {
        path: name.clone(),
        reason: e.to_string().to_lowercase(),
    })?;
    from_bytes(name, bytes)
}

/// Text from bytes, naming where they stop being UTF-8. A leading UTF-8
/// byte-order mark (Windows editors write one) is no part of the text, as
/// for data files and `accord.toml`. A lone carriage return (old Mac line
/// endings) is read as the line feed it means: byte for byte, so spans
/// stay the file's own, and the grammar, the comment finders and line
/// numbers need know of one line break only (CRLF already ends in one).
pub fn from_bytes(name: String, mut bytes: Vec<u8>) -> Result<Source, LoadError> {
    let size = bytes.len() as u64;
    if size > MAX_AGREEMENT_BYTES {
        return Err(LoadError::TooLarge { path: name, size });
    }
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    let lone_cr: Vec<usize> = memchr::memchr_iter(b'\r', &bytes)
        .filter(|at| bytes.get(at + 1) != Some(&b'\n'))
        .collect();
    for at in lone_cr {
        if let Some(b) = bytes.get_mut(at) {
            *b = b'\n';
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source::new(name, text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let before = e.as_bytes().get(..valid).unwrap_or(&[]);
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(before.get(line_start..).unwrap_or(&[]))
                .chars()
                .count()
                + 1;
            Err(LoadError::NotUtf8 {
                path: name,
                line,
                column,
            })
        }
    }
}

/// The agreement files named by `paths`: files as given, folders searched
/// recursively for `*.sla`, in sorted order. A folder with none is an error;
/// a `*.sla` there that is not a regular file is skipped with a warning.
pub fn agreement_files(paths: &[PathBuf]) -> Vec<Result<PathBuf, LoadError>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let found = match search(path, ".sla") {
                Ok(found) => found,
                Err(e) => {
                    out.push(Err(e));
                    continue;
                }
            };
            if found.files.is_empty() {
                out.push(Err(LoadError::NoAgreements {
                    path: path.display().to_string(),
                }));
            }
            out.extend(found.files.into_iter().map(Ok));
            out.extend(found.skipped.into_iter().map(Err));
        } else {
            out.push(Ok(path.clone()));
        }
    }
    out
}

/// What a folder search found.
#[derive(Debug, Default)]
pub struct Found {
    /// Regular files, sorted, each once however many links lead to it.
    pub files: Vec<PathBuf>,
    /// Matching names that are not regular files (W008), in search order.
    pub skipped: Vec<LoadError>,
}

/// Every regular file under `dir` whose name ends with `suffix`. Symbolic
/// links are followed, but each folder and file is visited once by its
/// canonical path, so a link back up the tree ends instead of looping.
/// Other kinds of file are skipped: reading a named pipe would block.
pub fn search(dir: &Path, suffix: &str) -> Result<Found, LoadError> {
    let unreadable = |path: &Path, e: std::io::Error| LoadError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string().to_lowercase(),
    };
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut found = Found::default();
    let root = dir.canonicalize().map_err(|e| unreadable(dir, e))?;
    seen.insert(root);
    // Depth first in sorted order, so of two ways to one file the one that
    // sorts first is kept, whatever order the operating system lists them in.
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|e| unreadable(&folder, e))?;
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        let mut folders = Vec::new();
        for path in paths {
            // `metadata` follows links; a broken link has none and is passed over.
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            let named = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(suffix));
            if !meta.is_dir() && !named {
                continue;
            }
            let Ok(canonical) = path.canonicalize() else {
                continue;
            };
            if !seen.insert(canonical) {
                continue;
            }
            if meta.is_dir() {
                folders.push(path);
            } else if meta.is_file() {
                found.files.push(path);
            } else {
                found.skipped.push(LoadError::NotAFile {
                    path: path.display().to_string(),
                });
            }
        }
        stack.extend(folders.into_iter().rev());
    }
    found.files.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agreement_past_32_bit_offsets_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.sla");
        // Sparse: 4 GiB and one byte of nothing, which a read would take seconds over.
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(MAX_AGREEMENT_BYTES + 1).unwrap();
        match read(&path) {
            Err(LoadError::TooLarge { size, .. }) => assert_eq!(size, MAX_AGREEMENT_BYTES + 1),
            other => panic!("expected E093, got {other:?}"),
        }
        let at_most = std::fs::File::create(dir.path().join("ok.sla")).unwrap();
        at_most.set_len(16).unwrap();
        assert!(read(&dir.path().join("ok.sla")).is_ok());
    }

    /// The search on its own thread: a loop that never ends fails the test
    /// instead of hanging it.
    fn search_within_seconds(dir: &Path, suffix: &str) -> Found {
        let (dir, suffix) = (dir.to_path_buf(), suffix.to_owned());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(search(&dir, &suffix));
        });
        rx.recv_timeout(std::time::Duration::from_secs(20))
            .expect("the folder search did not end")
            .unwrap()
    }

    fn names(dir: &Path, files: &[PathBuf]) -> Vec<String> {
        files
            .iter()
            .map(|f| f.strip_prefix(dir).unwrap().display().to_string())
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_its_own_folder_is_searched_once() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("a.sla"), "").unwrap();
        std::os::unix::fs::symlink(".", dir.join("self")).unwrap();
        let found = search_within_seconds(dir, ".sla");
        assert_eq!(names(dir, &found.files), ["a.sla"]);
    }

    #[cfg(unix)]
    #[test]
    fn two_links_into_each_other_end() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        for sub in ["x", "y"] {
            std::fs::create_dir(dir.join(sub)).unwrap();
            std::fs::write(dir.join(sub).join("r.sla"), "").unwrap();
        }
        std::os::unix::fs::symlink("../y", dir.join("x/to_y")).unwrap();
        std::os::unix::fs::symlink("../x", dir.join("y/to_x")).unwrap();
        std::os::unix::fs::symlink("..", dir.join("x/up")).unwrap();
        std::os::unix::fs::symlink("r.sla", dir.join("y/also.sla")).unwrap();
        let found = search_within_seconds(dir, ".sla");
        // `y/also.sla` is `y/r.sla` again, and sorts first.
        assert_eq!(names(dir, &found.files), ["x/r.sla", "y/also.sla"]);
        assert!(found.skipped.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_or_socket_is_skipped_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("a.sla"), "").unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(dir.join("pipe.sla"))
            .status()
            .unwrap();
        assert!(made.success());
        let _socket = std::os::unix::net::UnixListener::bind(dir.join("socket.sla")).unwrap();
        let found = search_within_seconds(dir, ".sla");
        assert_eq!(names(dir, &found.files), ["a.sla"]);
        let skipped: Vec<String> = found.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(
            skipped,
            [
                format!(
                    "skipped `{}`: not a regular file",
                    dir.join("pipe.sla").display()
                ),
                format!(
                    "skipped `{}`: not a regular file",
                    dir.join("socket.sla").display()
                ),
            ]
        );
        assert!(found.skipped.iter().all(LoadError::is_warning));
        // `accord check` reads the agreements found and only warns of the
        // pipe, which reading would have blocked on.
        let all = agreement_files(&[dir.to_path_buf()]);
        assert_eq!(all.len(), 3);
        assert!(all
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(LoadError::is_warning));
    }
}
