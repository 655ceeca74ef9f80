//! Streams one replication's numbers as the engine runs: counters, fixed-size histograms and
//! time integrals. Chat statistics cover chats that arrived in `[warmup, horizon)`, attributed
//! to the interval they arrived in; time statistics cover `[warmup, horizon)` (README `[simulation]`).

use super::histogram::Histogram;
use super::metrics::{GroupMetric, IntervalMetric, Metric};
use crate::time;
use crate::time::{MINUTE, Millis};

/// Resolution of whole-run waiting-time percentiles: 2^-7 ≈ 0.8 %.
const RUN_SUB_BITS: u32 = 7;
/// Resolution of per-interval p90: 2^-5 ≈ 3 %, enough for a curve and 4× smaller.
const INTERVAL_SUB_BITS: u32 = 5;
/// 2^42 ms ≈ 139 years: no wait is longer.
const MAX_EXP: u32 = 42;

/// The state whose time average is reported.
#[derive(Clone, Copy, Debug, Default)]
pub struct Levels {
    /// Chats in the 1st and 2nd alert state, per queue kind (team, agent, Waiting box).
    pub alerts: [[f64; 2]; 3],
    pub queue_length: f64,
    pub agents_online: f64,
    pub busy_slots: f64,
    /// Slots of agents on shift or still holding chats after it: occupancy's denominator.
    pub present_slots: f64,
}

/// Time integrals of the levels other than the alerts, which are integrated apart and only
/// when inactivity flows can raise them (so that an interval costs 32 bytes here, not 80).
#[derive(Clone, Copy, Debug, Default)]
struct Areas {
    queue_length: f64,
    agents_online: f64,
    busy_slots: f64,
    present_slots: f64,
}

type AlertAreas = [[f64; 2]; 3];

impl Areas {
    fn add(&mut self, l: &Levels, dt: f64) {
        self.queue_length += l.queue_length * dt;
        self.agents_online += l.agents_online * dt;
        self.busy_slots += l.busy_slots * dt;
        self.present_slots += l.present_slots * dt;
    }
}

fn add_alerts(areas: &mut AlertAreas, l: &Levels, dt: f64) {
    for (a, b) in areas.iter_mut().zip(&l.alerts) {
        a[0] += b[0] * dt;
        a[1] += b[1] * dt;
    }
}

#[derive(Clone, Debug, Default)]
struct ChatCounts {
    arrivals: u64,
    bot_resolved: u64,
    first_alerts: u64,
    second_alerts: u64,
    inactivity_transfers: u64,
    auto_closed: u64,
    stranded: u64,
    unplaced: u64,
    refusals: u64,
    transfers: u64,
    reached: u64,
    served: u64,
    resolved: u64,
    abandoned: u64,
    /// Of those, the ones that left before an agent took the chat: what more agents prevent.
    abandoned_queue: u64,
    waited: u64,
    wait_sum: f64,
    wait_served_sum: f64,
    ttfr_sum: f64,
    abandoned_in_conversation: u64,
    sl_hits: u64,
    /// Chats an agent took within the service-level target: `answer_level`'s numerator.
    answer_hits: u64,
    /// Chats the waiting bot resolved after an agent took them: their waits count, like
    /// those of the served and the abandoned.
    bot_after_start: u64,
}

/// What an interval counts of its chats: only what `intervals.csv` reports.
#[derive(Clone, Copy, Debug, Default)]
struct IntervalCounts {
    arrivals: u32,
    reached: u32,
    served: u32,
    bot_after_start: u32,
    abandoned: u32,
    abandoned_queue: u32,
    sl_hits: u32,
    answer_hits: u32,
    wait_sum: f64,
}

/// One interval's accumulators: about 90 bytes, so that a long horizon of short intervals
/// stays cheap (100 weeks of 30 minutes: 3 MB).
struct IntervalAcc {
    counts: IntervalCounts,
    areas: Areas,
    /// Chats that arrived here and still wait: once none do and the interval is over, its
    /// histogram is reduced to a p90 and handed back to the pool.
    pending: u32,
    hist: Option<Box<Histogram>>,
    /// NaN until known.
    p90: f64,
}

/// What is integrated over time per agent group: slots present (occupancy's denominator), and
/// how many of its agents are Ready, Not ready and offline.
#[derive(Clone, Copy, Debug, Default)]
pub struct GroupLevels {
    pub present: f64,
    pub ready: f64,
    pub not_ready: f64,
    /// Of those Not ready, the ones set so by a missed offer.
    pub away: f64,
    pub offline: f64,
}

impl GroupLevels {
    fn add(&mut self, l: &GroupLevels, dt: f64) {
        self.present += l.present * dt;
        self.ready += l.ready * dt;
        self.not_ready += l.not_ready * dt;
        self.away += l.away * dt;
        self.offline += l.offline * dt;
    }
}

#[derive(Clone, Debug, Default)]
struct GroupAcc {
    areas: GroupLevels,
    /// Slot-time spent on chats, added per chat when it leaves its slot.
    busy: f64,
    handled: u64,
    refusals: u64,
}

pub struct Collector {
    warmup: Millis,
    horizon: Millis,
    interval: Millis,
    sl_target: Millis,
    last: Millis,
    counts: ChatCounts,
    wait_all: Histogram,
    ttfr: Histogram,
    /// The intervals, then (when measuring a focus) the same intervals again counting only
    /// the focus chats: a chat's window `k` past `span` feeds both `k - span` and `k`.
    intervals: Vec<IntervalAcc>,
    /// How many intervals the window covers.
    span: usize,
    /// Per interval, the alert levels' integrals; empty unless `alerts`.
    interval_alerts: Vec<AlertAreas>,
    /// The interval `last` falls in and where it ends: time only moves forward, so the
    /// interval of the present needs no division.
    current: usize,
    current_end: Millis,
    spare: Vec<Histogram>,
    groups: Vec<GroupAcc>,
    pub levels: Levels,
    /// Integrate the alert levels (only when inactivity flows can raise alerts).
    alerts: bool,
    /// Per agent group; integrated lazily, when they change (see `group`).
    group_levels: Vec<GroupLevels>,
    /// When each group's levels were last integrated.
    group_last: Vec<Millis>,
    /// Agents per group, for hours per agent.
    group_sizes: Vec<u32>,
}

/// Everything one replication reports.
#[derive(Clone, Debug)]
pub struct ReplicationStats {
    pub metrics: [f64; Metric::COUNT],
    /// What each metric is a share or mean of (chats reached, chats served, slot hours), or 1
    /// for a count or a percentile, 0 where undefined: the report pools replications as a
    /// ratio of sums (`summary::ratio_estimate`), so that a share is of customers.
    pub weights: [f64; Metric::COUNT],
    pub intervals: Vec<[f64; IntervalMetric::COUNT]>,
    pub interval_weights: Vec<[f64; IntervalMetric::COUNT]>,
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
    pub fn new(
        warmup: Millis,
        horizon: Millis,
        interval: Millis,
        sl_target: Millis,
        group_sizes: &[u32],
        alerts: bool,
        focus: bool,
    ) -> Self {
        let n = ((horizon - warmup) + interval - 1) / interval;
        let accs = if focus { 2 * n } else { n };
        Collector {
            warmup,
            horizon,
            interval,
            sl_target,
            last: 0,
            counts: ChatCounts::default(),
            wait_all: Histogram::new(RUN_SUB_BITS, MAX_EXP),
            ttfr: Histogram::new(RUN_SUB_BITS, MAX_EXP),
            span: n as usize,
            intervals: (0..accs)
                .map(|_| IntervalAcc {
                    counts: IntervalCounts::default(),
                    areas: Areas::default(),
                    pending: 0,
                    hist: None,
                    p90: f64::NAN,
                })
                .collect(),
            interval_alerts: if alerts {
                vec![AlertAreas::default(); n as usize]
            } else {
                Vec::new()
            },
            current: 0,
            current_end: warmup + interval,
            spare: Vec::new(),
            groups: vec![GroupAcc::default(); group_sizes.len()],
            levels: Levels::default(),
            alerts,
            group_levels: vec![GroupLevels::default(); group_sizes.len()],
            group_last: vec![0; group_sizes.len()],
            group_sizes: group_sizes.to_vec(),
        }
    }

    /// The interval a chat arriving now (the time of the last `advance`) is counted in, or
    /// `None` outside the window.
    pub fn window(&self) -> Option<u32> {
        let t = self.last;
        (t >= self.warmup && t < self.horizon).then_some(self.current as u32)
    }

    /// Integrates the current levels up to `now`; call before changing them.
    /// Integrates the levels up to `now`, interval by interval. Only the intervals hold time
    /// integrals: the levels are whole numbers and so are the times, so every product and sum
    /// is exact in `f64` and the whole run's integral is the intervals' sum, in any order.
    #[inline(always)]
    pub fn advance(&mut self, now: Millis) {
        if now <= self.last {
            return;
        }
        // Most events fall in the interval of the one before: one step, inlined.
        if self.last >= self.warmup && now < self.current_end && now <= self.horizon {
            self.integrate_current((now - self.last) as f64);
            self.last = now;
            return;
        }
        self.advance_across(now);
    }

    /// Adds `dt` ms at the present levels to the current interval's integrals.
    #[inline(always)]
    fn integrate_current(&mut self, dt: f64) {
        self.intervals[self.current].areas.add(&self.levels, dt);
        if self.alerts {
            add_alerts(&mut self.interval_alerts[self.current], &self.levels, dt);
        }
    }

    fn advance_across(&mut self, now: Millis) {
        let from = self.last.max(self.warmup);
        let to = now.min(self.horizon);
        self.last = now;
        let mut t = from;
        while t < to {
            let end = self.current_end.min(to);
            self.integrate_current((end - t) as f64);
            t = end;
            if end == self.current_end {
                self.close_if_done(self.current);
                if self.intervals.len() > self.span {
                    self.close_if_done(self.current + self.span);
                }
                self.current += 1;
                self.current_end += self.interval;
            }
        }
    }

    /// Called on every counted wait: inlined, so that the common case (chats of the interval
    /// still waiting) costs one comparison.
    #[inline(always)]
    fn close_if_done(&mut self, k: usize) {
        let acc = &mut self.intervals[k];
        let over = self.last >= self.warmup + ((k % self.span) as Millis + 1) * self.interval;
        if acc.pending == 0
            && over
            && let Some(mut h) = acc.hist.take()
        {
            acc.p90 = h.quantile(0.9).unwrap_or(f64::NAN);
            h.clear();
            self.spare.push(*h);
        }
    }

    /// The levels of agent group `g`, to be changed now (the time of the last `advance`).
    /// Groups change far less often than events happen, so each is integrated only here.
    pub fn group(&mut self, g: usize) -> &mut GroupLevels {
        self.integrate_group(g);
        &mut self.group_levels[g]
    }

    /// A chat that took a slot of group `g` at `since` leaves it now.
    pub fn slot_time(&mut self, g: usize, since: Millis) {
        let clip = |t: Millis| t.clamp(self.warmup, self.horizon);
        self.groups[g].busy += (clip(self.last) - clip(since)) as f64;
    }

    fn integrate_group(&mut self, g: usize) {
        let clip = |t: Millis| t.clamp(self.warmup, self.horizon);
        let dt = (clip(self.last) - clip(self.group_last[g])) as f64;
        if dt > 0.0 {
            self.groups[g].areas.add(&self.group_levels[g], dt);
        }
        self.group_last[g] = self.last;
    }

    pub fn arrival(&mut self, k: u32) {
        self.counts.arrivals += 1;
        self.intervals[k as usize].counts.arrivals += 1;
    }

    /// The chat of window `k` counts toward the focus too (it reached one of the focus
    /// teams): call before `reached`, and use the window returned from now on.
    pub fn focus(&mut self, k: u32) -> u32 {
        let f = k as usize + self.span;
        if f >= self.intervals.len() {
            return k;
        }
        self.intervals[f].counts.arrivals += 1;
        f as u32
    }

    /// The accumulators window `k` feeds: its interval's, and the focus copy's if any.
    #[inline(always)]
    fn windows(&self, k: u32) -> (usize, Option<usize>) {
        let k = k as usize;
        match k.checked_sub(self.span) {
            Some(i) => (i, Some(k)),
            None => (k, None),
        }
    }

    /// Applies `f` to the counts of every accumulator window `k` feeds.
    #[inline(always)]
    fn count(&mut self, k: u32, f: impl Fn(&mut IntervalCounts)) {
        let (i, focus) = self.windows(k);
        f(&mut self.intervals[i].counts);
        if let Some(j) = focus {
            f(&mut self.intervals[j].counts);
        }
    }

    pub fn first_alert(&mut self) {
        self.counts.first_alerts += 1;
    }

    pub fn second_alert(&mut self) {
        self.counts.second_alerts += 1;
    }

    pub fn inactivity_transfer(&mut self) {
        self.counts.inactivity_transfers += 1;
    }

    /// Closed for inactivity: by `auto_close` or by a flow's `close` action.
    pub fn auto_closed(&mut self) {
        self.counts.auto_closed += 1;
    }

    pub fn bot_resolved(&mut self) {
        self.counts.bot_resolved += 1;
    }

    /// The bot that keeps a waiting customer company resolved the chat of window `k` before
    /// an agent replied. One no agent had taken leaves the chats that reached a human, as if
    /// the bot had resolved it before the queue: it is neither a service-level miss nor a
    /// wait. One an agent had taken (turn model, before the first reply) stays among them:
    /// its wait, counted when the agent took it, is among the waits, and it is a
    /// service-level miss.
    pub fn bot_resolved_waiting(&mut self, k: u32, started: bool) {
        self.counts.bot_resolved += 1;
        if started {
            self.counts.bot_after_start += 1;
            return self.count(k, |c| c.bot_after_start += 1);
        }
        self.counts.reached -= 1;
        let (i, focus) = self.windows(k);
        for a in [Some(i), focus].into_iter().flatten() {
            let acc = &mut self.intervals[a];
            acc.counts.reached -= 1;
            acc.pending -= 1;
            self.close_if_done(a);
        }
    }

    /// A `sequential` chat nobody could be given: with nobody of the team online (the README's `[[teams]]`
    /// case), or with members online but none eligible (`unplaced`).
    pub fn stranded(&mut self, nobody_online: bool) {
        if nobody_online {
            self.counts.stranded += 1;
        } else {
            self.counts.unplaced += 1;
        }
    }

    pub fn transfer(&mut self) {
        self.counts.transfers += 1;
    }

    /// A refusal or a timed-out offer by an agent of `group` (counted whatever the chat).
    pub fn refusal(&mut self, group: usize) {
        self.counts.refusals += 1;
        self.groups[group].refusals += 1;
    }

    /// The chat entered a human queue (after the bot): from now its wait counts.
    pub fn reached(&mut self, k: u32) {
        self.counts.reached += 1;
        let (i, focus) = self.windows(k);
        for a in [Some(i), focus].into_iter().flatten() {
            let spare = &mut self.spare;
            let acc = &mut self.intervals[a];
            acc.counts.reached += 1;
            acc.pending += 1;
            if acc.hist.is_none() {
                acc.hist =
                    Some(Box::new(spare.pop().unwrap_or_else(|| {
                        Histogram::new(INTERVAL_SUB_BITS, MAX_EXP)
                    })));
            }
        }
    }

    #[inline(always)]
    fn waited(&mut self, k: u32, wait: Millis) {
        let w = wait as f64;
        self.counts.wait_sum += w;
        self.counts.waited += (wait > 0) as u64;
        self.wait_all.record(wait as u64);
        let (i, focus) = self.windows(k);
        self.wait_in(i, wait);
        if let Some(j) = focus {
            self.wait_in(j, wait);
        }
    }

    #[inline(always)]
    fn wait_in(&mut self, a: usize, wait: Millis) {
        let acc = &mut self.intervals[a];
        acc.counts.wait_sum += wait as f64;
        if let Some(h) = acc.hist.as_mut() {
            h.record(wait as u64);
        }
        acc.pending -= 1;
        self.close_if_done(a);
    }

    /// An agent started on the chat: its wait is over (README "Outputs" `mean_wait`).
    pub fn started(&mut self, k: u32, wait: Millis) {
        let hit = (wait <= self.sl_target) as u64;
        self.counts.answer_hits += hit;
        self.count(k, |c| c.answer_hits += hit as u32);
        self.waited(k, wait);
    }

    /// The first human reply, `ttfr` after the chat entered the human queue, which it had
    /// waited `wait` of. In the block model it comes when the agent starts (README `[customers]`).
    #[inline(always)]
    pub fn first_reply(&mut self, k: u32, wait: Millis, ttfr: Millis) {
        let hit = (ttfr <= self.sl_target) as u64;
        let c = &mut self.counts;
        c.served += 1;
        c.wait_served_sum += wait as f64;
        c.ttfr_sum += ttfr as f64;
        c.sl_hits += hit;
        self.count(k, |i| {
            i.served += 1;
            i.sl_hits += hit as u32;
        });
        self.ttfr.record(ttfr as u64);
    }

    /// The customer left before the first reply; `wait` if no agent had started on the chat
    /// (otherwise its wait was counted when the agent started).
    pub fn abandoned(&mut self, k: u32, wait: Option<Millis>) {
        self.counts.abandoned += 1;
        self.count(k, |c| c.abandoned += 1);
        if let Some(wait) = wait {
            self.counts.abandoned_queue += 1;
            self.count(k, |c| c.abandoned_queue += 1);
            self.waited(k, wait);
        }
    }

    /// Turn model: the customer left waiting for a later reply.
    pub fn abandoned_in_conversation(&mut self) {
        self.counts.abandoned_in_conversation += 1;
    }

    pub fn resolved(&mut self, group: usize) {
        self.counts.resolved += 1;
        self.groups[group].handled += 1;
    }

    /// Ends the replication; `unfinished` counts window chats still open at the end.
    pub fn finish(mut self, unfinished: u64) -> ReplicationStats {
        for g in 0..self.groups.len() {
            self.integrate_group(g);
        }
        for k in 0..self.intervals.len() {
            let acc = &mut self.intervals[k];
            if let Some(h) = acc.hist.take() {
                acc.p90 = h.quantile(0.9).unwrap_or(f64::NAN);
            }
        }
        let c = &self.counts;
        let minutes = |ms: Option<f64>| ms.map_or(f64::NAN, |v| v / MINUTE as f64);
        let known = (c.served + c.abandoned + c.bot_after_start) as f64;
        let (reached, served) = (c.reached as f64, c.served as f64);
        let (busy, present) = self.intervals.iter().fold((0.0, 0.0), |(b, p), acc| {
            (b + acc.areas.busy_slots, p + acc.areas.present_slots)
        });
        let mut metrics = [f64::NAN; Metric::COUNT];
        let mut weights = [0.0; Metric::COUNT];
        for &m in Metric::ALL {
            let (value, weight) = match m {
                Metric::Arrivals => count(c.arrivals as f64),
                Metric::BotResolved => count(c.bot_resolved as f64),
                Metric::Served => count(served),
                Metric::Resolved => count(c.resolved as f64),
                Metric::Abandoned => count(c.abandoned as f64),
                Metric::Unfinished => count(unfinished as f64),
                Metric::AbandonRate => share(c.abandoned as f64, reached),
                Metric::AbandonRateQueue => share(c.abandoned_queue as f64, reached),
                Metric::PWait => share(c.waited as f64, known),
                Metric::MeanWait => share(c.wait_sum / MINUTE as f64, known),
                Metric::MeanWaitServed => share(c.wait_served_sum / MINUTE as f64, served),
                Metric::WaitP50 => count(minutes(self.wait_all.quantile(0.5))),
                Metric::WaitP90 => count(minutes(self.wait_all.quantile(0.9))),
                Metric::WaitP95 => count(minutes(self.wait_all.quantile(0.95))),
                Metric::WaitP99 => count(minutes(self.wait_all.quantile(0.99))),
                Metric::MeanTtfr => share(c.ttfr_sum / MINUTE as f64, served),
                Metric::TtfrP90 => count(minutes(self.ttfr.quantile(0.9))),
                Metric::AbandonedInConversation => count(c.abandoned_in_conversation as f64),
                Metric::ServiceLevel => share(c.sl_hits as f64, reached),
                Metric::ServiceLevelAnswered => share(c.sl_hits as f64, served),
                Metric::AnswerLevel => share(c.answer_hits as f64, reached),
                Metric::Occupancy => share(busy / time::HOUR as f64, present / time::HOUR as f64),
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
        let rows: Vec<_> = self
            .intervals
            .iter()
            .enumerate()
            .map(|(a, acc)| {
                let k = a % self.span;
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
                    let (value, weight) = match m {
                        IntervalMetric::Arrivals => count(c.arrivals as f64),
                        IntervalMetric::AbandonRate => share(c.abandoned as f64, reached),
                        IntervalMetric::AbandonRateQueue => {
                            share(c.abandoned_queue as f64, reached)
                        }
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
            })
            .collect();
        let (mut intervals, mut interval_weights): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
        let focus = intervals.split_off(self.span);
        let focus_weights = interval_weights.split_off(self.span);
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
            metrics,
            weights,
            intervals,
            interval_weights,
            focus,
            focus_weights,
            groups,
            group_weights,
            slot_minutes: self.groups.iter().map(|g| g.busy / MINUTE as f64).collect(),
            waits: self.wait_all,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interval_costs_a_few_dozen_bytes_while_it_runs() {
        // 100 weeks of 30-minute intervals are 33,600 of them: each must stay small, or a
        // long horizon's memory is all per-interval bookkeeping.
        assert!(std::mem::size_of::<IntervalAcc>() <= 96);
        let mut c = Collector::new(0, 100 * time::WEEK, 30 * MINUTE, MINUTE, &[1], false, false);
        assert!(c.interval_alerts.is_empty(), "alerts cost nothing when off");
        c.advance(time::HOUR);
        c.arrival(1);
        c.reached(1);
        c.started(1, 30_000);
        c.first_reply(1, 30_000, 30_000);
        c.advance(2 * time::HOUR);
        assert!(
            c.intervals[1].hist.is_none(),
            "a finished interval keeps only its p90"
        );
        let stats = c.finish(0);
        assert_eq!(stats.intervals.len(), 33_600);
        assert_eq!(
            stats.intervals[1][IntervalMetric::AnswerLevel as usize],
            1.0
        );
        // The per-interval p90 is exact to the histogram's 2^-5 resolution.
        let p90 = stats.intervals[1][IntervalMetric::WaitP90 as usize];
        assert!((p90 - 0.5).abs() <= 0.5 / 32.0, "{p90}");
    }
}
