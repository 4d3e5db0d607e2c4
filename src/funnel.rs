//! The funnel: what marketing must deliver, derived from the revenue goal
//! (LANGUAGE.md §8). Used by the checker (is a quota enough?), the
//! evaluator (`funnel.leads` as a rate) and `accord plan`.

use crate::syntax::ast::{Funnel, FunnelClause, Period};

/// The funnel's numbers, per the revenue's period. Targets are not rounded.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelNumbers {
    pub revenue: f64,
    pub per: Period,
    /// Marketing's share, as a fraction.
    pub share: f64,
    pub deal_size: f64,
    /// Lead-to-customer conversion, as a fraction.
    pub lead_to_customer: f64,
    /// `revenue × share ÷ deal size`.
    pub customers: f64,
    /// `customers ÷ lead to customer`.
    pub leads: f64,
}

/// The numbers of a complete funnel; `None` if a clause is missing or a
/// divisor is zero (the checker reports both).
pub fn derive(funnel: &Funnel) -> Option<FunnelNumbers> {
    let (mut revenue, mut share, mut deal, mut conversion) = (None, None, None, None);
    for clause in &funnel.clauses {
        match clause {
            FunnelClause::Revenue { amount, per, .. } => {
                revenue = Some((amount.amount.value, per.node))
            }
            FunnelClause::MarketingShare { share: s, .. } => share = Some(s.value / 100.0),
            FunnelClause::DealSize { amount, .. } => deal = Some(amount.amount.value),
            FunnelClause::LeadToCustomer { rate, .. } => conversion = Some(rate.value / 100.0),
        }
    }
    let ((revenue, per), share, deal_size, lead_to_customer) =
        (revenue?, share?, deal?, conversion?);
    if deal_size == 0.0 || lead_to_customer == 0.0 {
        return None;
    }
    let customers = revenue * share / deal_size;
    Some(FunnelNumbers {
        revenue,
        per,
        share,
        deal_size,
        lead_to_customer,
        customers,
        leads: customers / lead_to_customer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn the_spec_funnel_asks_1500_leads_a_quarter() {
        let a = parse(
            "agreement \"f\" { funnel { revenue EUR 1_200_000 per quarter marketing share 60% deal size EUR 12_000 lead to customer 4% } }",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let f = a.funnels().next().and_then(derive);
        let f = f.unwrap_or_else(|| panic!("no funnel"));
        assert!((f.customers - 60.0).abs() < 1e-9);
        assert!((f.leads - 1500.0).abs() < 1e-9);
        assert_eq!(f.per, Period::Quarter);
    }
}
