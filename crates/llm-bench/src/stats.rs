//! Medians and spreads over repetitions.

/// The median and range of a set of repeated measurements.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Summary {
    /// The median.
    pub median: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
    /// How many values.
    pub n: usize,
}

impl Summary {
    /// Summarises `values` (NaNs are dropped); all zero when there are none.
    pub fn of(values: &[f64]) -> Self {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
        if v.is_empty() {
            return Self::default();
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Self {
            median,
            min: v[0],
            max: v[n - 1],
            n,
        }
    }

    /// `median (min-max)` with `digits` decimals, values divided by `scale`.
    pub fn fmt(&self, scale: f64, digits: usize) -> String {
        if self.n == 0 {
            return "n/a".to_owned();
        }
        format!(
            "{:.d$} ({:.d$}-{:.d$})",
            self.median / scale,
            self.min / scale,
            self.max / scale,
            d = digits
        )
    }
}

/// The median over rounds of `f(a_i, b_i)`: a comparison of two series measured side by
/// side (taking turns round by round), so a change of the machine's load between rounds
/// cancels out. Pairs only as many rounds as the shorter series has.
///
/// ```
/// use llm_bench::stats::paired_median;
///
/// // The second series is twice the first in every round, whatever the load did.
/// let ratio = paired_median(&[100.0, 300.0, 150.0], &[200.0, 600.0, 300.0], |a, b| b / a);
/// assert_eq!(ratio, 2.0);
/// ```
pub fn paired_median(a: &[f64], b: &[f64], f: impl Fn(f64, f64) -> f64) -> f64 {
    let pairs: Vec<f64> = a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect();
    Summary::of(&pairs).median
}

/// The `q`-quantile (0..=1) of `values` (nearest rank); 0 when empty.
pub fn quantile(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    values[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_quantiles() {
        let s = Summary::of(&[3.0, 1.0, 2.0]);
        assert_eq!((s.median, s.min, s.max), (2.0, 1.0, 3.0));
        assert_eq!(Summary::of(&[1.0, 2.0, 3.0, 4.0]).median, 2.5);
        let mut v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&mut v, 0.99), 99.0);
        assert_eq!(quantile(&mut v, 0.5), 50.0);
    }
}
