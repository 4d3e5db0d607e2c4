//! `accord plan` for people: the funnel derivation, then each quota's
//! target per window.

use std::fmt::Write;

use super::table;
use super::verdict::{number, percent};
use crate::eval::plan::Plan;

pub fn human(plan: &Plan, currency: Option<&str>) -> String {
    let money = |x: f64| match currency {
        Some(c) => format!("{c} {}", number(x)),
        None => number(x),
    };
    let mut out = String::new();
    let version = plan
        .version
        .as_deref()
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let (first, last) = plan.effective;
    let _ = writeln!(
        out,
        "{}{version}, effective {first} to {last}",
        plan.agreement
    );
    if let Some(f) = &plan.funnel {
        let _ = writeln!(out, "\nfunnel (per {}):", f.per);
        let rows = vec![
            vec!["revenue".to_owned(), money(f.revenue)],
            vec!["× marketing share".to_owned(), percent(f.marketing_share)],
            vec!["÷ deal size".to_owned(), money(f.deal_size)],
            vec!["= customers".to_owned(), number(f.customers)],
            vec!["÷ lead to customer".to_owned(), percent(f.lead_to_customer)],
            vec!["= leads (funnel.leads)".to_owned(), number(f.leads)],
        ];
        out.push_str(&table::render(&rows, 2, &[1]));
    }
    for q in &plan.quotas {
        let amount = match q.measure {
            "value" => money(q.amount),
            _ => number(q.amount),
        };
        let _ = writeln!(
            out,
            "\nquota \"{}\" (owner {}): {} {} {amount} per {}, each {}",
            q.name, q.owner, q.measure, q.bound, q.per, q.each
        );
        let mut rows = vec![vec![
            "window".to_owned(),
            "from".to_owned(),
            "to".to_owned(),
            "days".to_owned(),
            "target".to_owned(),
        ]];
        for w in &q.windows {
            rows.push(vec![
                w.window.clone(),
                w.first_day.to_string(),
                w.last_day.to_string(),
                w.days.to_string(),
                number(w.target),
            ]);
        }
        rows.push(vec![
            "total".to_owned(),
            String::new(),
            String::new(),
            String::new(),
            number(q.total),
        ]);
        out.push_str(&table::render(&rows, 2, &[3, 4]));
    }
    if plan.quotas.is_empty() {
        let _ = writeln!(out, "\nno quotas");
    }
    out
}
