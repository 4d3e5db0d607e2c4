//! Limits on what an agreement may ask of the evaluator: where one applies,
//! it is a diagnostic with a code, found by `check`, never a blow-up.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

/// A chain of `chain` terms, each reaching the one before, and `rules`
/// rules whose leads use the last: each rule's condition compiles the
/// whole chain once, so the evaluator's conditions grow as rules × chain.
fn agreement(chain: usize, rules: usize) -> String {
    let mut text = String::from(
        "agreement \"limits\" {\n  effective 2027-01-01 to 2027-12-31\n  timezone \"UTC\"\n  team sales { lead \"s\" }\n  term t0 means persona is \"CEO\"\n",
    );
    for k in 1..chain {
        text.push_str(&format!(
            "  term t{k} means t{} and offer is \"o{k}\"\n",
            k - 1
        ));
    }
    for r in 0..rules {
        text.push_str(&format!(
            "  quota \"q{r}\" {{\n    owner sales\n    leads t{}\n    count >= 1 per month\n  }}\n",
            chain - 1
        ));
    }
    text.push_str("}\n");
    text
}

fn codes(text: &str) -> Vec<String> {
    common::codes("limits.sla", text)
}

#[test]
fn conditions_that_reach_too_many_comparisons_are_e036() {
    // 3,000 terms of 3 nodes (the `and`, the term it reaches and the
    // comparison) reached by each of 300 rules: 2.7 million nodes.
    let codes = codes(&agreement(3_000, 300));
    assert_eq!(codes, ["accord::E036"], "{codes:?}");
    // A tenth of the rules is well within.
    assert!(codes_clean(&agreement(3_000, 20)));
}

fn codes_clean(text: &str) -> bool {
    codes(text).is_empty()
}
