//! Summary statistics of a window's leads, as the verdict reports them.

/// Mean, median (mean of the two middle values for an even count) and
/// 90th percentile by nearest rank; `None` for no values.
pub fn summary(values: &mut [f64]) -> (Option<f64>, Option<f64>, Option<f64>) {
    let n = values.len();
    if n == 0 {
        return (None, None, None);
    }
    // Nearest rank: the smallest value with at least 90% of values at or below it.
    let rank = ((0.9 * n as f64).ceil() as usize).clamp(1, n);
    // Whole numbers (seconds, counts: nearly always) add up exactly in any
    // order while their total stays below 2^53, so only the three ranks need
    // finding, not a sort of them all (a tenth of judging a million leads).
    // Other values are added up in sorted order, so that the mean does not
    // depend on the order they came in.
    let magnitude = values.iter().try_fold(0.0, |total: f64, v| {
        (v.fract() == 0.0).then(|| total + v.abs())
    });
    let whole = magnitude.is_some_and(|total| total < 2f64.powi(53));
    let sum = if whole {
        values.iter().sum::<f64>()
    } else {
        // Values equal by `total_cmp` are the same bits: no order to keep.
        values.sort_unstable_by(f64::total_cmp);
        values.iter().sum::<f64>()
    };
    let mean = sum / n as f64;
    let mut at = |k: usize| -> Option<f64> {
        if whole {
            values.select_nth_unstable_by(k, f64::total_cmp);
        }
        values.get(k).copied()
    };
    let p90 = at(rank - 1);
    let median = if n % 2 == 1 {
        at(n / 2)
    } else {
        match (at(n / 2 - 1), at(n / 2)) {
            (Some(a), Some(b)) => Some((a + b) / 2.0),
            _ => None,
        }
    };
    (Some(mean), median, p90)
}

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn median_of_even_counts_is_the_mean_of_the_middle_pair() {
        let (mean, median, p90) = summary(&mut [4.0, 1.0, 3.0, 2.0]);
        assert_eq!(mean, Some(2.5));
        assert_eq!(median, Some(2.5));
        assert_eq!(p90, Some(4.0));
    }

    proptest::proptest! {
        /// Found by rank or by sorting, the figures are a sort's.
        #[test]
        fn ranks_are_those_of_the_sorted_values(
            values in proptest::collection::vec(-1000i32..1000, 1..200),
            halves in proptest::bool::ANY,
        ) {
            let mut values: Vec<f64> = values
                .iter()
                .map(|v| f64::from(*v) / if halves { 2.0 } else { 1.0 })
                .collect();
            let mut sorted = values.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let n = sorted.len();
            let median = if n % 2 == 1 {
                sorted[n / 2]
            } else {
                (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
            };
            let p90 = sorted[((0.9 * n as f64).ceil() as usize).clamp(1, n) - 1];
            let mean = sorted.iter().sum::<f64>() / n as f64;
            proptest::prop_assert_eq!(summary(&mut values), (Some(mean), Some(median), Some(p90)));
        }
    }

    #[test]
    fn p90_is_the_nearest_rank() {
        let mut v: Vec<f64> = (1..=20).map(f64::from).collect();
        let (_, median, p90) = summary(&mut v);
        assert_eq!(median, Some(10.5));
        assert_eq!(p90, Some(18.0));
        let (_, median, p90) = summary(&mut [7.0]);
        assert_eq!((median, p90), (Some(7.0), Some(7.0)));
        assert_eq!(summary(&mut []), (None, None, None));
    }
}
