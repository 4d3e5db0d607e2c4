//! The grammar's tricky corners, through the public parser.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use accord::syntax::ast::*;
use accord::syntax::{parse, ParseError};

fn agreement(body: &str) -> Agreement {
    let src = format!("agreement \"t\" {{\n{body}\n}}\n");
    parse(&src).unwrap_or_else(|e| panic!("{body}: {e:?}"))
}

fn term(body: &str) -> ConditionKind {
    let a = agreement(&format!("term t means {body}"));
    let kind = a.terms().next().unwrap().condition.kind.clone();
    kind
}

fn first_rule(body: &str) -> Rule {
    let a = agreement(body);
    let rule = a.rules().next().unwrap().clone();
    rule
}

fn errors(src: &str) -> Vec<ParseError> {
    parse(src).unwrap_err()
}

fn name(kind: &ConditionKind) -> String {
    match kind {
        ConditionKind::Term(n) => n.node.to_string(),
        ConditionKind::Not(inner) => format!("!{}", name(&inner.kind)),
        ConditionKind::All(parts) => {
            let parts: Vec<String> = parts.iter().map(|p| name(&p.kind)).collect();
            format!("all({})", parts.join(","))
        }
        ConditionKind::Any(parts) => {
            let parts: Vec<String> = parts.iter().map(|p| name(&p.kind)).collect();
            format!("any({})", parts.join(","))
        }
        ConditionKind::Group(inner) => format!("[{}]", name(&inner.kind)),
        other => format!("{other:?}"),
    }
}

#[test]
fn not_binds_tighter_than_and_and_and_tighter_than_or() {
    assert_eq!(name(&term("a or b and not c")), "any(a,all(b,!c))");
    assert_eq!(
        name(&term("not a and b or c and d")),
        "any(all(!a,b),all(c,d))"
    );
    assert_eq!(name(&term("a and b and c and d")), "all(a,b,c,d)");
    assert_eq!(name(&term("(a or b) and c")), "all([any(a,b)],c)");
    assert_eq!(name(&term("not not a")), "!!a");
}

#[test]
fn comparisons_of_every_form() {
    let is_not = term(r#"persona is not "CEO""#);
    assert!(
        matches!(is_not, ConditionKind::Is { negated: true, ref value, .. } if value.node == "CEO")
    );
    let not_in = term(r#"persona not in ("CEO", "Director")"#);
    assert!(
        matches!(not_in, ConditionKind::In { negated: true, ref values, .. } if values.len() == 2)
    );
    assert!(matches!(
        term("phone is set"),
        ConditionKind::Presence { set: true, .. }
    ));
    assert!(matches!(
        term("phone is empty"),
        ConditionKind::Presence { set: false, .. }
    ));
    let ge = term("score >= 50.5");
    assert!(
        matches!(ge, ConditionKind::Compare { op: CompareOp::Ge, ref value, .. } if value.value == 50.5)
    );
    assert!(
        matches!(term("score < 1_000"), ConditionKind::Compare { op: CompareOp::Lt, ref value, .. } if value.value == 1000.0)
    );
}

#[test]
fn keywords_may_be_field_names_where_a_field_is_expected() {
    // `owner`, `status`, `value` and `lead` are keywords elsewhere.
    let kind = term(r#"owner is "ann" and status is set and value >= 3 and lead is empty"#);
    assert_eq!(
        name(&kind).matches("Is").count() + name(&kind).matches("Presence").count(),
        3
    );
    let rule = first_rule(
        "aging \"A\" { owner sales contact touch buckets 1w, 2w breach after 2w per owner }",
    );
    assert!(rule
        .clauses
        .iter()
        .any(|c| matches!(&c.kind, ClauseKind::Per(f) if f.node == "owner")));
}

#[test]
fn strings_decode_their_escapes() {
    let a = agreement(r#"version "a\"b\\c\nd\te\u{e9}#not a comment""#);
    let Some(Setting {
        kind: SettingKind::Version(v),
        ..
    }) = a.settings().next()
    else {
        panic!("no version");
    };
    assert_eq!(v.node, "a\"b\\c\nd\te\u{e9}#not a comment");
}

#[test]
fn durations_numbers_money_and_percentages() {
    let rule = first_rule(
        "response \"R\" { owner s first t within 1h30m on office when x is \"y\" within 2w otherwise }",
    );
    let windows: Vec<&Window> = rule
        .clauses
        .iter()
        .filter_map(|c| match &c.kind {
            ClauseKind::Within { window, .. } => Some(window),
            _ => None,
        })
        .collect();
    assert_eq!(windows[0].duration.exact_seconds(), 5400);
    assert_eq!(windows[0].calendar.as_ref().unwrap().node, "office");
    assert_eq!(windows[1].duration.calendar_days(), 14);
    let a = agreement(
        "funnel { revenue EUR 1_200_000.50 per quarter marketing share 4.5% deal size 12_000 lead to customer 4% }",
    );
    let funnel = a.funnels().next().unwrap();
    match &funnel.clauses[0] {
        FunnelClause::Revenue { amount, per, .. } => {
            assert_eq!(amount.amount.value, 1_200_000.5);
            assert_eq!(amount.currency.as_ref().unwrap().node, "EUR");
            assert_eq!(per.node, Period::Quarter);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&funnel.clauses[1], FunnelClause::MarketingShare { share, .. } if share.value == 4.5)
    );
    assert!(
        matches!(&funnel.clauses[2], FunnelClause::DealSize { amount, .. } if amount.currency.is_none())
    );
}

#[test]
fn quota_rates_each_and_per() {
    let rule = first_rule("quota \"Q\" { owner m count >= 3 per week each month per owner }");
    let Some(ClauseKind::QuotaTarget {
        rate,
        each,
        per,
        bound,
        ..
    }) = rule
        .clauses
        .iter()
        .map(|c| &c.kind)
        .find(|k| matches!(k, ClauseKind::QuotaTarget { .. }))
    else {
        panic!("no target");
    };
    assert!(
        matches!(&**rate, Rate::Amount { per, amount } if per.node == Period::Week && amount.amount.value == 3.0)
    );
    assert_eq!(each.as_ref().unwrap().node, Period::Month);
    assert_eq!(per.as_ref().unwrap().node, "owner");
    assert_eq!(bound.node, Bound::AtLeast);
    let cap = first_rule("quota \"Q\" { owner m count <= funnel.customers each quarter }");
    assert!(cap.clauses.iter().any(|c| matches!(&c.kind, ClauseKind::QuotaTarget { rate, .. } if matches!(&**rate, Rate::Funnel(f) if f.node == FunnelRef::Customers))));
}

#[test]
fn calendars_with_several_intervals_single_days_and_end_of_day() {
    let a = agreement(
        "calendar c { hours mon-fri 09:00-12:00, 13:00-17:30 hours sun 00:00-24:00 closed 2027-04-27, 2027-05-05 }",
    );
    let cal = a.calendars().next().unwrap();
    match &cal.clauses[0] {
        CalendarClause::Hours {
            days, intervals, ..
        } => {
            assert_eq!(
                (days[0].first.node, days[0].last.as_ref().unwrap().node),
                (0, 4)
            );
            assert_eq!(intervals.len(), 2);
            assert_eq!(intervals[1].end.node, Clock(17 * 60 + 30));
        }
        other => panic!("{other:?}"),
    }
    match &cal.clauses[1] {
        CalendarClause::Hours {
            days, intervals, ..
        } => {
            assert_eq!(days[0].first.node, 6);
            assert!(days[0].last.is_none());
            assert_eq!(intervals[0].end.node, Clock(1440));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn attempts_bands_and_duty_forms() {
    let rule = first_rule(
        "attempts \"A\" { owner s count call between 6 and 9 within 14d when dm at least 3 within 7d when x is \"y\" at most 2 within 1d otherwise until outcome is \"connected\" max duration 2h }",
    );
    let bands: Vec<(u64, Option<u64>)> = rule
        .clauses
        .iter()
        .filter_map(|c| match &c.kind {
            ClauseKind::Band { band, .. } => Some((band.min(), band.max())),
            _ => None,
        })
        .collect();
    assert_eq!(bands, vec![(6, Some(9)), (3, None), (0, Some(2))]);
    let duty = first_rule("duty \"D\" { from sales to marketing within 7d after first touch provide status, notes by feedback }");
    assert!(duty.clauses.iter().any(|c| matches!(
        &c.kind,
        ClauseKind::After {
            anchor: Anchor::First(_),
            ..
        }
    )));
    assert!(duty.clauses.iter().any(
        |c| matches!(&c.kind, ClauseKind::Provide { fields, by: Some(_) } if fields.len() == 2)
    ));
}

#[test]
fn spans_point_at_the_source_and_stay_out_of_equality() {
    let src = "agreement \"t\" {\n  term mql means source is \"marketing\"   # note\n}\n";
    let a = parse(src).unwrap();
    let term = a.terms().next().unwrap();
    assert_eq!(
        &src[term.span.start()..term.span.end()],
        "term mql means source is \"marketing\""
    );
    assert_eq!(&src[term.name.span.start()..term.name.span.end()], "mql");
    let moved = parse("agreement \"t\" { term mql means source is \"marketing\" }").unwrap();
    assert_eq!(a, moved);
}

#[test]
fn syntax_errors_say_what_was_expected_in_words() {
    let e = errors("agreement \"t\" { response \"R\" { within 5 otherwise } }");
    let text = e[0].to_string();
    assert_eq!(text, "expected a duration such as `5m`, found `5`");
    let e = errors("agreement \"t\" { quota \"Q\" { owner m count >= 5 per fortnight } }");
    assert!(e[0]
        .to_string()
        .contains("a period (`day`, `week`, `month`, `quarter` or `year`)"));
    let e = errors("agreement \"t\" { term a means b and }");
    assert_eq!(e[0].to_string(), "expected a condition, found `}`");
    for e in errors("agreement \"t\" { frobnicate }")
        .iter()
        .chain(errors("").iter())
    {
        assert!(!e.to_string().contains("kw_"), "{e}");
        assert!(!e.to_string().contains("Rule"), "{e}");
    }
}

#[test]
fn literal_errors_are_all_reported_in_one_pass() {
    let e = errors(
        "agreement \"t\" { effective 2027-02-30 to 2027-13-01 calendar c { hours mon 24:00-25:00 } version \"\\u{110000}\" }",
    );
    let codes: Vec<&str> = e
        .iter()
        .map(|e| match e {
            ParseError::InvalidDate { .. } => "date",
            ParseError::InvalidClock { .. } => "clock",
            ParseError::InvalidEscape { .. } => "escape",
            _ => "other",
        })
        .collect();
    assert_eq!(codes, vec!["date", "date", "clock", "clock", "escape"]);
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_stack_overflow() {
    let parens = format!(
        "agreement \"t\" {{ term t means {}x is \"y\"{} }}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    assert!(matches!(errors(&parens)[0], ParseError::TooDeep { .. }));
    let nots = format!(
        "agreement \"t\" {{ term t means {} x }}",
        "not ".repeat(10_000)
    );
    assert!(matches!(errors(&nots)[0], ParseError::TooDeep { .. }));
    // Long flat chains are fine: they are not nested.
    let chain = (0..10_000)
        .map(|i| format!("t{i}"))
        .collect::<Vec<_>>()
        .join(" and ");
    assert!(matches!(term(&chain), ConditionKind::All(parts) if parts.len() == 10_000));
}

proptest::proptest! {
    #[test]
    fn any_text_parses_or_fails_cleanly(text in "\\PC{0,200}") {
        let _ = parse(&text);
    }

    #[test]
    fn mutated_agreements_parse_or_fail_cleanly(cut in 0usize..2000, insert in "[ -~]{0,5}") {
        let base = include_str!("../rules/b2b-inbound.sla");
        let cut = cut.min(base.len());
        let cut = (0..=cut).rev().find(|i| base.is_char_boundary(*i)).unwrap_or(0);
        let text = format!("{}{}{}", &base[..cut], insert, &base[cut..]);
        let _ = parse(&text);
    }
}
