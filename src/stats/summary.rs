//! Combining replications: mean, sample standard deviation and a Student-t 95% interval (guide
//! `statistics.md#determinism-and-statistics`). Replications where a metric is undefined (no chat
//! to average over) are left out and the count says so.

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

/// The two-sided `level` quantile of Student's t with `df` degrees of freedom. The 95%
/// ones of up to 1000 degrees of freedom are computed once: every row of `intervals.csv`
/// asks for one, and inverting the t distribution is most of a row's cost.
pub fn t_quantile(level: f64, df: usize) -> f64 {
    static T95: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    if level == 0.95 && df <= 1000 {
        return T95.get_or_init(|| (0..=1000).map(|df| t_exact(0.95, df)).collect())[df];
    }
    t_exact(level, df)
}

fn t_exact(level: f64, df: usize) -> f64 {
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

/// What values a metric can take, which decides how its interval is kept inside them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// A share of chats, in [0, 1]: the interval is taken on the logit scale, and at 0 or 1
    /// (where that scale has no spread to go on) it is Wilson's for that many chats.
    ChatShare,
    /// A share of time (occupancy), in [0, 1]: the logit scale, and no spread at 0 or 1.
    TimeShare,
    /// A count or a time, 0 or more: the interval is taken on the log scale.
    NonNegative,
}

/// One replication's value of a metric and its weight: what the value is a share or a mean
/// of (chats, slot time), or 1 for a count or a percentile; 0 (and a NaN value) where the
/// replication had nothing to measure.
pub type Weighted = (f64, f64);

/// The ratio of sums over replications (Σ value·weight ÷ Σ weight: abandoned ÷ reached over
/// all replications, the share of customers affected) and its delta-method 95% interval,
/// kept inside the metric's range.
///
/// The replications are the sample: replication `i` contributes `x_i = value·weight` and
/// `y_i = weight`, and the ratio `R = Σx/Σy` has, to first order, the standard error of the
/// mean of `u_i = (x_i − R·y_i)/ȳ`. That error is carried to the logit (shares) or log
/// (counts, times) scale, where Student's t with n − 1 degrees of freedom gives the interval,
/// and back. `std` is the standard deviation of the `u_i` (of the values themselves when the
/// weights are equal), so that `std/√n` is the standard error; `n` counts the replications
/// with something to measure. With weights all 1 this is the mean over replications.
pub fn ratio_estimate(values: impl IntoIterator<Item = Weighted>, scale: Scale) -> Estimate {
    let pairs = linear_parts(values);
    let Some(lin) = linearise(&pairs) else {
        return Estimate {
            mean: f64::NAN,
            std: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            n: 0,
        };
    };
    let n = pairs.len();
    let measured = pairs.iter().filter(|(_, y)| *y > 0.0).count();
    let r = lin.ratio;
    if measured < 2 {
        return Estimate {
            mean: r,
            std: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            n: measured,
        };
    }
    let std = sample_sd(&lin.u);
    let se = std / (n as f64).sqrt();
    let t = t_quantile(0.95, n - 1);
    let (ci_low, ci_high) = bounded_interval(r, se, t, scale, lin.total_weight);
    Estimate {
        mean: r,
        std,
        ci_low,
        ci_high,
        n: measured,
    }
}

/// The paired difference `other − base` of a ratio of sums, replication by replication on
/// the same customers (common random numbers): the difference of the two ratios, with the
/// delta-method interval of the difference of their linearised values. Identical
/// replications give exactly 0 with an interval of [0, 0].
pub fn paired_ratio_difference(base: &[Weighted], other: &[Weighted]) -> Estimate {
    let (b, o) = (
        linear_parts(base.iter().copied()),
        linear_parts(other.iter().copied()),
    );
    let (Some(lb), Some(lo)) = (linearise(&b), linearise(&o)) else {
        return Estimate {
            mean: f64::NAN,
            std: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            n: 0,
        };
    };
    let n = b.len().min(o.len());
    let d: Vec<f64> = lo.u.iter().zip(&lb.u).map(|(a, b)| a - b).collect();
    let mean = lo.ratio - lb.ratio;
    if n < 2 {
        return Estimate {
            mean,
            std: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            n,
        };
    }
    let std = sample_sd(&d);
    let half = t_quantile(0.95, n - 1) * std / (n as f64).sqrt();
    Estimate {
        mean,
        std,
        ci_low: mean - half,
        ci_high: mean + half,
        n,
    }
}

/// `(x_i, y_i)` per replication: a replication with nothing to measure gives `(0, 0)`.
fn linear_parts(values: impl IntoIterator<Item = Weighted>) -> Vec<(f64, f64)> {
    values
        .into_iter()
        .map(|(v, w)| {
            if v.is_nan() || w.is_nan() || w <= 0.0 {
                (0.0, 0.0)
            } else {
                (v * w, w)
            }
        })
        .collect()
}

struct Linearised {
    ratio: f64,
    total_weight: f64,
    /// `(x_i − R·y_i)/ȳ` per replication: they sum to 0.
    u: Vec<f64>,
}

fn linearise(pairs: &[(f64, f64)]) -> Option<Linearised> {
    let (sx, sy) = pairs
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    if pairs.is_empty() || sy <= 0.0 {
        return None;
    }
    let ratio = sx / sy;
    let ybar = sy / pairs.len() as f64;
    Some(Linearised {
        ratio,
        total_weight: sy,
        u: pairs.iter().map(|(x, y)| (x - ratio * y) / ybar).collect(),
    })
}

/// The sample standard deviation (about their own mean, which for the `u_i` is 0 up to
/// rounding).
fn sample_sd(u: &[f64]) -> f64 {
    let n = u.len() as f64;
    let mean = u.iter().sum::<f64>() / n;
    (u.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// The interval `r ± t·se` taken on the scale that keeps it inside the metric's range.
fn bounded_interval(r: f64, se: f64, t: f64, scale: Scale, total_weight: f64) -> (f64, f64) {
    match scale {
        Scale::ChatShare | Scale::TimeShare if r <= 0.0 || r >= 1.0 => {
            if scale == Scale::TimeShare {
                return (r, r);
            }
            // Every replication at the bound: no spread to scale, so Wilson's score interval
            // for that many chats, as if each were its own trial.
            let n = total_weight;
            let z2 = t * t;
            if r <= 0.0 {
                (0.0, z2 / (n + z2))
            } else {
                (n / (n + z2), 1.0)
            }
        }
        Scale::ChatShare | Scale::TimeShare => {
            let logit = (r / (1.0 - r)).ln();
            let h = t * se / (r * (1.0 - r));
            let back = |l: f64| 1.0 / (1.0 + (-l).exp());
            (back(logit - h), back(logit + h))
        }
        Scale::NonNegative if r <= 0.0 => (0.0, 0.0),
        Scale::NonNegative => {
            let h = t * se / r;
            (r * (-h).exp(), r * h.exp())
        }
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

    #[test]
    fn a_ratio_of_sums_by_hand() {
        // (x, y) = (1, 2), (0, 0), (1, 3): R = 2/5, ȳ = 5/3, u = (0.12, 0, −0.12), sd 0.12.
        let e = ratio_estimate(
            [(0.5, 2.0), (f64::NAN, 0.0), (1.0 / 3.0, 3.0)],
            Scale::ChatShare,
        );
        assert!((e.mean - 0.4).abs() < 1e-12);
        assert!((e.std - 0.12).abs() < 1e-12, "{}", e.std);
        assert_eq!(e.n, 2, "the replication with no chat is counted out");
        let (h, l) = (
            t_quantile(0.95, 2) * 0.12 / 3f64.sqrt() / (0.4 * 0.6),
            (0.4f64 / 0.6).ln(),
        );
        let back = |x: f64| 1.0 / (1.0 + (-x).exp());
        assert!((e.ci_low - back(l - h)).abs() < 1e-12);
        assert!((e.ci_high - back(l + h)).abs() < 1e-12);
    }

    #[test]
    fn with_equal_weights_it_is_the_mean_over_replications() {
        let values = [3.0, 5.0, 4.0, 8.0];
        let e = ratio_estimate(values.map(|v| (v, 1.0)), Scale::NonNegative);
        let plain = estimate(values);
        assert!((e.mean - plain.mean).abs() < 1e-12);
        assert!((e.std - plain.std).abs() < 1e-12);
        assert!(e.ci_low > 0.0 && e.ci_low < e.mean && e.mean < e.ci_high);
    }

    #[test]
    fn intervals_stay_inside_the_range() {
        // A share near 0 with a wide spread: the symmetric interval would go below 0.
        let rare = [(0.0, 5.0), (0.0, 5.0), (0.4, 5.0), (0.0, 5.0), (0.0, 5.0)];
        let plain = estimate(rare.map(|p| p.0));
        assert!(plain.ci_low < 0.0);
        let e = ratio_estimate(rare, Scale::ChatShare);
        assert!(e.ci_low > 0.0 && e.ci_high < 1.0, "{e:?}");
        let e = ratio_estimate(rare.map(|(v, w)| (1.0 - v, w)), Scale::ChatShare);
        assert!(e.ci_low > 0.0 && e.ci_high < 1.0, "{e:?}");
        // Nobody abandoned in 10 × 50 chats: Wilson's upper bound for 0 of 500.
        let none = ratio_estimate([(0.0, 50.0); 10], Scale::ChatShare);
        let z2 = t_quantile(0.95, 9).powi(2);
        assert_eq!((none.ci_low, none.mean), (0.0, 0.0));
        assert!((none.ci_high - z2 / (500.0 + z2)).abs() < 1e-15);
        let all = ratio_estimate([(1.0, 50.0); 10], Scale::ChatShare);
        assert_eq!((all.ci_high, all.mean), (1.0, 1.0));
        // A mean wait near 0 stays at or above 0.
        let e = ratio_estimate([(0.0, 9.0), (0.02, 11.0), (0.0, 8.0)], Scale::NonNegative);
        assert!(e.ci_low > 0.0, "{e:?}");
    }

    #[test]
    fn a_paired_difference_of_identical_replications_is_exactly_zero() {
        let a = [(0.1, 40.0), (0.2, 35.0), (f64::NAN, 0.0), (0.05, 44.0)];
        let d = paired_ratio_difference(&a, &a);
        assert_eq!((d.mean, d.ci_low, d.ci_high), (0.0, 0.0, 0.0));
        // One more abandonment in one replication: a positive difference.
        let mut b = a;
        b[1] = (8.0 / 35.0, 35.0);
        let d = paired_ratio_difference(&a, &b);
        assert!((d.mean - 1.0 / 119.0).abs() < 1e-12, "{d:?}");
    }
}
