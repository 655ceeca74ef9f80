//! Presence changes (guide `routing.md#shift-ends-breaks-and-hand-backs`): agents coming online,
//! going on a break, back to Ready, and the waiting chats handed out once all the changes of one
//! instant are in.

use super::*;

impl Router {
    /// Presence changes that happen at the same instant (a shift start, the end of a break, an
    /// agent back from Not ready). All of them are applied first and only then are waiting chats
    /// handed out, so that agents who come online together share the backlog evenly (guide
    /// `routing.md#capacity-distribution`: "distribuídos igualmente para atendentes que estão
    /// on-line") instead of the first one sweeping it up to its capacity. Going offline keeps the
    /// agent's chats (`on_shift_end = "keep"`, guide
    /// `routing.md#shift-ends-breaks-and-hand-backs`). Under `sequential` an agent who comes online
    /// must take the backlog by hand (guide `routing.md#capacity-distribution`): only `capacity`
    /// teams hand it out.
    pub fn update_presence(&mut self, changes: &[Presence], now: Millis, out: &mut Vec<Decision>) {
        let mut arrived = std::mem::take(&mut self.arrived);
        for p in changes {
            let a = &mut self.agents[p.agent.0 as usize];
            if (a.online, a.ready) != (p.online, p.ready) {
                let was = a.available();
                a.online = p.online;
                a.ready = p.ready;
                if !was && a.available() {
                    arrived.push(p.agent);
                }
                self.refresh_keys(p.agent);
            }
        }
        for &agent in &arrived {
            self.dispatch_for(agent, now, out);
        }
        arrived.clear();
        self.arrived = arrived;
    }
}
