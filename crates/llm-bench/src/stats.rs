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

/// The spread of one input's speeds across its chunkings: per round, the fastest over the
/// slowest of the rows' samples of that round, then the median over the rounds all rows
/// have (0 when there is none).
///
/// ```
/// use llm_bench::stats::spread_over_rounds;
///
/// // Round 1 ran under load (everything halved): the spread is still 2x.
/// let per_event = [200.0, 100.0];
/// let small_reads = [100.0, 50.0];
/// assert_eq!(spread_over_rounds(&[&per_event, &small_reads]), 2.0);
/// ```
pub fn spread_over_rounds(rows: &[&[f64]]) -> f64 {
    let rounds = rows.iter().map(|r| r.len()).min().unwrap_or(0);
    let spreads: Vec<f64> = (0..rounds)
        .map(|i| {
            let speeds = rows.iter().filter_map(|r| r.get(i).copied());
            let (min, max) = speeds.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
            max / min
        })
        .collect();
    Summary::of(&spreads).median
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
