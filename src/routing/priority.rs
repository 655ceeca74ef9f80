//! Priority classes and SLA order (guide `routing.md#priority-classes-and-sla-order`; Rocket.Chat's
//! priorities with an estimated due time, Salesforce's `routingPriority`): a team queue serves the
//! lowest level first, then the earliest due time — when the chat entered the queue plus its
//! class's SLA — then the oldest. The order is folded into the ticket that already orders queues by
//! age, so that every place that compares tickets (a queue's head, the oldest chat across an
//! agent's teams, a refused chat's way back) follows it unchanged.

use crate::time::Millis;

use super::ChatId;

/// Bits of a ticket under priorities: the level on top, then the due time in ms, then the
/// order of entry (which breaks ties between chats due in the same millisecond).
const SEQ_BITS: u32 = 20;
const DUE_BITS: u32 = 40;

/// One class: its level (lower is served first) and its SLA.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Class {
    pub level: u8,
    pub sla: Millis,
}

/// The classes and each chat's class; without classes every ticket is the order of entry.
#[derive(Clone, Debug, Default)]
pub struct Priorities {
    classes: Vec<Class>,
    /// Per chat slot: its class.
    of_chat: Vec<u8>,
}

impl Priorities {
    pub fn new(classes: Vec<Class>) -> Self {
        Priorities {
            classes,
            of_chat: Vec::new(),
        }
    }

    /// Whether classes order the queues: otherwise a queue is in order of entry.
    pub fn active(&self) -> bool {
        !self.classes.is_empty()
    }

    /// Chat `chat` is of class `class` from now on (its next entry into a queue).
    pub fn classify(&mut self, chat: ChatId, class: u8) {
        let i = chat.index as usize;
        if i >= self.of_chat.len() {
            self.of_chat.resize(i + 1, 0);
        }
        self.of_chat[i] = class;
    }

    /// The chat's class (0 when it has none).
    pub fn class(&self, chat: ChatId) -> u8 {
        self.of_chat.get(chat.index as usize).copied().unwrap_or(0)
    }

    /// The ticket of a chat entering a queue at `now` as the `seq`-th entry: `seq` itself
    /// without classes; else (level, due time, seq) packed so that integer order is queue
    /// order. Due times past 2^40 ms (35 years) saturate.
    #[inline(always)]
    pub fn ticket(&self, chat: ChatId, seq: u64, now: Millis) -> u64 {
        if self.classes.is_empty() {
            return seq;
        }
        self.ordered(chat, seq, now)
    }

    /// `ticket` under classes, out of line: a centre without priorities never calls it.
    #[cold]
    #[inline(never)]
    fn ordered(&self, chat: ChatId, seq: u64, now: Millis) -> u64 {
        let class = self.of_chat.get(chat.index as usize).copied().unwrap_or(0);
        let Class { level, sla } = self.classes[class as usize];
        let due = (now.saturating_add(sla).max(0) as u64).min((1 << DUE_BITS) - 1);
        (level as u64) << (DUE_BITS + SEQ_BITS) | due << SEQ_BITS | (seq & ((1 << SEQ_BITS) - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MINUTE;

    fn chat(i: u32) -> ChatId {
        ChatId {
            index: i,
            generation: 0,
        }
    }

    #[test]
    fn without_classes_the_ticket_is_the_order_of_entry() {
        let p = Priorities::default();
        assert_eq!(p.ticket(chat(3), 41, 5 * MINUTE), 41);
    }

    #[test]
    fn a_lower_level_goes_first_then_the_earlier_due_time_then_the_older_chat() {
        // guide `routing.md#priority-classes-and-sla-order`: ordered by level, then by due time
        // (entry + SLA), then by entry.
        let mut p = Priorities::new(vec![
            Class {
                level: 1,
                sla: 5 * MINUTE,
            },
            Class {
                level: 2,
                sla: MINUTE,
            },
            Class {
                level: 2,
                sla: 10 * MINUTE,
            },
        ]);
        for (c, class) in [(0, 0), (1, 1), (2, 2), (3, 1)] {
            p.classify(chat(c), class);
        }
        let vip_late = p.ticket(chat(0), 9, 30 * MINUTE);
        let fast_early = p.ticket(chat(1), 1, 0);
        let slow_earlier = p.ticket(chat(2), 0, -5 * MINUTE);
        assert!(vip_late < fast_early, "level first, however late");
        // Due at 1 min against due at 5 min: the later arrival with the tighter SLA leads.
        assert!(fast_early < slow_earlier);
        // Same level and due time: the earlier entry.
        let same_due = p.ticket(chat(3), 2, 0);
        assert!(fast_early < same_due);
    }
}
