//! `accord plan`: the funnel derivation and every quota's target per
//! window, prorated by days (LANGUAGE.md §8–9).

use chrono::NaiveDate;
use serde::Serialize;

use super::model::{Program, Spec};
use crate::funnel::FunnelNumbers;
use crate::syntax::ast::Measure;
use crate::time::period::{windows, Period};
use crate::time::rate;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Plan {
    pub schema: &'static str,
    pub agreement: String,
    pub version: Option<String>,
    pub effective: (NaiveDate, NaiveDate),
    pub funnel: Option<FunnelPlan>,
    pub quotas: Vec<QuotaPlan>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FunnelPlan {
    pub revenue: f64,
    pub per: &'static str,
    pub marketing_share: f64,
    pub deal_size: f64,
    pub lead_to_customer: f64,
    pub customers: f64,
    pub leads: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuotaPlan {
    pub name: String,
    pub owner: String,
    pub measure: &'static str,
    pub bound: &'static str,
    pub amount: f64,
    pub per: &'static str,
    pub each: &'static str,
    pub windows: Vec<WindowTarget>,
    pub total: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WindowTarget {
    pub window: String,
    /// First day of the (clipped) window.
    pub first_day: NaiveDate,
    /// Last day of the (clipped) window.
    pub last_day: NaiveDate,
    pub days: i64,
    pub target: f64,
}

/// Every quota's windows over the whole effective range with their targets.
pub fn plan(program: &Program) -> Plan {
    let (first, last) = program.effective;
    let quotas = program
        .rules
        .iter()
        .filter_map(|rule| {
            let Spec::Quota {
                measure,
                bound,
                amount,
                per,
            } = &rule.spec
            else {
                return None;
            };
            let windows: Vec<WindowTarget> = window_targets(*amount, *per, rule.each, first, last);
            Some(QuotaPlan {
                name: rule.name.clone(),
                owner: rule.owner.clone(),
                measure: match measure {
                    Measure::Count => "count",
                    Measure::Value => "value",
                },
                bound: bound.symbol(),
                amount: *amount,
                per: per.name(),
                each: rule.each.name(),
                total: windows.iter().map(|w| w.target).sum(),
                windows,
            })
        })
        .collect();
    Plan {
        schema: "accord.plan/1",
        agreement: program.name.clone(),
        version: program.version.clone(),
        effective: program.effective,
        funnel: program.funnel.as_ref().map(funnel_plan),
        quotas,
    }
}

/// A rate's target in each `each` window of [first, last].
pub fn window_targets(
    amount: f64,
    per: Period,
    each: Period,
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<WindowTarget> {
    windows(each, first, last)
        .into_iter()
        .map(|w| WindowTarget {
            target: rate::target(amount, per, w.first_day, w.end_day),
            days: (w.end_day - w.first_day).num_days(),
            last_day: w.end_day.pred_opt().unwrap_or(w.end_day),
            first_day: w.first_day,
            window: w.label,
        })
        .collect()
}

fn funnel_plan(f: &FunnelNumbers) -> FunnelPlan {
    FunnelPlan {
        revenue: f.revenue,
        per: f.per.name(),
        marketing_share: f.share,
        deal_size: f.deal_size,
        lead_to_customer: f.lead_to_customer,
        customers: f.customers,
        leads: f.leads,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, day).unwrap()
    }

    #[test]
    fn a_quarterly_rate_each_month_is_prorated_by_days() {
        let w = window_targets(1500.0, Period::Quarter, Period::Month, d(1, 1), d(3, 31));
        let targets: Vec<String> = w.iter().map(|w| format!("{:.2}", w.target)).collect();
        assert_eq!(targets, vec!["516.67", "466.67", "516.67"]);
        assert!((w.iter().map(|w| w.target).sum::<f64>() - 1500.0).abs() < 1e-9);
        assert_eq!(w[1].window, "2027-02");
    }

    #[test]
    fn a_daily_rate_each_month_asks_what_the_days_can_give() {
        let w = window_targets(17.0, Period::Day, Period::Month, d(2, 1), d(3, 31));
        assert!((w[0].target - 476.0).abs() < 1e-9);
        assert!((w[1].target - 527.0).abs() < 1e-9);
    }

    #[test]
    fn a_clipped_window_shrinks_by_the_same_rule() {
        let w = window_targets(1500.0, Period::Quarter, Period::Month, d(1, 15), d(2, 28));
        assert_eq!((w[0].first_day, w[0].days), (d(1, 15), 17));
        assert!((w[0].target - 1500.0 / 90.0 * 17.0).abs() < 1e-9);
    }
}
