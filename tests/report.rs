//! `accord report` on the bundled sample (accord.toml in the repository
//! root): the page is read back with an HTML parser and every number in
//! its tables is compared with `accord eval --format json` and `accord plan
//! --format json`; the page must fetch nothing and every chart must say
//! what it is. The heading outline is pinned, not the whole page, so that
//! styling can change without a snapshot churn.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

mod common;

use common::run as accord;

/// The sample's report, written once for every test here.
fn page() -> &'static str {
    static PAGE: OnceLock<String> = OnceLock::new();
    PAGE.get_or_init(|| {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sample-report.html");
        let _ = std::fs::remove_file(&out);
        let (stdout, stderr, code) = accord(&["report", "--out", out.to_str().unwrap()]);
        assert_eq!(code, 0, "a report of a breach is still a report: {stderr}");
        assert!(stdout.starts_with("wrote "), "{stdout}");
        assert!(stdout.contains("(breached)"), "{stdout}");
        std::fs::read_to_string(&out).unwrap()
    })
}

fn json(args: &[&str]) -> Value {
    let (out, _, _) = accord(args);
    serde_json::from_str(&out).unwrap()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text().collect::<String>().trim().to_owned()
}

/// A number cell as printed: `79`, `103.33`, `95.8%`, `10.53 min`, `—`;
/// with half a unit of its last digit, the most rounding can move it.
fn parse(cell: &str) -> Option<(f64, f64)> {
    if cell == "—" {
        return None;
    }
    let (digits, scale) = [
        ("%", 0.01),
        (" min", 60.0),
        (" h", 3600.0),
        (" d", 86_400.0),
        (" s", 1.0),
    ]
    .iter()
    .find_map(|(suffix, scale)| cell.strip_suffix(suffix).map(|d| (d, *scale)))
    .unwrap_or((cell, 1.0));
    let digits = digits.trim();
    let value: f64 = digits
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {cell:?}"));
    let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len());
    let slack = 0.5 * 10f64.powi(-(decimals as i32)) * scale + 1e-9;
    Some((value * scale, slack))
}

fn same(cell: &str, expected: &Value, what: &str) {
    match (parse(cell), expected.as_f64()) {
        (None, None) => {}
        (Some((got, slack)), Some(want)) => assert!(
            (got - want).abs() <= slack,
            "{what}: the page says {cell}, the verdict {want}"
        ),
        _ => panic!("{what}: the page says {cell:?}, the verdict {expected}"),
    }
}

/// A chart's title, as screen readers and the outline give it.
fn title(svg: ElementRef) -> String {
    svg.select(&sel("title"))
        .next()
        .map(text)
        .unwrap_or_default()
}

/// Which row of the page a window is: rule, window label, group.
type Key = (String, String, Option<String>);

fn rows(doc: &Html) -> HashMap<Key, Vec<ElementRef<'_>>> {
    let mut map: HashMap<Key, Vec<ElementRef>> = HashMap::new();
    for tr in doc.select(&sel("tr[data-rule][data-window]")) {
        let a = |n: &str| tr.value().attr(n).map(str::to_owned);
        map.entry((
            a("data-rule").unwrap(),
            a("data-window").unwrap(),
            a("data-group"),
        ))
        .or_default()
        .push(tr);
    }
    map
}

/// Every number the verdict document has for a window, by the name the
/// page's cells use; lists get a cell per entry (`stats.distribution.3`:
/// the leads with 3 attempts, `missing_fields.phone`: the leads without a
/// phone), and each field at handoff also the share of leads that had it
/// (`complete.phone`).
fn fields(w: &Value) -> Vec<(String, Value)> {
    let mut out = vec![
        ("target".to_owned(), w["target"].clone()),
        ("observed".to_owned(), w["observed"].clone()),
    ];
    if let Some(e) = w.get("expected_to_date") {
        out.push(("expected_to_date".to_owned(), e.clone()));
    }
    for part in ["counts", "stats", "handovers"] {
        for (k, v) in w.get(part).and_then(Value::as_object).into_iter().flatten() {
            match v.as_array() {
                Some(list) if k == "distribution" => out.extend(list.iter().map(|d| {
                    (
                        format!("stats.distribution.{}", d["attempts"]),
                        d["leads"].clone(),
                    )
                })),
                _ => out.push((format!("{part}.{k}"), v.clone())),
            }
        }
    }
    let judged: u64 = ["met", "missed", "open"]
        .iter()
        .filter_map(|k| w["counts"][k].as_u64())
        .sum();
    for m in w
        .get("missing_fields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let field = m["field"].as_str().unwrap();
        let lacking = m["leads"].as_u64().unwrap();
        out.push((format!("missing_fields.{field}"), m["leads"].clone()));
        let had = (judged > 0).then(|| (judged - lacking) as f64 / judged as f64);
        out.push((format!("complete.{field}"), had.into()));
    }
    for b in w
        .get("buckets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.push((
            format!("buckets.{}", b["label"].as_str().unwrap()),
            b["count"].clone(),
        ));
    }
    out
}

#[test]
fn every_number_of_every_window_is_the_verdicts() {
    let verdict = json(&["eval", "--format", "json"]);
    let doc = Html::parse_document(page());
    let rows = rows(&doc);
    let mut checked = 0;
    for rule in verdict["rules"].as_array().unwrap() {
        let name = rule["name"].as_str().unwrap();
        for w in rule["windows"].as_array().unwrap() {
            let key = (
                name.to_owned(),
                w["window"].as_str().unwrap().to_owned(),
                w["group"].as_str().map(str::to_owned),
            );
            let found = rows
                .get(&key)
                .unwrap_or_else(|| panic!("no row for {key:?}"));
            let fields = fields(w);
            // The distribution lists only the numbers some lead got; the
            // table's other columns must say no lead got them.
            for tr in found {
                for td in tr.select(&sel("td[data-field^=\"stats.distribution.\"]")) {
                    let field = td.value().attr("data-field").unwrap();
                    if !fields.iter().any(|(f, _)| f == field) {
                        assert_eq!(text(td), "0", "{key:?} {field}");
                    }
                }
            }
            for (field, expected) in fields {
                let cell = sel(&format!("td[data-field=\"{field}\"]"));
                let cells: Vec<String> = found
                    .iter()
                    .flat_map(|tr| tr.select(&cell).map(text).collect::<Vec<_>>())
                    .collect();
                // Aging windows have no target in the verdict, and no cell.
                assert!(
                    !cells.is_empty() || expected.is_null(),
                    "{key:?} has no {field}"
                );
                for cell in cells {
                    same(&cell, &expected, &format!("{key:?} {field}"));
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} numbers compared");
    // The people section repeats a person's rows: each grouped window is
    // in the team's tables and in its person's.
    let grouped: Vec<&Vec<ElementRef>> = rows
        .iter()
        .filter(|(k, _)| k.2.is_some())
        .map(|(_, v)| v)
        .collect();
    assert!(grouped.len() > 30);
    for found in grouped {
        let in_people = |tr: &ElementRef| {
            tr.ancestors()
                .filter_map(ElementRef::wrap)
                .any(|a| a.value().id() == Some("people"))
        };
        assert!(found.iter().any(in_people));
        assert!(!found.iter().all(in_people));
    }
}

#[test]
fn the_summary_counts_what_the_verdict_says() {
    let verdict = json(&["eval", "--format", "json"]);
    let doc = Html::parse_document(page());
    let cell = |field: &str| -> String {
        let found: Vec<String> = doc
            .select(&sel(&format!("[data-field=\"{field}\"]")))
            .map(text)
            .collect();
        assert_eq!(found.len(), 1, "{field}");
        found[0].clone()
    };
    let rules = verdict["rules"].as_array().unwrap();
    let windows: Vec<&Value> = rules
        .iter()
        .flat_map(|r| r["windows"].as_array().unwrap())
        .collect();
    for status in ["met", "at_risk", "breached", "no_data"] {
        let n = rules.iter().filter(|r| r["status"] == status).count();
        assert_eq!(cell(&format!("rules.{status}")), n.to_string(), "{status}");
    }
    for status in ["met", "on_track", "at_risk", "missed", "no_data"] {
        let n = windows.iter().filter(|w| w["status"] == status).count();
        assert_eq!(
            cell(&format!("windows.{status}")),
            n.to_string(),
            "{status}"
        );
    }
    assert_eq!(cell("rules.total"), rules.len().to_string());
    assert_eq!(cell("windows.total"), windows.len().to_string());
    let issues = verdict["issues"].as_array().unwrap();
    assert_eq!(cell("data.issues"), issues.len().to_string());
    let listed: Vec<ElementRef> = doc.select(&sel("table.issues tbody tr")).collect();
    assert_eq!(listed.len(), issues.len());
    for (row, issue) in listed.iter().zip(issues) {
        let cells: Vec<String> = row.select(&sel("td")).map(text).collect();
        assert_eq!(cells[0], issue["file"].as_str().unwrap());
        assert_eq!(cells[1], issue["line"].to_string());
        assert_eq!(cells[3], issue["message"].as_str().unwrap());
    }
    let overall = text(doc.select(&sel("p.overall .status")).next().unwrap());
    assert!(overall.ends_with("breached"), "{overall}");
}

#[test]
fn the_funnel_and_the_waterfalls_add_up_to_the_plan() {
    let plan = json(&["plan", "--format", "json"]);
    let verdict = json(&["eval", "--format", "json"]);
    let doc = Html::parse_document(page());
    for field in [
        "revenue",
        "marketing_share",
        "deal_size",
        "customers",
        "lead_to_customer",
        "leads",
    ] {
        let cell = text(
            doc.select(&sel(&format!("td[data-field=\"funnel.{field}\"]")))
                .next()
                .unwrap_or_else(|| panic!("funnel.{field}")),
        );
        let digits = cell.trim_start_matches(|c: char| !c.is_ascii_digit());
        same(digits, &plan["funnel"][field], &format!("funnel {field}"));
    }
    let quotas = plan["quotas"].as_array().unwrap();
    assert!(!quotas.is_empty());
    for q in quotas {
        let name = q["name"].as_str().unwrap();
        let table = doc
            .select(&sel("table.quota"))
            .find(|t| t.value().attr("data-rule") == Some(name))
            .unwrap_or_else(|| panic!("no waterfall table for {name}"));
        let cell = |field: &str| {
            text(
                table
                    .select(&sel(&format!("td[data-field=\"{field}\"]")))
                    .next()
                    .unwrap_or_else(|| panic!("{name}: {field}")),
            )
        };
        same(&cell("plan.total"), &q["total"], "total");
        let windows = verdict["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()["windows"]
            .as_array()
            .unwrap();
        let delivered: f64 = windows
            .iter()
            .map(|w| w["observed"].as_f64().unwrap())
            .sum();
        let expected: f64 = windows
            .iter()
            .map(|w| match w["state"].as_str().unwrap() {
                "open" => w["expected_to_date"].as_f64().unwrap(),
                _ => w["target"].as_f64().unwrap(),
            })
            .sum();
        same(&cell("delivered"), &delivered.into(), "delivered");
        same(&cell("expected"), &expected.into(), "expected");
        let total = q["total"].as_f64().unwrap();
        same(&cell("remainder"), &(total - delivered).abs().into(), "gap");
        // The windows still to come are the plan's, with its targets.
        let later: Vec<(String, String)> = table
            .select(&sel("tr[data-plan-window]"))
            .map(|tr| {
                (
                    tr.value().attr("data-plan-window").unwrap().to_owned(),
                    text(
                        tr.select(&sel("td[data-field=\"plan.target\"]"))
                            .next()
                            .unwrap(),
                    ),
                )
            })
            .collect();
        let planned = q["windows"].as_array().unwrap();
        assert_eq!(later.len() + windows.len(), planned.len(), "{name}");
        for (label, target) in later {
            let p = planned
                .iter()
                .find(|p| p["window"] == label.as_str())
                .unwrap();
            same(&target, &p["target"], &format!("{name} {label}"));
        }
    }
}

#[test]
fn the_page_fetches_nothing_and_runs_nothing() {
    let html = page();
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "no scripts");
    assert!(!lower.contains("@import"), "no imported style sheets");
    assert!(!lower.contains("url(http") && !lower.contains("url(//"));
    let doc = Html::parse_document(html);
    for e in doc.select(&sel("*")) {
        for (name, value) in e.value().attrs() {
            if name.ends_with("src") || name.ends_with("href") || name == "srcset" {
                assert!(
                    value.starts_with('#'),
                    "<{} {name}={value:?}> leaves the page",
                    e.value().name()
                );
            }
        }
    }
    for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
        assert!(!lower.contains(attr), "{attr}");
    }
    assert!(doc
        .select(&sel("link, img, iframe, object, embed"))
        .next()
        .is_none());
    // Every fragment link lands somewhere.
    for a in doc.select(&sel("a[href^=\"#\"]")) {
        let id = &a.value().attr("href").unwrap()[1..];
        assert!(
            doc.select(&sel(&format!("[id=\"{id}\"]"))).next().is_some(),
            "#{id}"
        );
    }
}

#[test]
fn every_chart_has_a_title_a_size_and_something_drawn() {
    let doc = Html::parse_document(page());
    let charts: Vec<ElementRef> = doc.select(&sel("svg")).collect();
    assert!(charts.len() >= 15, "{} charts", charts.len());
    let mut ids = std::collections::HashSet::new();
    for svg in charts {
        let title = title(svg);
        assert!(!title.is_empty(), "an svg without a title");
        let size = |n: &str| -> f64 { svg.value().attr(n).unwrap().parse().unwrap() };
        assert!(size("width") > 0.0 && size("height") > 0.0, "{title}");
        assert!(svg.select(&sel("rect")).count() > 2, "{title}: no bars");
        let axes: Vec<String> = svg.select(&sel("text")).map(text).collect();
        assert!(
            axes.iter().any(|t| t.ends_with(')')),
            "{title}: no axis with a unit"
        );
        // Patterns are found by id: two charts sharing one would draw
        // with the other's.
        for e in svg.select(&sel("[id]")) {
            assert!(ids.insert(e.value().attr("id").unwrap().to_owned()));
        }
        // Every number drawn on a bar is in the table of its figure.
        let figure = svg
            .parent()
            .and_then(ElementRef::wrap)
            .filter(|p| p.value().name() == "figure")
            .unwrap_or_else(|| panic!("{title}: not in a figure"));
        let tokens: std::collections::HashSet<String> = figure
            .select(&sel("table td, table th"))
            .flat_map(|c| {
                text(c)
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        let drawn: Vec<String> = svg
            .select(&sel("g.labels text, g.rules text"))
            .map(text)
            .filter(|t| t.trim_end_matches('%').parse::<f64>().is_ok())
            .collect();
        for label in drawn {
            assert!(tokens.contains(&label), "{title}: {label} not in its table");
        }
    }
}

/// The numbers drawn on a chart's bars, left to right.
fn bar_labels(svg: ElementRef) -> Vec<String> {
    svg.select(&sel("g.labels text")).map(text).collect()
}

#[test]
fn each_window_spread_of_attempts_is_drawn_against_the_clauses_bands() {
    let doc = Html::parse_document(page());
    let figures: Vec<ElementRef> = doc
        .select(&sel("figure.multiples"))
        .filter(|f| text(f.select(&sel("figcaption")).next().unwrap()).contains("attempts"))
        .collect();
    // "Call depth" is split per owner: a figure per person, none in the
    // team's section, where a chart per window and person would not read.
    assert_eq!(figures.len(), 3);
    for figure in figures {
        let charts: Vec<ElementRef> = figure.select(&sel("svg")).collect();
        let rows: Vec<ElementRef> = figure.select(&sel("tbody tr")).collect();
        assert_eq!(charts.len(), 4, "one per window");
        for (svg, row) in charts.iter().zip(&rows) {
            let title = title(*svg);
            assert!(title.contains("leads by attempts in"), "{title}");
            assert!(
                title.contains(row.value().attr("data-window").unwrap()),
                "{title}"
            );
            // Both clauses' bands, shaded over the counts they allow and
            // labelled left to right.
            let spans: Vec<String> = svg.select(&sel("g.spans text")).map(text).collect();
            assert_eq!(spans, ["3–6", "6–9"], "{title}");
            let axis: Vec<String> = svg.select(&sel("g.x-axis text")).map(text).collect();
            assert_eq!(axis.first().map(String::as_str), Some("0"), "{title}");
            assert!(
                axis.iter().any(|t| t == "9"),
                "{title}: the axis reaches MAX"
            );
            // A bar for every number some lead got, and for no other.
            let counts: Vec<String> = row
                .select(&sel("td[data-field]"))
                .map(text)
                .filter(|t| t != "0")
                .collect();
            assert_eq!(bar_labels(*svg), counts, "{title}");
        }
    }
}

#[test]
fn time_spent_per_lead_is_drawn_against_the_max_duration() {
    let doc = Html::parse_document(page());
    let charts: Vec<ElementRef> = doc
        .select(&sel("svg"))
        .filter(|svg| title(*svg).contains("time spent per lead"))
        .collect();
    assert_eq!(charts.len(), 4, "the team's and each person's");
    for svg in charts {
        let lines: Vec<String> = svg.select(&sel("g.rules text")).map(text).collect();
        assert_eq!(lines, ["2h"], "{}", title(svg));
        let legend: Vec<String> = svg.select(&sel("g.legend text")).map(text).collect();
        assert_eq!(legend, ["mean", "median", "max duration 2h"]);
    }
}

#[test]
fn hand_over_completeness_is_drawn_per_field_and_window() {
    let verdict = json(&["eval", "--format", "json"]);
    let doc = Html::parse_document(page());
    let rule = verdict["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Handoff dossier")
        .unwrap();
    let windows = rule["windows"].as_array().unwrap();
    let figure = doc
        .select(&sel("figure.multiples"))
        .find(|f| text(f.select(&sel("figcaption")).next().unwrap()).contains("each field"))
        .unwrap();
    let charts: Vec<ElementRef> = figure.select(&sel("svg")).collect();
    let rows: Vec<ElementRef> = figure.select(&sel("tbody tr")).collect();
    assert_eq!(charts.len(), windows.len());
    assert_eq!(rows.len(), windows.len());
    for ((svg, row), w) in charts.iter().zip(&rows).zip(windows) {
        let title = title(*svg);
        assert!(title.contains(w["window"].as_str().unwrap()), "{title}");
        // A bar per field the duty names, in its order, as the table says.
        let fields: Vec<&str> = w["missing_fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["field"].as_str().unwrap())
            .collect();
        let axis: Vec<String> = svg.select(&sel("g.x-axis text")).map(text).collect();
        assert_eq!(axis[..fields.len()], fields, "{title}");
        let shares: Vec<String> = row
            .select(&sel("td[data-field^=\"complete.\"]"))
            .map(text)
            .collect();
        assert_eq!(bar_labels(*svg), shares, "{title}");
        let lines: Vec<String> = svg.select(&sel("g.rules text")).map(text).collect();
        assert_eq!(lines, ["100%"], "{title}: the target");
    }
}

#[test]
fn the_outline_is_pinned() {
    let doc = Html::parse_document(page());
    let mut outline = String::new();
    let mut level = 1;
    for e in doc.select(&sel("h1, h2, h3, h4, svg")) {
        let line = match e.value().name() {
            "svg" => format!("{}chart: {}", "  ".repeat(level), title(e)),
            h => {
                level = h[1..].parse().unwrap();
                format!("{}{}", "  ".repeat(level - 1), text(e))
            }
        };
        outline.push_str(&line);
        outline.push('\n');
    }
    insta::assert_snapshot!("sample_outline", outline);
}

#[test]
fn the_page_goes_to_standard_output_with_a_dash() {
    let (out, _, code) = accord(&["report", "--out", "-"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("<!DOCTYPE html>"));
    assert_eq!(out, page(), "the same page, wherever it goes");
}

#[test]
fn a_run_that_cannot_start_writes_nothing_and_exits_2() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("never-written.html");
    let _ = std::fs::remove_file(&out);
    let (_, err, code) = accord(&[
        "report",
        "tests/ui/E012-unknown-team.sla",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("E122"), "{err}");
    assert!(!out.exists());
    let (_, err, code) = accord(&["report", "--out", "/nonexistent-dir/report.html"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot write"), "{err}");
    let (_, _, code) = accord(&["report"]);
    assert_eq!(code, 2, "--out is required");
}
