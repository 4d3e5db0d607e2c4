//! "did you mean `…`?" for names that are almost right, by edit distance
//! counting a swap of two letters as one edit.

/// The candidate closest to `name` by edit distance, if it is close enough
/// to be a typo (a third of the name's length, at least one edit); a match
/// that differs only in case always qualifies.
pub fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| {
            let distance = if c.eq_ignore_ascii_case(name) {
                0
            } else {
                strsim::osa_distance(name, c)
            };
            (distance, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// The help line for an unknown name: a suggestion, or how to define it.
pub(crate) fn unknown_help<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    define: &str,
) -> String {
    match did_you_mean(name, candidates) {
        Some(c) => format!("did you mean `{c}`?"),
        None => define.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_the_nearest_name_within_reach() {
        let names = ["decision_maker", "mql", "touch"];
        assert_eq!(did_you_mean("decison_maker", names), Some("decision_maker"));
        assert_eq!(did_you_mean("tuoch", names), Some("touch"));
        assert_eq!(did_you_mean("MQL", names), Some("mql"));
        assert_eq!(did_you_mean("revenue", names), None);
    }
}
