//! Any text as `accord.toml`: a `Config` or a `ConfigError` whose labels lie
//! inside the text, never a panic.
#![no_main]

use std::sync::OnceLock;

use accord::data::load_config;
use libfuzzer_sys::fuzz_target;

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}")))
}

fuzz_target!(|data: &[u8]| {
    let path = dir().path().join("accord.toml");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Err(error) = load_config(&path) {
        if let Ok(text) = std::str::from_utf8(data) {
            accord_fuzz::assert_well_formed(&error, text);
        }
    }
});
