//! A fixed-size log-linear histogram of non-negative integers (milliseconds), so that waiting
//! time percentiles stream in constant memory whatever the horizon. Values below
//! 2^(sub_bits+1) are exact; above, buckets are 1/2^sub_bits of their power of two wide.

#[derive(Clone, Debug)]
pub struct Histogram {
    sub_bits: u32,
    max_exp: u32,
    counts: Vec<u32>,
    total: u64,
}

impl Histogram {
    /// `sub_bits` sets the relative resolution (2^-sub_bits); values at or above 2^`max_exp`
    /// are counted in the last bucket.
    pub fn new(sub_bits: u32, max_exp: u32) -> Self {
        let buckets = ((max_exp - sub_bits + 1) as usize) << sub_bits;
        Histogram {
            sub_bits,
            max_exp,
            counts: vec![0; buckets],
            total: 0,
        }
    }

    fn index(&self, v: u64) -> usize {
        let v = v.min((1u64 << self.max_exp) - 1);
        if v < (1u64 << self.sub_bits) {
            return v as usize;
        }
        let exp = 63 - v.leading_zeros();
        let shift = exp - self.sub_bits;
        (((shift + 1) as usize) << self.sub_bits)
            + ((v >> shift) as usize - (1usize << self.sub_bits))
    }

    /// The lowest value of bucket `i` and its width.
    fn bucket(&self, i: usize) -> (u64, u64) {
        let unit = 1usize << self.sub_bits;
        if i < unit {
            return (i as u64, 1);
        }
        let shift = (i >> self.sub_bits) as u32 - 1;
        let mantissa = (i & (unit - 1)) + unit;
        ((mantissa as u64) << shift, 1u64 << shift)
    }

    pub fn record(&mut self, v: u64) {
        let i = self.index(v);
        self.counts[i] = self.counts[i].saturating_add(1);
        self.total += 1;
    }

    /// Adds another histogram of the same shape (integer counts: the order of merging does not
    /// change the result).
    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a = a.saturating_add(*b);
        }
        self.total += other.total;
    }

    /// `(sub_bits, max_exp)`: what a histogram must share with another to be rebuilt or merged.
    pub fn shape(&self) -> (u32, u32) {
        (self.sub_bits, self.max_exp)
    }

    /// How many values were recorded.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The buckets that counted something, as (bucket, count): what a shard keeps of it.
    pub fn nonzero_bins(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c > 0)
            .map(|(i, &c)| (i, c))
    }

    /// The histogram of `shape` holding `bins` (as `nonzero_bins` gave them) and `total`
    /// values. `None` when a bucket is out of range or the shape is not one `new` makes.
    pub fn from_bins(
        (sub_bits, max_exp): (u32, u32),
        bins: impl IntoIterator<Item = (usize, u32)>,
        total: u64,
    ) -> Option<Histogram> {
        if sub_bits > max_exp || max_exp > 63 || max_exp - sub_bits > 63 || sub_bits > 16 {
            return None;
        }
        let mut h = Histogram::new(sub_bits, max_exp);
        for (i, c) in bins {
            *h.counts.get_mut(i)? = c;
        }
        h.total = total;
        Some(h)
    }

    pub fn clear(&mut self) {
        self.counts.fill(0);
        self.total = 0;
    }

    /// The `q`-quantile by nearest rank, as the middle of its bucket; `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0u64;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c as u64;
            if seen >= rank {
                let (low, width) = self.bucket(i);
                return Some(low as f64 + (width - 1) as f64 / 2.0);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_values_are_exact() {
        let mut h = Histogram::new(7, 40);
        for v in 1..=100 {
            h.record(v);
        }
        assert_eq!(h.quantile(0.5), Some(50.0));
        assert_eq!(h.quantile(0.9), Some(90.0));
        assert_eq!(h.quantile(1.0), Some(100.0));
    }

    #[test]
    fn large_values_are_within_the_relative_resolution() {
        let mut h = Histogram::new(7, 40);
        for v in 0..10_000u64 {
            h.record(v * 1_000);
        }
        for q in [0.5, 0.9, 0.99] {
            let exact = ((q * 10_000.0f64).ceil() - 1.0) * 1_000.0;
            let got = h.quantile(q).unwrap();
            assert!(
                (got - exact).abs() <= exact / 128.0,
                "q {q}: {got} vs {exact}"
            );
        }
    }

    #[test]
    fn buckets_tile_the_range_without_gaps() {
        let h = Histogram::new(4, 20);
        let mut expected_low = 0;
        for i in 0..h.counts.len() {
            let (low, width) = h.bucket(i);
            assert_eq!(low, expected_low, "bucket {i}");
            assert_eq!(h.index(low), i);
            assert_eq!(h.index(low + width - 1), i);
            expected_low = low + width;
        }
        assert_eq!(expected_low, 1 << 20);
    }

    #[test]
    fn merged_histograms_count_both() {
        let (mut a, mut b) = (Histogram::new(7, 20), Histogram::new(7, 20));
        (1..=50).for_each(|v| a.record(v));
        (51..=100).for_each(|v| b.record(v));
        a.merge(&b);
        assert_eq!(a.quantile(0.5), Some(50.0));
        assert_eq!(a.total, 100);
    }

    #[test]
    fn values_past_the_range_land_in_the_last_bucket() {
        let mut h = Histogram::new(4, 20);
        h.record(u64::MAX);
        assert!(h.quantile(0.5).unwrap() < (1u64 << 20) as f64);
        assert!(Histogram::new(4, 20).quantile(0.5).is_none());
    }
}
