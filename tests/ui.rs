//! One bad agreement per diagnostic under `tests/ui/`, each with its
//! rendered diagnostics (plain text, no colour) kept as a snapshot.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use accord::agreement::check_source;
use accord::check::Options;
use accord::report::diagnostics::plain;
use accord::source::Source;
use miette::Diagnostic;

#[test]
fn every_diagnostic_has_a_rendered_example() {
    let options = Options {
        today: chrono::NaiveDate::from_ymd_opt(2027, 7, 15),
    };
    insta::glob!("ui/*.sla", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let checked = check_source(Source::new(format!("tests/ui/{name}"), text), &options);
        // The file is named for the code it demonstrates: that code must be found.
        let expected = format!("accord::{}", name.split('-').next().unwrap());
        let codes: Vec<String> = checked
            .problems
            .iter()
            .filter_map(|p| p.code().map(|c| c.to_string()))
            .collect();
        assert!(
            codes.contains(&expected),
            "{name}: expected {expected}, got {codes:?}"
        );
        let rendered: String = checked
            .problems
            .iter()
            .map(|p| plain(&checked, p))
            .collect();
        insta::assert_snapshot!(rendered);
    });
}
