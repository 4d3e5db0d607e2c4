//! `accord fmt` on any agreement that parses: the result parses to the same
//! tree (spans aside), checks to the same diagnostics, keeps every comment
//! in order, and formatting it again changes nothing.
#![no_main]

use accord::check::{check, Options};
use accord::format::format;
use accord::syntax::{comments, parse};
use libfuzzer_sys::fuzz_target;
use miette::Diagnostic;

fn diagnostics(agreement: &accord::syntax::ast::Agreement) -> Vec<(String, String)> {
    let options = Options {
        today: Some(accord_fuzz::today()),
    };
    let mut found: Vec<_> = check(agreement, &options)
        .iter()
        .map(|e| {
            let code = e.code().map(|c| c.to_string()).unwrap_or_default();
            (code, e.to_string())
        })
        .collect();
    found.sort();
    found
}

fn comment_texts(text: &str) -> Vec<String> {
    comments(text).into_iter().map(|c| c.text).collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(before) = parse(text) else {
        return;
    };
    let once = match format(text) {
        Ok(once) => once,
        Err(e) => panic!("parses but does not format: {e:?}"),
    };
    let after = match parse(&once) {
        Ok(after) => after,
        Err(e) => panic!("formatted text does not parse: {e:?}\n{once}"),
    };
    assert_eq!(before, after, "formatting changed the meaning:\n{once}");
    assert_eq!(
        diagnostics(&before),
        diagnostics(&after),
        "formatting changed the diagnostics:\n{once}"
    );
    assert_eq!(
        comment_texts(text),
        comment_texts(&once),
        "comments lost or reordered:\n{once}"
    );
    let twice = format(&once).unwrap_or_default();
    assert_eq!(once, twice, "formatting is not idempotent");
});
