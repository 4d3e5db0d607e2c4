//! Any bytes as an agreement: read, parsed and checked without a panic, and
//! every problem a diagnostic with a code and labels inside the text.
#![no_main]

use accord::agreement::check_source;
use accord::check::Options;
use accord::source::from_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = from_bytes("fuzz.sla".to_owned(), data.to_vec()) else {
        return;
    };
    let text = source.text.clone();
    let options = Options {
        today: Some(accord_fuzz::today()),
    };
    let checked = check_source(source, &options);
    for problem in &checked.problems {
        accord_fuzz::assert_well_formed(problem, &text);
    }
});
