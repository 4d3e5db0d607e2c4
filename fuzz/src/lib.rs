//! What the fuzz targets share: the checks every diagnostic must pass.

use miette::Diagnostic;

/// The day the checker judges expiry and review dates against, fixed so a
/// finding reproduces on any day.
pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2027, 6, 1).unwrap_or_default()
}

/// Every diagnostic has a stable code and labels that lie inside `text`, on
/// character boundaries, so miette can always show them.
pub fn assert_well_formed(problem: &dyn Diagnostic, text: &str) {
    assert!(problem.code().is_some(), "no code: {problem:?}");
    for label in problem.labels().into_iter().flatten() {
        let start = label.offset();
        let end = start + label.len();
        assert!(
            end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end),
            "label {start}..{end} outside the text ({} bytes) or inside a character: {problem:?}",
            text.len()
        );
    }
}
