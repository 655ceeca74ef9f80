//! The teams' and streams' own numbers (guide `outputs.md#results-per-team-and-per-stream`): the
//! accumulators of each part past the whole centre, a chat moved between teams before its
//! wait ended, and each part's queue, integrated only when it changes.

use super::*;

impl Collector {
    /// The scope accumulator of scope `s` (not the whole centre's).
    #[inline(always)]
    pub(super) fn scope(&mut self, s: u16) -> &mut ScopeAcc {
        &mut self.scoped[s as usize - 1]
    }

    /// Applies `f` to the whole-run counts of the chat's team and stream, if it has them.
    #[inline(always)]
    pub(super) fn count_scoped(&mut self, tag: Option<Tag>, f: impl Fn(&mut ChatCounts)) {
        if let Some(tag) = tag {
            self.each_part(tag, |acc| f(&mut acc.counts));
        }
    }

    /// Applies `f` to the accumulators of the chat's team and stream, if it has them. A
    /// centre with no parts tests for them once.
    #[inline(always)]
    pub(super) fn each_part(&mut self, tag: Tag, mut f: impl FnMut(&mut ScopeAcc)) {
        if tag.team | tag.origin == NONE {
            return;
        }
        let [stream, class] = self.origin(tag.origin);
        for s in [tag.team, stream, class] {
            if s != NONE {
                f(self.scope(s));
            }
        }
    }

    /// The interval of scope `s` for window `k`.
    #[inline(always)]
    pub(super) fn scope_window(&self, s: u16, k: u32) -> usize {
        (self.scope_base + s as usize - 1) * self.span + k as usize % self.span
    }

    /// A chat still waiting for its first agent was moved to the queue of team scope `to`
    /// (an inactivity flow's action): from now it counts there. Returns its new tag.
    pub fn moved(&mut self, tag: Tag, to: u16) -> Tag {
        if tag.team == to {
            return tag;
        }
        for (s, by) in [(tag.team, -1i32), (to, 1)] {
            if s == NONE {
                continue;
            }
            let c = &mut self.scope(s).counts;
            c.arrivals = c.arrivals.wrapping_add_signed(by as i64);
            c.reached = c.reached.wrapping_add_signed(by as i64);
            let a = self.scope_window(s, tag.k);
            let counts = &mut self.intervals[a].counts;
            counts.arrivals = counts.arrivals.wrapping_add_signed(by);
            self.pend(a, by);
        }
        Tag { team: to, ..tag }
    }

    /// A chat joined (`by` = 1) or left (-1) the queues, in its team's, stream's and class's
    /// scopes: what each part's `queue_length` integrates. Every chat counts here, as in the
    /// whole centre's, whether or not it arrived in the counted window.
    pub fn queue_change(&mut self, [team, stream, class]: [u16; 3], by: f64) {
        for s in [team, stream, class] {
            if s != NONE {
                self.integrate_queue(s);
                self.scope(s).queue += by;
            }
        }
    }

    /// Adds scope `s`'s queue level since it last changed to its intervals' integrals.
    pub(super) fn integrate_queue(&mut self, s: u16) {
        let (warmup, horizon, interval, last) =
            (self.warmup, self.horizon, self.interval, self.last);
        let acc = self.scope(s);
        let (level, from) = (acc.queue, acc.queue_since.max(warmup));
        acc.queue_since = last;
        let to = last.min(horizon);
        if level == 0.0 || to <= from {
            return;
        }
        let base = self.scope_window(s, 0);
        let mut t = from;
        let mut k = ((from - warmup) / interval) as usize;
        while t < to {
            let end = (warmup + (k as Millis + 1) * interval).min(to);
            self.intervals[base + k].areas.queue_length += level * (end - t) as f64;
            t = end;
            k += 1;
        }
    }
}
