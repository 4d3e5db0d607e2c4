//! Summary statistics of a window's leads, as the verdict reports them.

/// Mean, median (mean of the two middle values for an even count) and
/// 90th percentile by nearest rank; `None` for no values.
pub fn summary(values: &mut [f64]) -> (Option<f64>, Option<f64>, Option<f64>) {
    if values.is_empty() {
        return (None, None, None);
    }
    // Values equal by `total_cmp` are the same bits: no order to keep.
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    let mean = values.iter().sum::<f64>() / n as f64;
    let median = if n % 2 == 1 {
        values.get(n / 2).copied()
    } else {
        match (values.get(n / 2 - 1), values.get(n / 2)) {
            (Some(a), Some(b)) => Some((a + b) / 2.0),
            _ => None,
        }
    };
    // Nearest rank: the smallest value with at least 90% of values at or below it.
    let rank = ((0.9 * n as f64).ceil() as usize).clamp(1, n);
    (Some(mean), median, values.get(rank - 1).copied())
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
