//! The field names of the exports `accord.toml` names, for completion:
//! the project file nearest above a document, and its leads and
//! activities files' headers. Read again only when a file changes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::completion::Field;
use crate::data::{fields_of, load_config};

/// A file as it was when last read: its modification time and length.
type Stamp = Option<(SystemTime, u64)>;

fn stamp(path: &Path) -> Stamp {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Headers already read, by file.
#[derive(Debug, Default)]
pub struct Fields {
    read: HashMap<PathBuf, (Stamp, Vec<String>)>,
}

impl Fields {
    /// The fields of the exports of the `accord.toml` nearest above
    /// `document`; none when there is no such file or it cannot be read
    /// (completion goes on without them; `accord check` and `eval` say
    /// what is wrong).
    pub fn near(&mut self, document: &Path) -> Vec<Field> {
        let Some(project) = document
            .ancestors()
            .skip(1)
            .map(|dir| dir.join("accord.toml"))
            .find(|p| p.is_file())
        else {
            return Vec::new();
        };
        let Ok(config) = load_config(&project) else {
            return Vec::new();
        };
        let tables = std::iter::once((&config.leads, "leads"))
            .chain(config.activities.iter().map(|t| (t, "activities")));
        let mut out: Vec<Field> = Vec::new();
        for (table, export) in tables {
            let Some(path) = &table.path else { continue };
            for name in self.header(path, table, export) {
                if !out.iter().any(|(n, _)| *n == name) {
                    out.push((name, export));
                }
            }
        }
        out
    }

    fn header(
        &mut self,
        path: &Path,
        table: &crate::data::TableConfig,
        export: &'static str,
    ) -> Vec<String> {
        let now = stamp(path);
        if let Some((seen, names)) = self.read.get(path) {
            if *seen == now {
                return names.clone();
            }
        }
        let names = fields_of(path, table, export).unwrap_or_default();
        self.read.insert(path.to_owned(), (now, names.clone()));
        names
    }
}
