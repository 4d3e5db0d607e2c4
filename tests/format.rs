//! `accord fmt`: one canonical layout that keeps meaning and comments.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use accord::format::format;
use accord::syntax::parse;

/// Every `.sla` file in the repository that parses.
fn corpus() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "sla") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for dir in ["rules", "tests", "docs"] {
        if Path::new(dir).is_dir() {
            walk(Path::new(dir), &mut out);
        }
    }
    out.sort();
    out
}

#[test]
fn formatting_is_idempotent_and_keeps_meaning_for_every_agreement() {
    let mut checked = 0;
    for path in corpus() {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(before) = parse(&text) else { continue };
        let once = format(&text).unwrap();
        let after = parse(&once).unwrap_or_else(|e| {
            panic!(
                "{}: formatted text does not parse: {e:?}\n{once}",
                path.display()
            )
        });
        assert_eq!(
            before,
            after,
            "{}: formatting changed the meaning",
            path.display()
        );
        let twice = format(&once).unwrap();
        assert_eq!(
            once,
            twice,
            "{}: formatting is not idempotent",
            path.display()
        );
        let comments = |t: &str| {
            accord::syntax::comments(t)
                .into_iter()
                .map(|c| c.text)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            comments(&text),
            comments(&once),
            "{}: comments lost or reordered",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} agreements in the corpus");
}

#[test]
fn the_bundled_examples_are_already_canonical() {
    for path in corpus().into_iter().filter(|p| p.starts_with("rules")) {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            format(&text).unwrap(),
            text,
            "{} is not formatted",
            path.display()
        );
    }
}

#[test]
fn messy_layout_becomes_canonical() {
    let messy = "# head\n\n\nagreement   \"x\"{ # on the brace\ntimezone \"Europe/Amsterdam\" effective 2027-01-01 to 2027-12-31\n\n\n\n  team sales{lead \"a\"   members \"b\",\n \"c\"}\nterm hot means score>=80 and(x is set or  not y in (\"a\",\"b\"))\n  response \"R\" { owner sales first hot within 5m when persona is \"CEO\" # fast\n within 1h30m otherwise target 95% each month per owner\n # before the brace\n }\n}\n# tail\n";
    let expected = r#"# head

agreement "x" {  # on the brace
  timezone  "Europe/Amsterdam"
  effective 2027-01-01 to 2027-12-31

  team sales {
    lead    "a"
    members "b", "c"
  }
  term hot means score >= 80 and (x is set or not y in ("a", "b"))
  response "R" {
    owner sales
    first hot
    within 5m    when persona is "CEO"  # fast
    within 1h30m otherwise
    target 95% each month per owner
    # before the brace
  }
}
# tail
"#;
    assert_eq!(format(messy).unwrap(), expected);
}

#[test]
fn one_clause_blocks_stay_on_one_line_unless_commented() {
    let src = "agreement \"x\" {\n  team marketing { lead \"m\" }\n  team sales {\n    # the closers\n    lead \"s\"\n  }\n}\n";
    assert_eq!(format(src).unwrap(), src);
}

#[test]
fn weights_align_keys_and_right_align_numbers() {
    let src = "agreement \"x\" { weights persona { \"CEO\" 100 \"Director\" 50 otherwise 5 } }";
    let expected = "agreement \"x\" {\n  weights persona {\n    \"CEO\"      100\n    \"Director\"  50\n    otherwise    5\n  }\n}\n";
    assert_eq!(format(src).unwrap(), expected);
}

#[test]
fn strings_are_re_escaped() {
    let src = "agreement \"a\\\"b\\\\c\\u{9}\" { version \"\\u{e9}\\n\" }\n";
    let out = format(src).unwrap();
    assert_eq!(
        out,
        "agreement \"a\\\"b\\\\c\\t\" {\n  version \"é\\n\"\n}\n"
    );
    assert_eq!(parse(&out).unwrap(), parse(src).unwrap());
}

#[test]
fn text_that_does_not_parse_is_not_formatted() {
    assert!(format("agreement \"x\" { version }").is_err());
}
