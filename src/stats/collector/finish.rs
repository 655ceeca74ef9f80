//! The end of a replication: its accumulators turned into the shares, means, counts and
//! percentiles the report pools, each with the weight it is pooled by.

use super::*;

/// What one replication reports for the whole centre or one of its parts.
#[derive(Clone, Debug)]
pub struct ScopeStats {
    pub metrics: [f64; Metric::COUNT],
    /// What each metric is a share or mean of (chats reached, chats served, slot hours), or 1
    /// for a count or a percentile, 0 where undefined: the report pools replications as a
    /// ratio of sums (`summary::ratio_estimate`), so that a share is of customers.
    pub weights: [f64; Metric::COUNT],
    pub intervals: Vec<[f64; IntervalMetric::COUNT]>,
    pub interval_weights: Vec<[f64; IntervalMetric::COUNT]>,
}

impl ReplicationStats {
    /// The whole centre's numbers.
    pub fn all(&self) -> &ScopeStats {
        &self.scopes[ALL]
    }
}

/// Everything one replication reports.
#[derive(Clone, Debug)]
pub struct ReplicationStats {
    /// The whole centre (`scope::ALL`), then each team and stream of `Scopes`.
    pub scopes: Vec<ScopeStats>,
    /// The chat metrics of `intervals` counting only the focus chats (`ccsim staff`'s
    /// targets); empty unless asked for. Its time averages are not measured.
    pub focus: Vec<[f64; IntervalMetric::COUNT]>,
    pub focus_weights: Vec<[f64; IntervalMetric::COUNT]>,
    pub groups: Vec<[f64; GroupMetric::COUNT]>,
    pub group_weights: Vec<[f64; GroupMetric::COUNT]>,
    /// Per agent group: minutes of slot time spent on chats, for the handle time a
    /// spreadsheet planner would read off the platform (with `ChatsHandled`).
    pub slot_minutes: Vec<f64>,
    /// Every counted wait, for the distribution chart (`waits.csv`).
    pub waits: Histogram,
}

/// A share or mean of `den` things (chats, hours), weighted by them; undefined (NaN, weight
/// 0) over none.
fn share(num: f64, den: f64) -> (f64, f64) {
    if den > 0.0 {
        (num / den, den)
    } else {
        (f64::NAN, 0.0)
    }
}

/// A replication's own number (a count, a percentile): weight 1 where defined.
fn count(x: f64) -> (f64, f64) {
    (x, if x.is_nan() { 0.0 } else { 1.0 })
}

impl Collector {
    /// Ends the replication.
    pub fn finish(mut self) -> ReplicationStats {
        for g in 0..self.groups.len() {
            self.integrate_group(g);
        }
        for s in 1..=self.scoped.len() {
            self.integrate_queue(s as u16);
        }
        for acc in &mut self.intervals {
            if let Some(h) = acc.hist.take() {
                acc.p90 = h.quantile(0.9).unwrap_or(f64::NAN);
            }
        }
        let (busy, present) = self.intervals[..self.span]
            .iter()
            .fold((0.0, 0.0), |(b, p), acc| {
                (b + acc.areas.busy_slots, p + acc.areas.present_slots)
            });
        let occupancy = share(busy / time::HOUR as f64, present / time::HOUR as f64);
        let (metrics, weights) = run_metrics(
            &self.counts,
            &self.wait_all,
            &self.ttfr,
            occupancy,
            self.features,
        );
        let rows: Vec<_> = (0..self.intervals.len())
            .map(|a| self.interval_row(a))
            .collect();
        let (mut intervals, mut interval_weights): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
        let mut blocks_of = |b: usize| {
            let from = (b * self.span).min(intervals.len());
            (intervals.split_off(from), interval_weights.split_off(from))
        };
        let mut tails: Vec<_> = (1..self.blocks).rev().map(&mut blocks_of).collect();
        tails.reverse();
        let mut scopes = vec![ScopeStats {
            metrics,
            weights,
            intervals,
            interval_weights,
        }];
        let mut tails = tails.into_iter();
        let (focus, focus_weights) = if self.scope_base > 1 {
            tails.next().expect("the focus block")
        } else {
            (Vec::new(), Vec::new())
        };
        let features = self.features;
        for (acc, (intervals, interval_weights)) in self.scoped.iter().zip(tails) {
            let (metrics, weights) = run_metrics(
                &acc.counts,
                &acc.wait_all,
                &acc.ttfr,
                (f64::NAN, 0.0),
                features,
            );
            scopes.push(ScopeStats {
                metrics,
                weights,
                intervals,
                interval_weights,
            });
        }
        let (groups, group_weights) = self
            .groups
            .iter()
            .zip(&self.group_sizes)
            .map(|(g, &size)| {
                let agent_hours = size as f64 * time::HOUR as f64;
                let mut row = [f64::NAN; GroupMetric::COUNT];
                let mut weights = [0.0; GroupMetric::COUNT];
                for &m in GroupMetric::ALL {
                    let (value, weight) = match m {
                        GroupMetric::Occupancy => share(
                            g.busy / time::HOUR as f64,
                            g.areas.present / time::HOUR as f64,
                        ),
                        GroupMetric::ChatsHandled => count(g.handled as f64),
                        GroupMetric::Refusals => count(g.refusals as f64),
                        GroupMetric::ReadyHours => count(g.areas.ready / agent_hours),
                        GroupMetric::NotReadyHours => count(g.areas.not_ready / agent_hours),
                        GroupMetric::NotReadyTimeoutHours => count(g.areas.away / agent_hours),
                        GroupMetric::OfflineHours => count(g.areas.offline / agent_hours),
                    };
                    row[m as usize] = value;
                    weights[m as usize] = weight;
                }
                (row, weights)
            })
            .unzip();
        ReplicationStats {
            scopes,
            focus,
            focus_weights,
            groups,
            group_weights,
            slot_minutes: self.groups.iter().map(|g| g.busy / MINUTE as f64).collect(),
            waits: self.wait_all,
        }
    }

    /// Accumulator `a`'s row of `intervals.csv`. A team's or a stream's block measures its
    /// chats and its queue; the agents' levels and alerts are the whole centre's only.
    fn interval_row(
        &self,
        a: usize,
    ) -> ([f64; IntervalMetric::COUNT], [f64; IntervalMetric::COUNT]) {
        let acc = &self.intervals[a];
        let k = a % self.span;
        let whole = a < self.span;
        let start = self.warmup + k as Millis * self.interval;
        let span = (self.horizon - start).min(self.interval) as f64;
        let c = &acc.counts;
        let none = AlertAreas::default();
        let alerts = |k: usize| self.interval_alerts.get(k).unwrap_or(&none);
        let reached = c.reached as f64;
        let minutes = span / MINUTE as f64;
        let level = |area: f64| share(area / span * minutes, minutes);
        let mut row = [f64::NAN; IntervalMetric::COUNT];
        let mut weights = [0.0; IntervalMetric::COUNT];
        for &m in IntervalMetric::ALL {
            if !whole && !m.per_scope() {
                continue;
            }
            let (value, weight) = match m {
                IntervalMetric::Arrivals => count(c.arrivals as f64),
                IntervalMetric::AbandonRate => share(c.abandoned as f64, reached),
                IntervalMetric::AbandonRateQueue => share(c.abandoned_queue as f64, reached),
                IntervalMetric::ServiceLevel => share(c.sl_hits as f64, reached),
                IntervalMetric::AnswerLevel => share(c.answer_hits as f64, reached),
                IntervalMetric::MeanWait => {
                    let known = c.served + c.abandoned + c.bot_after_start;
                    share(c.wait_sum / MINUTE as f64, known as f64)
                }
                IntervalMetric::WaitP90 => count(acc.p90 / MINUTE as f64),
                IntervalMetric::QueueLength => level(acc.areas.queue_length),
                IntervalMetric::AgentsOnline => level(acc.areas.agents_online),
                IntervalMetric::FirstAlertTeamQueue => level(alerts(k)[0][0]),
                IntervalMetric::SecondAlertTeamQueue => level(alerts(k)[0][1]),
                IntervalMetric::FirstAlertAgentQueue => level(alerts(k)[1][0]),
                IntervalMetric::SecondAlertAgentQueue => level(alerts(k)[1][1]),
                IntervalMetric::FirstAlertWaitingQueue => level(alerts(k)[2][0]),
                IntervalMetric::SecondAlertWaitingQueue => level(alerts(k)[2][1]),
                IntervalMetric::Occupancy => share(
                    acc.areas.busy_slots / time::HOUR as f64,
                    acc.areas.present_slots / time::HOUR as f64,
                ),
            };
            row[m as usize] = value;
            weights[m as usize] = weight;
        }
        (row, weights)
    }
}

/// The whole-run metrics of `summary.csv` from a scope's counts; `occupancy` is the whole
/// centre's (undefined for a part, which agents of several teams share).
fn run_metrics(
    c: &ChatCounts,
    wait_all: &Histogram,
    ttfr: &Histogram,
    occupancy: (f64, f64),
    features: Features,
) -> ([f64; Metric::COUNT], [f64; Metric::COUNT]) {
    let minutes = |ms: Option<f64>| ms.map_or(f64::NAN, |v| v / MINUTE as f64);
    let known = (c.served + c.abandoned + c.bot_after_start) as f64;
    let (reached, served) = (c.reached as f64, c.served as f64);
    let mut metrics = [f64::NAN; Metric::COUNT];
    let mut weights = [0.0; Metric::COUNT];
    for &m in Metric::ALL {
        if m.feature().is_some_and(|f| !features.has(f)) {
            continue;
        }
        let (value, weight) = match m {
            Metric::Arrivals => count(c.arrivals as f64),
            Metric::BotResolved => count(c.bot_resolved as f64),
            Metric::Served => count(served),
            Metric::Resolved => count(c.resolved as f64),
            Metric::Abandoned => count(c.abandoned as f64),
            Metric::Unfinished => count(c.unfinished as f64),
            Metric::AbandonRate => share(c.abandoned as f64, reached),
            Metric::AbandonRateQueue => share(c.abandoned_queue as f64, reached),
            Metric::PWait => share(c.waited as f64, known),
            Metric::MeanWait => share(c.wait_sum / MINUTE as f64, known),
            Metric::MeanWaitServed => share(c.wait_served_sum / MINUTE as f64, served),
            Metric::WaitP50 => count(minutes(wait_all.quantile(0.5))),
            Metric::WaitP90 => count(minutes(wait_all.quantile(0.9))),
            Metric::WaitP95 => count(minutes(wait_all.quantile(0.95))),
            Metric::WaitP99 => count(minutes(wait_all.quantile(0.99))),
            Metric::MeanTtfr => share(c.ttfr_sum / MINUTE as f64, served),
            Metric::TtfrP90 => count(minutes(ttfr.quantile(0.9))),
            Metric::AbandonedInConversation => count(c.abandoned_in_conversation as f64),
            Metric::SilentAbandoned => count(c.silent_abandoned as f64),
            Metric::SilentHeldHours => count(c.silent_held / time::HOUR as f64),
            Metric::Holds => count(c.holds as f64),
            Metric::Overflowed => count(c.overflowed as f64),
            Metric::HoldClosed => count(c.hold_closed as f64),
            Metric::ServiceLevel => share(c.sl_hits as f64, reached),
            Metric::ServiceLevelAnswered => share(c.sl_hits as f64, served),
            Metric::AnswerLevel => share(c.answer_hits as f64, reached),
            Metric::Occupancy => occupancy,
            Metric::Refusals => count(c.refusals as f64),
            Metric::AutoClosed => count(c.auto_closed as f64),
            Metric::FirstAlerts => count(c.first_alerts as f64),
            Metric::SecondAlerts => count(c.second_alerts as f64),
            Metric::InactivityTransfers => count(c.inactivity_transfers as f64),
            Metric::Transfers => count(c.transfers as f64),
            Metric::Stranded => count(c.stranded as f64),
            Metric::Unplaced => count(c.unplaced as f64),
        };
        metrics[m as usize] = value;
        weights[m as usize] = weight;
    }
    (metrics, weights)
}
