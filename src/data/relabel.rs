//! The export's words made the agreement's, once, as cells are read:
//! `[people]` (a CRM's display name or user id → the member id the
//! agreement uses) and `[values.FIELD]` (the export's labels → the
//! agreement's word). A cell no map names stays as it is.

use std::collections::HashMap;
use std::sync::Arc;

use super::config::Config;
use super::Wanted;

/// One field's map from the export's text to the agreement's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relabel(HashMap<String, String>);

impl Relabel {
    /// The agreement's word for `text`, or `text` itself.
    #[inline]
    pub fn apply<'a>(&'a self, text: &'a str) -> &'a str {
        self.0.get(text).map_or(text, String::as_str)
    }

    /// The export's labels for each word (for `accord data` and W301).
    pub fn labels_of(&self, word: &str) -> Vec<&str> {
        let mut labels: Vec<&str> = self
            .0
            .iter()
            .filter(|(_, w)| *w == word)
            .map(|(label, _)| label.as_str())
            .collect();
        labels.sort_unstable();
        labels
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The map of `field`: its `[values.field]` labels, and the `[people]`
/// names when the field holds people (`people_field`). A label in both
/// takes its `[values]` word.
pub fn relabel_of(config: &Config, field: &str, people_field: bool) -> Option<Relabel> {
    let mut map = HashMap::new();
    if people_field {
        for (name, member) in &config.people {
            map.insert(name.clone(), member.clone());
        }
    }
    if let Some(words) = config.values.get(field) {
        for (word, labels) in words {
            for label in labels.get_ref().as_slice() {
                map.insert(label.clone(), word.clone());
            }
        }
    }
    (!map.is_empty()).then_some(Relabel(map))
}

/// Attaches each field's map to what the loaders are asked for.
pub fn attach(config: &Config, wanted: &mut [Wanted], people_fields: &[&str]) {
    for w in wanted {
        let people = people_fields.contains(&w.field.as_str());
        w.relabel = relabel_of(config, &w.field, people).map(Arc::new);
    }
}
