//! Parsing memory, measured as the process's peak resident set: alone in
//! its test binary, so no other test's allocations count.

/// A kilobyte figure from `/proc/self/status`; `None` off Linux.
fn status_kb(key: &str) -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn parsing_holds_memory_in_proportion_to_the_tree_not_to_pests_tokens() {
    // Parsed at once, pest's tokens for the whole file peaked at about 35
    // times the text (a 50 MB agreement, 1.7 GB); item by item, what stays
    // is the tree: about 14 times with 64-bit spans, heap strings and
    // 200-byte clauses, about 7 times with 32-bit spans, inline short
    // strings and the rare large clause parts boxed.
    let mut text = String::from(
        "agreement \"big\" {\n  effective 2027-01-01 to 2027-12-31\n  timezone \"UTC\"\n  team sales { lead \"s\" }\n  term call means kind is \"call\"\n",
    );
    for r in 0..10_000 {
        text.push_str(&format!(
            "  term t{r} means source is \"marketing\" and persona in (\"CEO\", \"Director\") and score >= 50\n  response \"r{r}\" {{\n    owner sales\n    leads t{r}\n    first call\n    within 5m when region is \"emea\"\n    within 1h otherwise\n    target 90% each month\n  }}\n"
        ));
    }
    text.push_str("}\n");
    let Some(before) = status_kb("VmRSS:") else {
        return;
    };
    let agreement = accord::syntax::parse(&text).unwrap();
    let peak = status_kb("VmHWM:").unwrap();
    assert_eq!(agreement.items.len(), 20_004);
    let grown = peak.saturating_sub(before) * 1024;
    assert!(
        grown < 10 * text.len(),
        "parsing {} bytes took {grown} bytes more",
        text.len()
    );
}
