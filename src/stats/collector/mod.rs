//! Streams one replication's numbers as the engine runs: counters, fixed-size histograms and time
//! integrals. Chat statistics cover chats that arrived in `[warmup, horizon)`, attributed to the
//! interval they arrived in; time statistics cover `[warmup, horizon)` (guide
//! `scenarios.md#simulation`).

mod finish;
mod parts;

pub use finish::{ReplicationStats, ScopeStats};

use super::histogram::Histogram;
use super::metrics::{Feature, GroupMetric, IntervalMetric, Metric};
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
    /// Chats of the window still open when the run ended.
    unfinished: u64,
    /// Customers who left the conversation without a word, and the slot time their chats
    /// held after they left, in ms.
    silent_abandoned: u64,
    silent_held: f64,
    /// Times chats were put on hold, and held chats closed by the on-hold timer.
    holds: u64,
    overflowed: u64,
    hold_closed: u64,
}

/// A team's or a stream's own counts (guide `outputs.md#results-per-team-and-per-stream`), beside
/// the whole centre's: its chats' counts and waits, and how many of its chats wait now, which is
/// integrated only when it changes.
#[derive(Clone, Debug)]
struct ScopeAcc {
    counts: ChatCounts,
    wait_all: Histogram,
    ttfr: Histogram,
    queue: f64,
    queue_since: Millis,
}

/// Scope 0, the whole centre (the parts past it are `scenario::scopes`).
pub const ALL: usize = 0;
/// In a chat's tag: not (yet) counted for any team, or for any stream.
pub const NONE: u16 = 0;

/// Where a chat of the counted window is counted: the interval it arrived in (`k`, past the
/// first `span` when it counts toward the staffing focus too), its team's scope (`NONE`
/// until it reaches a human queue) and its origin: what it counts toward by how it arrived,
/// its stream and its priority class (see `Measure::origins`). One field for both keeps the
/// test a centre without parts pays on every count to one comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tag {
    pub k: u32,
    pub team: u16,
    pub origin: u16,
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
    /// the focus chats: a chat's window `k` past `span` feeds both `k - span` and `k`. Then
    /// the same intervals once per scope past the whole centre, from block `scope_base`.
    intervals: Vec<IntervalAcc>,
    /// How many intervals the window covers.
    span: usize,
    /// Blocks of `span` intervals in `intervals`.
    blocks: usize,
    /// The block of scope 1 (scope 0 is the whole centre, block 0).
    scope_base: usize,
    /// Per scope past the whole centre (scope `s` at `s - 1`); empty when nothing is split.
    scoped: Vec<ScopeAcc>,
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
    /// `Measure::origins`.
    origins: Vec<[u16; 2]>,
    features: Features,
    /// Per agent group; integrated lazily, when they change (see `group`).
    group_levels: Vec<GroupLevels>,
    /// When each group's levels were last integrated.
    group_last: Vec<Millis>,
    /// Agents per group, for hours per agent.
    group_sizes: Vec<u32>,
}

/// What a replication measures beyond the whole centre's chats and agents.
#[derive(Clone, Debug, Default)]
pub struct Measure {
    /// Integrate the alert levels (only when inactivity flows can raise alerts).
    pub alerts: bool,
    /// The staffing focus's chats apart (`ReplicationStats::focus`).
    pub focus: bool,
    /// Scopes, the whole centre included (see `scenario::scopes`).
    pub scopes: usize,
    /// Per origin (a chat's stream and class, see `Tag`): the scopes of its stream and of its
    /// class, `NONE` where not reported apart; origin 0 is `NONE`.
    pub origins: Vec<[u16; 2]>,
    /// The optional rules in use, whose metrics are reported (`Metric::feature`).
    pub silent_abandonment: bool,
    pub on_hold: bool,
    pub overflow: bool,
}

/// Which optional rules' metrics a replication reports; the others are left undefined
/// (weight 0), which keeps them out of the files.
#[derive(Clone, Copy, Debug, Default)]
struct Features {
    silent_abandonment: bool,
    on_hold: bool,
    overflow: bool,
}

impl Features {
    fn has(self, f: Feature) -> bool {
        match f {
            Feature::SilentAbandonment => self.silent_abandonment,
            Feature::OnHold => self.on_hold,
            Feature::Overflow => self.overflow,
        }
    }
}

impl Collector {
    pub fn new(
        warmup: Millis,
        horizon: Millis,
        interval: Millis,
        sl_target: Millis,
        group_sizes: &[u32],
        measure: Measure,
    ) -> Self {
        let Measure {
            alerts,
            focus,
            scopes,
            silent_abandonment,
            on_hold,
            overflow,
            origins,
        } = measure;
        let n = ((horizon - warmup) + interval - 1) / interval;
        let scope_base = 1 + focus as usize;
        let blocks = scope_base + scopes.saturating_sub(1);
        let accs = blocks * n as usize;
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
            blocks,
            scope_base,
            scoped: (1..scopes)
                .map(|_| ScopeAcc {
                    counts: ChatCounts::default(),
                    wait_all: Histogram::new(RUN_SUB_BITS, MAX_EXP),
                    ttfr: Histogram::new(RUN_SUB_BITS, MAX_EXP),
                    queue: 0.0,
                    queue_since: 0,
                })
                .collect(),
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
            origins,
            features: Features {
                silent_abandonment,
                on_hold,
                overflow,
            },
            group_levels: vec![GroupLevels::default(); group_sizes.len()],
            group_last: vec![0; group_sizes.len()],
            group_sizes: group_sizes.to_vec(),
        }
    }

    /// Where a chat of origin `origin` arriving now (the time of the last `advance`) is
    /// counted, or `None` outside the window.
    pub fn window(&self, origin: u16) -> Option<Tag> {
        let t = self.last;
        (t >= self.warmup && t < self.horizon).then_some(Tag {
            k: self.current as u32,
            team: NONE,
            origin,
        })
    }

    /// The scopes a chat's origin counts toward: its stream's and its class's.
    #[inline(always)]
    pub(super) fn origin(&self, origin: u16) -> [u16; 2] {
        self.origins
            .get(origin as usize)
            .copied()
            .unwrap_or([NONE; 2])
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
                for b in 0..self.blocks {
                    self.close_if_done(b * self.span + self.current);
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

    /// Calls `f` with every accumulator the chat feeds: its interval's, the focus copy's,
    /// then its team's and its stream's. A centre with no parts tests for them once.
    #[inline(always)]
    fn each_window(&mut self, tag: Tag, mut f: impl FnMut(&mut Self, usize)) {
        let k = tag.k as usize;
        match k.checked_sub(self.span) {
            Some(i) => {
                f(self, i);
                f(self, k);
            }
            None => f(self, k),
        }
        if tag.team | tag.origin != NONE {
            let [stream, class] = self.origin(tag.origin);
            for s in [tag.team, stream, class] {
                if s != NONE {
                    let a = self.scope_window(s, tag.k);
                    f(self, a);
                }
            }
        }
    }

    /// Applies `f` to the counts of every accumulator the chat feeds.
    #[inline(always)]
    fn count(&mut self, tag: Tag, f: impl Fn(&mut IntervalCounts)) {
        self.each_window(tag, |c, a| f(&mut c.intervals[a].counts));
    }

    pub fn arrival(&mut self, tag: Tag) {
        self.counts.arrivals += 1;
        self.intervals[tag.k as usize].counts.arrivals += 1;
        if tag.origin == NONE {
            return;
        }
        for s in self.origin(tag.origin) {
            if s != NONE {
                self.scope(s).counts.arrivals += 1;
                let a = self.scope_window(s, tag.k);
                self.intervals[a].counts.arrivals += 1;
            }
        }
    }

    /// The chat counts toward the focus too (it reached one of the focus teams): call
    /// before `reached`, and use the tag returned from now on.
    pub fn focus(&mut self, tag: Tag) -> Tag {
        let f = tag.k as usize + self.span;
        if f >= self.scope_base * self.span {
            return tag;
        }
        self.intervals[f].counts.arrivals += 1;
        Tag { k: f as u32, ..tag }
    }

    pub fn first_alert(&mut self, tag: Option<Tag>) {
        self.counts.first_alerts += 1;
        self.count_scoped(tag, |c| c.first_alerts += 1);
    }

    pub fn second_alert(&mut self, tag: Option<Tag>) {
        self.counts.second_alerts += 1;
        self.count_scoped(tag, |c| c.second_alerts += 1);
    }

    pub fn inactivity_transfer(&mut self, tag: Option<Tag>) {
        self.counts.inactivity_transfers += 1;
        self.count_scoped(tag, |c| c.inactivity_transfers += 1);
    }

    /// Closed for inactivity: by `auto_close` or by a flow's `close` action.
    pub fn auto_closed(&mut self, tag: Tag) {
        self.counts.auto_closed += 1;
        self.count_scoped(Some(tag), |c| c.auto_closed += 1);
    }

    pub fn bot_resolved(&mut self, tag: Tag) {
        self.counts.bot_resolved += 1;
        self.count_scoped(Some(tag), |c| c.bot_resolved += 1);
    }

    /// The bot that keeps a waiting customer company resolved the chat before an agent
    /// replied. One no agent had taken leaves the chats that reached a human, as if the bot
    /// had resolved it before the queue: it is neither a service-level miss nor a wait. One
    /// an agent had taken (turn model, before the first reply) stays among them: its wait,
    /// counted when the agent took it, is among the waits, and it is a service-level miss.
    pub fn bot_resolved_waiting(&mut self, tag: Tag, started: bool) {
        self.bot_resolved(tag);
        if started {
            self.counts.bot_after_start += 1;
            self.count_scoped(Some(tag), |c| c.bot_after_start += 1);
            return self.count(tag, |c| c.bot_after_start += 1);
        }
        self.counts.reached -= 1;
        self.count_scoped(Some(tag), |c| c.reached -= 1);
        self.each_window(tag, |c, a| {
            let acc = &mut c.intervals[a];
            acc.counts.reached -= 1;
            acc.pending -= 1;
            c.close_if_done(a);
        });
    }

    /// A `sequential` chat nobody could be given: with nobody of the team online
    /// (`stranded`, guide `routing.md#sequential-distribution-round-robin`), or with members online
    /// but none eligible (`unplaced`).
    pub fn stranded(&mut self, tag: Tag, nobody_online: bool) {
        if nobody_online {
            self.counts.stranded += 1;
            self.count_scoped(Some(tag), |c| c.stranded += 1);
        } else {
            self.counts.unplaced += 1;
            self.count_scoped(Some(tag), |c| c.unplaced += 1);
        }
    }

    pub fn transfer(&mut self, tag: Tag) {
        self.counts.transfers += 1;
        self.count_scoped(Some(tag), |c| c.transfers += 1);
    }

    /// A refusal or a timed-out offer by an agent of `group` (counted whatever the chat).
    pub fn refusal(&mut self, group: usize, tag: Option<Tag>) {
        self.counts.refusals += 1;
        self.groups[group].refusals += 1;
        self.count_scoped(tag, |c| c.refusals += 1);
    }

    /// The chat entered a human queue (after the bot), in the team of `tag`: from now its
    /// wait counts. A team's arrivals are the chats that reached it.
    pub fn reached(&mut self, tag: Tag) {
        self.counts.reached += 1;
        self.count_scoped(Some(tag), |c| c.reached += 1);
        if tag.team != NONE {
            self.scope(tag.team).counts.arrivals += 1;
            let a = self.scope_window(tag.team, tag.k);
            self.intervals[a].counts.arrivals += 1;
        }
        self.each_window(tag, |c, a| c.pend(a, 1));
    }

    /// One more (or one fewer) chat of accumulator `a` waits for a first agent.
    #[inline(always)]
    fn pend(&mut self, a: usize, by: i32) {
        let spare = &mut self.spare;
        let acc = &mut self.intervals[a];
        acc.counts.reached = acc.counts.reached.wrapping_add_signed(by);
        acc.pending = acc.pending.wrapping_add_signed(by);
        if by > 0 && acc.hist.is_none() {
            acc.hist =
                Some(Box::new(spare.pop().unwrap_or_else(|| {
                    Histogram::new(INTERVAL_SUB_BITS, MAX_EXP)
                })));
        }
        if by < 0 {
            self.close_if_done(a);
        }
    }

    #[inline(always)]
    fn waited(&mut self, tag: Tag, wait: Millis) {
        let w = wait as f64;
        self.counts.wait_sum += w;
        self.counts.waited += (wait > 0) as u64;
        self.wait_all.record(wait as u64);
        self.each_part(tag, |acc| {
            acc.counts.wait_sum += w;
            acc.counts.waited += (wait > 0) as u64;
            acc.wait_all.record(wait as u64);
        });
        self.each_window(tag, |c, a| {
            let acc = &mut c.intervals[a];
            acc.counts.wait_sum += w;
            if let Some(h) = acc.hist.as_mut() {
                h.record(wait as u64);
            }
            acc.pending -= 1;
            c.close_if_done(a);
        });
    }

    /// An agent started on the chat: its wait is over (guide `outputs.md` `mean_wait`).
    pub fn started(&mut self, tag: Tag, wait: Millis) {
        let hit = (wait <= self.sl_target) as u64;
        self.counts.answer_hits += hit;
        self.count_scoped(Some(tag), |c| c.answer_hits += hit);
        self.count(tag, |c| c.answer_hits += hit as u32);
        self.waited(tag, wait);
    }

    /// The first human reply, `ttfr` after the chat entered the human queue, which it had waited
    /// `wait` of. In the block model it comes when the agent starts (guide
    /// `scenarios.md#customers`).
    #[inline(always)]
    pub fn first_reply(&mut self, tag: Tag, wait: Millis, ttfr: Millis) {
        let hit = (ttfr <= self.sl_target) as u64;
        let served = |c: &mut ChatCounts| {
            c.served += 1;
            c.wait_served_sum += wait as f64;
            c.ttfr_sum += ttfr as f64;
            c.sl_hits += hit;
        };
        served(&mut self.counts);
        self.ttfr.record(ttfr as u64);
        self.each_part(tag, |acc| {
            served(&mut acc.counts);
            acc.ttfr.record(ttfr as u64);
        });
        self.count(tag, |i| {
            i.served += 1;
            i.sl_hits += hit as u32;
        });
    }

    /// The customer left before the first reply; `wait` if no agent had started on the chat
    /// (otherwise its wait was counted when the agent started).
    pub fn abandoned(&mut self, tag: Tag, wait: Option<Millis>) {
        let queue = wait.is_some() as u64;
        let left = |c: &mut ChatCounts| {
            c.abandoned += 1;
            c.abandoned_queue += queue;
        };
        left(&mut self.counts);
        self.count_scoped(Some(tag), left);
        self.count(tag, |c| {
            c.abandoned += 1;
            c.abandoned_queue += queue as u32;
        });
        if let Some(wait) = wait {
            self.waited(tag, wait);
        }
    }

    /// Turn model: the customer left waiting for a later reply.
    pub fn abandoned_in_conversation(&mut self, tag: Tag) {
        self.counts.abandoned_in_conversation += 1;
        self.count_scoped(Some(tag), |c| c.abandoned_in_conversation += 1);
    }

    pub fn resolved(&mut self, group: usize, tag: Tag) {
        self.counts.resolved += 1;
        self.groups[group].handled += 1;
        self.count_scoped(Some(tag), |c| c.resolved += 1);
    }

    /// The customer had left the conversation silently and the chat is now closed: its slot
    /// was held `held` ms for nobody (guide `scenarios.md#customers`).
    pub fn silent_abandoned(&mut self, tag: Tag, held: Millis) {
        let held = held as f64;
        let add = |c: &mut ChatCounts| {
            c.silent_abandoned += 1;
            c.silent_held += held;
        };
        add(&mut self.counts);
        self.count_scoped(Some(tag), add);
    }

    /// An agent took the chat from a team it serves only as a secondary skill (guide
    /// `routing.md#overflow`): the chat's wait ended by overflowing.
    pub fn overflowed(&mut self, tag: Tag) {
        self.counts.overflowed += 1;
        self.count_scoped(Some(tag), |c| c.overflowed += 1);
    }

    /// The chat was put on hold (guide `inactivity.md#on-hold`).
    pub fn held(&mut self, tag: Option<Tag>) {
        self.counts.holds += 1;
        self.count_scoped(tag, |c| c.holds += 1);
    }

    /// A held chat's own timer closed it; it counts among `auto_closed` too.
    pub fn hold_closed(&mut self, tag: Option<Tag>) {
        self.counts.hold_closed += 1;
        self.count_scoped(tag, |c| c.hold_closed += 1);
    }

    /// A chat of the window still open at the end of the run.
    pub fn unfinished(&mut self, tag: Tag) {
        self.counts.unfinished += 1;
        self.count_scoped(Some(tag), |c| c.unfinished += 1);
    }
}

#[cfg(test)]
mod tests;
