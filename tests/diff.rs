//! `accord diff`: pairs of agreements compared through the library (every
//! clause kind, both ways), and the real binary on files, git revisions and
//! small hand-made data. The direction rules themselves are unit-tested in
//! `src/diff/clause.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use accord::agreement::check_source;
use accord::check::Options;
use accord::diff::{compare, Change, Diff, Direction};
use accord::source::Source;
mod common;

use common::accord;
use predicates::prelude::*;

const BASE: &str = r#"# Base agreement for diff tests.
agreement "Diff test" {
  effective 2027-01-01 to 2027-03-31
  timezone  "Europe/Amsterdam"
  currency  EUR

  calendar office {
    hours  mon-fri 09:00-17:30
    closed 2027-01-06
  }

  team marketing { lead "m@x.example" }
  team sales {
    lead    "s@x.example"
    members "ann@x.example", "bob@x.example"
  }

  term mql      means source is "marketing"
  term touch    means kind in ("call", "email")
  term call     means kind is "call"
  term feedback means kind is "feedback"

  weights persona {
    "CEO"     100
    otherwise  10
  }

  funnel {
    revenue          EUR 300_000 per quarter
    marketing share  60%
    deal size        EUR 12_000
    lead to customer 5%
  }

  quota "Volume" {
    owner marketing
    leads mql
    count >= 1500 per quarter each month
  }

  quota "Funnel volume" {
    owner marketing
    leads mql
    count >= funnel.leads each month
  }

  quota "Value" {
    owner marketing
    leads mql
    value >= EUR 40_000 per month
  }

  quota "Cap" {
    owner marketing
    count <= 2000 per quarter each month
  }

  response "Speed" {
    owner sales
    leads mql
    first touch
    within 5m           when persona is "CEO"
    within 1h on office otherwise
    target 95% each month per owner
  }

  attempts "Depth" {
    owner sales
    leads mql
    count call
    between 6 and 9 within 14d when persona is "CEO"
    at least 3 within 7d otherwise
    until outcome is "connected"
    max duration 2h
    target 90% each month per owner
  }

  attempts "Reach" {
    owner sales
    count touch
    at least 1 within 2d otherwise
  }

  duty "Dossier" {
    from marketing to sales
    leads mql
    at handoff
    provide company, email
  }

  duty "Feedback" {
    from sales to marketing
    leads mql
    within 7d after first touch
    provide status by feedback
  }

  aging "Uncontacted" {
    owner sales
    leads mql
    contact touch
    buckets 1w, 2w, 4w
    breach after 2w
  }
}
"#;

fn diff(old: &str, new: &str) -> Diff {
    let parse = |name: &str, text: &str| {
        let checked = check_source(Source::new(name, text), &Options::default());
        assert_eq!(checked.errors(), 0, "{name}: {:?}", checked.problems);
        checked.agreement.unwrap()
    };
    compare(&parse("old", old), &parse("new", new))
}

/// BASE with `from` (which must occur once) replaced by `to`.
fn edit(from: &str, to: &str) -> String {
    assert_eq!(BASE.matches(from).count(), 1, "`{from}` must occur once");
    BASE.replace(from, to)
}

fn only(d: &Diff) -> &Change {
    assert_eq!(d.changes.len(), 1, "{:#?}", d.changes);
    &d.changes[0]
}

/// One edit judged both ways: `from → to` is `direction` for `team` and
/// the clause is named `clause`; `to → from` is the reverse.
fn both_ways(from: &str, to: &str, clause: &str, direction: Direction, team: Option<&str>) {
    let edited = edit(from, to);
    let forward = diff(BASE, &edited);
    let c = only(&forward);
    assert_eq!(c.clause.as_deref(), Some(clause), "{c:#?}");
    assert_eq!(c.direction, direction, "`{from}` → `{to}`: {c:#?}");
    assert_eq!(c.team.as_deref(), team, "`{from}` → `{to}`: {c:#?}");
    let backward = diff(&edited, BASE);
    let c = only(&backward);
    assert_eq!(
        c.direction,
        direction.reversed(),
        "`{to}` → `{from}`: {c:#?}"
    );
    assert_eq!(c.team.as_deref(), team, "`{to}` → `{from}`: {c:#?}");
}

use Direction::{Changed, Looser, Stricter};

#[test]
fn the_base_agreement_is_the_same_as_itself() {
    assert_eq!(diff(BASE, BASE), Diff::default());
}

#[test]
fn response_windows_and_targets() {
    both_ways(
        "within 5m           when",
        "within 2m           when",
        "window when persona is \"CEO\"",
        Stricter,
        Some("sales"),
    );
    both_ways(
        "within 1h on office otherwise",
        "within 30m on office otherwise",
        "window otherwise",
        Stricter,
        Some("sales"),
    );
    // Open time never runs faster than the clock: on the calendar is later.
    both_ways(
        "within 5m           when",
        "within 5m on office when",
        "window when persona is \"CEO\"",
        Looser,
        Some("sales"),
    );
    both_ways(
        "target 95% each month per owner",
        "target 90% each month per owner",
        "target",
        Looser,
        Some("sales"),
    );
    both_ways(
        "    first touch\n",
        "    first call\n",
        "first",
        Changed,
        None,
    );
}

#[test]
fn the_default_target_and_window_are_no_change_when_written_out() {
    let written = edit(
        "    at least 1 within 2d otherwise\n",
        "    at least 1 within 2d otherwise\n    target 100% each month\n",
    );
    assert!(diff(BASE, &written).is_empty());
}

#[test]
fn attempts_bands_windows_budgets_and_until() {
    both_ways(
        "between 6 and 9 within 14d",
        "between 5 and 9 within 14d",
        "attempts when persona is \"CEO\"",
        Looser,
        Some("sales"),
    );
    both_ways(
        "between 6 and 9 within 14d",
        "between 6 and 8 within 14d",
        "attempts when persona is \"CEO\"",
        Stricter,
        Some("sales"),
    );
    // A minimum alone: less time to reach it is stricter.
    both_ways(
        "at least 1 within 2d",
        "at least 1 within 1d",
        "window otherwise",
        Stricter,
        Some("sales"),
    );
    // A minimum and a maximum: less time to reach one, fewer counted
    // against the other.
    both_ways(
        "between 6 and 9 within 14d",
        "between 6 and 9 within 10d",
        "window when persona is \"CEO\"",
        Changed,
        None,
    );
    both_ways(
        "max duration 2h",
        "max duration 1h",
        "max duration",
        Stricter,
        Some("sales"),
    );
    both_ways(
        "    max duration 2h\n",
        "",
        "max duration",
        Looser,
        Some("sales"),
    );
    both_ways(
        "    until outcome is \"connected\"\n",
        "",
        "until",
        Stricter,
        Some("sales"),
    );
}

#[test]
fn quotas_per_window_with_caps_reversed() {
    both_ways(
        "count >= 1500 per quarter each month",
        "count >= 1600 per quarter each month",
        "count",
        Stricter,
        Some("marketing"),
    );
    both_ways(
        "count <= 2000 per quarter each month",
        "count <= 1800 per quarter each month",
        "count",
        Stricter,
        Some("marketing"),
    );
    both_ways(
        "value >= EUR 40_000 per month",
        "value >= EUR 30_000 per month",
        "value",
        Looser,
        Some("marketing"),
    );
    both_ways(
        "count >= 1500 per quarter each month",
        "count >= 1500 per quarter each month per owner",
        "per",
        Stricter,
        Some("marketing"),
    );

    let d = diff(
        BASE,
        &edit(
            "count >= 1500 per quarter each month",
            "count >= 1600 per quarter each month",
        ),
    );
    let c = only(&d);
    assert_eq!(
        (c.before.as_deref(), c.after.as_deref()),
        (Some(">= 1500 per quarter"), Some(">= 1600 per quarter"))
    );
    let targets = c.targets.as_ref().unwrap();
    let windows: Vec<&str> = targets.iter().map(|t| t.window.as_str()).collect();
    assert_eq!(windows, ["2027-01", "2027-02", "2027-03"]);
    let jan = &targets[0];
    assert!((jan.before.unwrap() - 1500.0 / 90.0 * 31.0).abs() < 1e-9);
    assert!((jan.after.unwrap() - 1600.0 / 90.0 * 31.0).abs() < 1e-9);
}

#[test]
fn a_rate_spread_differently_is_changed_and_equal_rates_are_no_change() {
    // 500 a month asks more of February and less of January than 1500 a
    // quarter does.
    let d = diff(
        BASE,
        &edit(
            "count >= 1500 per quarter each month",
            "count >= 500 per month each month",
        ),
    );
    assert_eq!(only(&d).direction, Changed);
    // Digit groups and a default window written out change nothing.
    let same = edit(
        "count >= 1500 per quarter each month",
        "count >= 1_500 per quarter each month",
    );
    assert!(diff(BASE, &same).is_empty());
    let same = edit(
        "value >= EUR 40_000 per month",
        "value >= 40000 per month each month",
    );
    assert!(diff(BASE, &same).is_empty());
}

#[test]
fn a_funnel_change_reaches_the_quotas_that_use_it() {
    let d = diff(
        BASE,
        &edit("EUR 300_000 per quarter", "EUR 360_000 per quarter"),
    );
    let summary: Vec<(&str, Option<&str>, Direction, Option<&str>)> = d
        .changes
        .iter()
        .map(|c| (c.kind, c.clause.as_deref(), c.direction, c.team.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            ("funnel", Some("revenue"), Stricter, Some("marketing")),
            ("quota", Some("count"), Stricter, Some("marketing")),
        ]
    );
    assert_eq!(
        d.changes[1].after.as_deref(),
        Some(">= funnel.leads (360 per quarter)")
    );
    // A smaller deal needs more leads for the same revenue.
    let smaller = edit("deal size        EUR 12_000", "deal size        EUR 10_000");
    let judged = |d: &Diff| (d.changes[0].clause.clone(), d.changes[0].direction);
    assert_eq!(
        judged(&diff(BASE, &smaller)),
        (Some("deal size".to_owned()), Stricter)
    );
    assert_eq!(
        judged(&diff(&smaller, BASE)),
        (Some("deal size".to_owned()), Looser)
    );
}

#[test]
fn duties_windows_and_fields() {
    both_ways(
        "within 7d after first touch",
        "within 3d after first touch",
        "window",
        Stricter,
        Some("sales"),
    );
    both_ways(
        "provide company, email",
        "provide company, email, phone",
        "provide",
        Stricter,
        Some("marketing"),
    );
    both_ways(
        "provide status by feedback",
        "provide status by feedback or call",
        "by",
        Changed,
        None,
    );
}

#[test]
fn aging_breach_and_buckets() {
    both_ways(
        "breach after 2w",
        "breach after 1w",
        "breach after",
        Stricter,
        Some("sales"),
    );
    // Buckets only group leads for the report.
    both_ways(
        "buckets 1w, 2w, 4w",
        "buckets 1w, 2w, 3w",
        "buckets",
        Changed,
        None,
    );
    let d = diff(BASE, &edit("buckets 1w, 2w, 4w", "buckets 1w, 2w, 3w"));
    assert_eq!(only(&d).note.as_deref(), Some("reporting only"));
}

#[test]
fn a_new_scope_is_neither_stricter_nor_looser() {
    let from = "leads mql\n    at handoff";
    let to = "leads mql and persona is \"CEO\"\n    at handoff";
    both_ways(from, to, "leads", Changed, None);
    let d = diff(BASE, &edit(from, to));
    let c = only(&d);
    assert_eq!(c.note.as_deref(), Some("scope changed"));
    assert_eq!(c.rule.as_deref(), Some("Dossier"));
    assert_eq!(
        (c.before.as_deref(), c.after.as_deref()),
        (Some("mql"), Some("mql and persona is \"CEO\""))
    );
}

#[test]
fn calendars_weights_settings_teams_and_terms() {
    // Fewer open hours: the clock on the calendar runs less, so deadlines
    // on it come later.
    both_ways(
        "hours  mon-fri 09:00-17:30",
        "hours  mon-fri 09:00-17:00",
        "hours",
        Looser,
        Some("sales"),
    );
    both_ways(
        "closed 2027-01-06",
        "closed 2027-01-06, 2027-01-07",
        "closed",
        Looser,
        Some("sales"),
    );
    // A value floor is easier to reach with heavier leads.
    both_ways(
        "\"CEO\"     100",
        "\"CEO\"     120",
        "\"CEO\"",
        Looser,
        Some("marketing"),
    );
    both_ways(
        "timezone  \"Europe/Amsterdam\"",
        "timezone  \"Europe/Brussels\"",
        "timezone",
        Changed,
        None,
    );
    both_ways(
        "members \"ann@x.example\", \"bob@x.example\"",
        "members \"ann@x.example\"",
        "members",
        Changed,
        None,
    );
    let d = diff(
        BASE,
        &edit(
            "term call     means kind is \"call\"",
            "term call     means kind in (\"call\", \"meeting\")",
        ),
    );
    let c = only(&d);
    assert_eq!(
        (c.kind, c.clause.as_deref(), c.direction),
        ("term", Some("means"), Changed)
    );
    assert_eq!(c.note.as_deref(), Some("used by Depth"));
}

#[test]
fn a_calendar_no_rule_runs_on_is_changed_for_nobody() {
    let old = edit("within 1h on office otherwise", "within 1h otherwise");
    let new = old.replace("mon-fri 09:00-17:30", "mon-sun 09:00-17:30");
    let d = diff(&old, &new);
    let c = only(&d);
    assert_eq!((c.direction, c.team.as_deref()), (Changed, None));
    assert_eq!(c.note.as_deref(), Some("no rule runs on it"));
}

#[test]
fn rules_added_and_removed() {
    let without = edit(
        "  attempts \"Reach\" {\n    owner sales\n    count touch\n    at least 1 within 2d otherwise\n  }\n",
        "",
    );
    let d = diff(BASE, &without);
    let c = only(&d);
    assert_eq!(
        (c.rule.as_deref(), c.kind, c.clause.as_deref()),
        (Some("Reach"), "attempts", None)
    );
    assert_eq!((c.before.is_some(), c.after.is_none()), (true, true));
    assert_eq!((c.direction, c.team.as_deref()), (Looser, Some("sales")));
    let d = diff(&without, BASE);
    assert_eq!(
        (only(&d).direction, only(&d).after.is_some()),
        (Stricter, true)
    );
}

/// BASE as someone else might have written it: other layout, comments,
/// clause order, digit groups, operand order, parentheses, `300s` for `5m`.
const REWRITTEN: &str = r#"agreement "Diff test" {
  timezone "Europe/Amsterdam"   effective 2027-01-01 to 2027-03-31
  currency EUR
  # Office hours, written in two parts.
  calendar office { closed 2027-01-06  hours mon-wed 09:00-17:30  hours thu-fri 09:00-12:00, 12:00-17:30 }
  team sales { members "bob@x.example", "ann@x.example" lead "s@x.example" }
  team marketing { lead "m@x.example" }
  term feedback means kind is "feedback"
  term call means kind in ("call")
  term touch means kind in ("email", "call", "call")
  term mql means (source is "marketing")
  weights persona { otherwise 10.0  "CEO" 100 }
  funnel { lead to customer 5% deal size 12000 marketing share 60.0% revenue EUR 300000 per quarter }
  quota "Volume" { count >= 1500 per quarter each month leads mql owner marketing }
  quota "Funnel volume" { owner marketing leads mql count >= funnel.leads each month }
  quota "Value" { owner marketing leads mql value >= 40000 per month }
  quota "Cap" { owner marketing count <= 2_000 per quarter each month }
  response "Speed" {
    target 95% each month per owner
    first touch
    leads mql
    owner sales
    within 300s when persona in ("CEO")
    within 60m on office otherwise
  }
  attempts "Depth" { owner sales leads mql count call
    between 6 and 9 within 2w when persona is "CEO"
    at least 3 within 7d otherwise
    max duration 120m  until outcome is "connected"  target 90% each month per owner }
  attempts "Reach" { owner sales count kind is "call" or kind is "email" at least 1 within 2d otherwise }
  duty "Dossier" { from marketing to sales leads mql at handoff provide company, email }
  duty "Feedback" { from sales to marketing leads mql within 1w after first touch provide status by feedback }
  aging "Uncontacted" { owner sales leads not not mql contact touch buckets 7d, 14d, 28d breach after 14d }
}
"#;

#[test]
fn layout_comments_and_spelling_are_no_change() {
    assert_eq!(diff(BASE, REWRITTEN), Diff::default());
}

#[test]
fn a_renamed_term_is_followed() {
    let renamed = BASE
        .replace("term mql      means", "term qualified means")
        .replace("leads mql", "leads qualified");
    let d = diff(BASE, &renamed);
    assert!(d.changes.is_empty(), "{:#?}", d.changes);
    assert_eq!(d.renames.len(), 1);
    assert_eq!(
        (d.renames[0].before.as_str(), d.renames[0].after.as_str()),
        ("mql", "qualified")
    );
    // A rename and a real change in one go: only the change is reported.
    let both = renamed.replace("breach after 2w", "breach after 1w");
    let d = diff(BASE, &both);
    assert_eq!(only(&d).clause.as_deref(), Some("breach after"));
}

// The binary.

fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("diff", name)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn the_command_exits_0_without_a_change_and_1_with_one() {
    let dir = temp_dir("exit");
    let base = write(&dir, "base.sla", BASE);
    let same = write(&dir, "same.sla", REWRITTEN);
    let edited = write(&dir, "edited.sla", &edit("target 95%", "target 90%"));
    accord()
        .args(["diff", &base, &same])
        .assert()
        .code(0)
        .stdout("no change in meaning\n");
    accord()
        .args(["diff", &base, &edited])
        .assert()
        .code(1)
        .stdout(
            "response \"Speed\"\n  target: 95% → 90% — looser for sales\n\n1 change: 0 stricter, 1 looser, 0 other\n",
        );
}

#[test]
fn json_and_markdown_output() {
    let dir = temp_dir("formats");
    let base = write(&dir, "base.sla", BASE);
    let renamed = BASE
        .replace("term mql      means", "term qualified means")
        .replace("leads mql", "leads qualified")
        .replace(
            "within 1h on office otherwise",
            "within 30m on office otherwise",
        );
    let new = write(&dir, "new.sla", &renamed);
    let out = accord()
        .args(["diff", &base, &new, "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["schema"], "accord.diff/1");
    assert_eq!(
        doc["changes"],
        serde_json::json!([{
            "rule": "Speed",
            "kind": "response",
            "name": "Speed",
            "clause": "window otherwise",
            "before": "1h on office",
            "after": "30m on office",
            "direction": "stricter",
            "for": "sales",
            "note": null
        }])
    );
    assert_eq!(
        doc["renames"],
        serde_json::json!([{ "kind": "term", "before": "mql", "after": "qualified" }])
    );
    assert_eq!(doc["flips"], serde_json::Value::Null);

    accord()
        .args(["diff", &base, &new, "--format", "markdown"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "| response \"Speed\" | window otherwise: 1h on office → 30m on office | stricter for sales |",
        ))
        .stdout(predicate::str::contains("Renamed term `mql` to `qualified` (same meaning)."));
}

#[test]
fn a_version_with_errors_is_not_compared() {
    let dir = temp_dir("invalid");
    let base = write(&dir, "base.sla", BASE);
    let broken = write(
        &dir,
        "broken.sla",
        &edit("    first touch\n", "    first tuch\n"),
    );
    accord()
        .args(["diff", &base, &broken])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("accord::E010"))
        .stderr(predicate::str::contains("accord::E143"));
    accord()
        .args([
            "diff",
            &base,
            &dir.join("missing.sla").display().to_string(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("accord::E090"));
}

fn git(dir: &Path, args: &[&str]) {
    let status = Process::new("git")
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@x.example")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@x.example")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn versions_are_read_from_git_revisions() {
    let dir = temp_dir("git");
    git(&dir, &["init", "-q"]);
    write(&dir, "a.sla", BASE);
    git(&dir, &["add", "a.sla"]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    write(
        &dir,
        "a.sla",
        &edit("within 5m           when", "within 2m           when"),
    );
    git(&dir, &["commit", "-q", "-am", "second"]);
    write(&dir, "a.sla", &edit("breach after 2w", "breach after 3w"));

    let stricter = "window when persona is \"CEO\": 5m → 2m — stricter for sales";
    accord()
        .current_dir(&dir)
        .args(["diff", "HEAD~1:a.sla", "HEAD:a.sla"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(stricter));
    // A revision against the working copy.
    accord()
        .current_dir(&dir)
        .args(["diff", "HEAD~1:a.sla", "a.sla"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "breach after: 2w → 3w — looser for sales",
        ));
    accord()
        .current_dir(&dir)
        .args(["diff", "HEAD~1:a.sla", "HEAD~1:./a.sla"])
        .assert()
        .code(0);
    accord()
        .current_dir(&dir)
        .args(["diff", "HEAD~5:a.sla", "HEAD:a.sla"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("accord::E141"))
        .stderr(predicate::str::contains("no revision `HEAD~5`"));
    accord()
        .current_dir(&dir)
        .args(["diff", "HEAD:a.sla", "HEAD:b.sla"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("accord::E142"))
        .stderr(predicate::str::contains(
            "no file `b.sla` in revision `HEAD`",
        ));
}

#[test]
fn outside_a_repository_a_revision_cannot_be_read() {
    let dir = temp_dir("nogit");
    accord()
        .current_dir(&dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .args(["diff", "HEAD~1:a.sla", "HEAD:a.sla"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("accord::E140"));
}

const SMALL: &str = r#"agreement "Flip" {
  effective 2027-01-01 to 2027-12-31
  timezone  "Europe/Amsterdam"
  team sales { lead "s@x.example" members "ann@x.example", "bob@x.example" }
  term call means kind is "call"
  response "Speed" {
    owner sales
    first call
    within 1h otherwise
    target 100% each month per owner
  }
}
"#;

const LEADS: &str = "id,handed_off_at,owner
L1,2027-01-04T10:00:00+01:00,ann@x.example
L2,2027-01-05T10:00:00+01:00,bob@x.example
L3,2027-02-02T10:00:00+01:00,ann@x.example
";

// ann calls L1 after 40 minutes and L3 after 10; bob calls L2 after 20.
const ACTIVITIES: &str = "lead,at,kind
L1,2027-01-04T10:40:00+01:00,call
L2,2027-01-05T10:20:00+01:00,call
L3,2027-02-02T10:10:00+01:00,call
";

#[test]
fn verdicts_that_flip_on_the_same_data() {
    let dir = temp_dir("flips");
    let old = write(&dir, "old.sla", SMALL);
    let new = write(&dir, "new.sla", &SMALL.replace("within 1h", "within 30m"));
    let leads = write(&dir, "leads.csv", LEADS);
    let activities = write(&dir, "activities.csv", ACTIVITIES);
    let data = [
        "--leads",
        leads.as_str(),
        "--activities",
        activities.as_str(),
        "--as-of",
        "2027-03-15T12:00:00+01:00",
    ];
    let out = accord()
        .current_dir(&dir)
        .args(["diff", &old, &new, "--format", "json"])
        .args(data)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["as_of"], "2027-03-15T12:00:00+01:00");
    assert_eq!(
        doc["flips"],
        serde_json::json!([{
            "rule": "Speed",
            "kind": "response",
            "window": "2027-01",
            "group": "ann@x.example",
            "before": "met",
            "after": "missed"
        }])
    );

    accord()
        .current_dir(&dir)
        .args(["diff", &old, &new])
        .args(data)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "verdicts that change on the data as of 2027-03-15T12:00:00+01:00:\n  \
             rule   window   group          before  after\n  \
             Speed  2027-01  ann@x.example  met     missed\n",
        ));

    // A change no lead feels: reported, with no verdict changing.
    let gentle = write(
        &dir,
        "gentle.sla",
        &SMALL.replace("within 1h", "within 50m"),
    );
    accord()
        .current_dir(&dir)
        .args(["diff", &old, &gentle])
        .args(data)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "no verdict changes on the data as of 2027-03-15T12:00:00+01:00",
        ));
}

#[test]
fn a_git_version_is_evaluated_from_a_copy() {
    let dir = temp_dir("gitflips");
    git(&dir, &["init", "-q"]);
    write(&dir, "a.sla", SMALL);
    git(&dir, &["add", "a.sla"]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    write(&dir, "a.sla", &SMALL.replace("within 1h", "within 30m"));
    write(&dir, "leads.csv", LEADS);
    write(&dir, "activities.csv", ACTIVITIES);
    accord()
        .current_dir(&dir)
        .args(["diff", "HEAD:a.sla", "a.sla", "--leads", "leads.csv"])
        .args([
            "--activities",
            "activities.csv",
            "--as-of",
            "2027-03-15 12:00",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "Speed  2027-01  ann@x.example  met     missed",
        ));
}

#[test]
fn data_that_cannot_be_read_stops_the_diff() {
    let dir = temp_dir("nodata");
    let old = write(&dir, "old.sla", SMALL);
    accord()
        .current_dir(&dir)
        .args([
            "diff",
            &old,
            &old,
            "--leads",
            "nope.csv",
            "--activities",
            "nope.csv",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("accord::E110"));
}

/// An agreement whose rule uses the last of a chain of `n` terms, each the
/// one before it and a comparison with `value`.
fn chain(n: usize, value: &str) -> String {
    let mut text = String::from(
        "agreement \"c\" {\n  effective 2027-01-01 to 2027-12-31\n  timezone \"UTC\"\n  \
         team m { lead \"m@x\" }\n  term t0 means source is \"m\"\n",
    );
    for i in 1..n {
        text.push_str(&format!(
            "  term t{i} means t{} and x{i} is \"{value}\"\n",
            i - 1
        ));
    }
    text.push_str(&format!(
        "  quota \"q\" {{\n    owner m\n    leads t{}\n    count >= 1 per month\n  }}\n}}\n",
        n - 1
    ));
    text
}

#[test]
fn every_term_of_a_long_chain_changed_is_reported_by_name() {
    // Each term was compared by expanding it, and the rules using it found
    // by a search of the chain per term: cubic, past a minute for 5,000.
    let d = diff(&chain(3000, "v"), &chain(3000, "w"));
    assert_eq!(d.changes.len(), 2999);
    let last = d.changes.last().unwrap();
    assert_eq!(
        (last.kind, last.name.as_deref(), last.clause.as_deref()),
        ("term", Some("t2999"), Some("means"))
    );
    assert_eq!(last.note.as_deref(), Some("used by q"));
}
