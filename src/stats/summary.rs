//! Combining replications: mean, sample standard deviation and a Student-t 95% interval
//! (SPEC §7). Replications where a metric is undefined (no chat to average over) are left out
//! and the count says so.

use statrs::distribution::{ContinuousCDF, StudentsT};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    pub std: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub n: usize,
}

impl Estimate {
    pub fn half_width(&self) -> f64 {
        (self.ci_high - self.ci_low) / 2.0
    }
}

/// The two-sided `level` quantile of Student's t with `df` degrees of freedom.
pub fn t_quantile(level: f64, df: usize) -> f64 {
    StudentsT::new(0.0, 1.0, df as f64)
        .map(|t| t.inverse_cdf(0.5 + level / 2.0))
        .unwrap_or(f64::NAN)
}

/// Summarises values in the order given (the order fixes the floating-point result, so
/// callers pass replications in index order). NaNs are skipped.
pub fn estimate(values: impl IntoIterator<Item = f64>) -> Estimate {
    estimate_at(values, 0.95)
}

pub fn estimate_at(values: impl IntoIterator<Item = f64>, level: f64) -> Estimate {
    let (mut n, mut mean, mut m2) = (0usize, 0.0f64, 0.0f64);
    for x in values.into_iter().filter(|x| !x.is_nan()) {
        n += 1;
        let d = x - mean;
        mean += d / n as f64;
        m2 += d * (x - mean);
    }
    if n == 0 {
        return Estimate {
            mean: f64::NAN,
            std: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            n,
        };
    }
    if n == 1 {
        return Estimate {
            mean,
            std: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            n,
        };
    }
    let std = (m2 / (n - 1) as f64).sqrt();
    let half = t_quantile(level, n - 1) * std / (n as f64).sqrt();
    Estimate {
        mean,
        std,
        ci_low: mean - half,
        ci_high: mean + half,
        n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_hand_computed_interval() {
        // Mean 3, sample sd sqrt(2.5), t(0.975, 4) = 2.776445.
        let e = estimate([1.0, 2.0, 3.0, 4.0, 5.0]);
        assert!((e.mean - 3.0).abs() < 1e-12);
        assert!((e.std - 2.5f64.sqrt()).abs() < 1e-12);
        let half = 2.776445 * 2.5f64.sqrt() / 5f64.sqrt();
        assert!((e.half_width() - half).abs() < 1e-5);
    }

    #[test]
    fn undefined_replications_are_left_out() {
        let e = estimate([f64::NAN, 2.0, 4.0]);
        assert_eq!(e.n, 2);
        assert_eq!(e.mean, 3.0);
        assert!(estimate([7.0]).ci_low.is_nan());
    }
}
