//! A team's queue of waiting chats, oldest first. Customers who leave are removed lazily: the
//! entry stays until it reaches the head and is then skipped, which keeps leaving O(1).

use std::collections::VecDeque;

use super::ChatId;

#[derive(Debug, Default)]
pub struct TeamQueue {
    /// (ticket, chat): tickets grow across all teams, so heads compare by age between teams.
    entries: VecDeque<(u64, ChatId)>,
    waiting: u32,
}

impl TeamQueue {
    pub fn push(&mut self, ticket: u64, chat: ChatId) {
        self.entries.push_back((ticket, chat));
        self.waiting += 1;
    }

    /// The oldest chat still waiting; `live` tells whether an entry still waits here.
    pub fn head(&mut self, live: impl Fn(ChatId) -> bool) -> Option<(u64, ChatId)> {
        while let Some(&(ticket, chat)) = self.entries.front() {
            if live(chat) {
                return Some((ticket, chat));
            }
            self.entries.pop_front();
        }
        None
    }

    pub fn pop_head(&mut self) {
        self.entries.pop_front();
        self.waiting -= 1;
    }

    /// A waiting chat left the queue by some other way than its head (the customer gave up).
    pub fn forget_one(&mut self) {
        self.waiting -= 1;
    }

    pub fn waiting(&self) -> u32 {
        self.waiting
    }
}
