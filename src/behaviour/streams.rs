//! Random streams (guide `statistics.md#determinism-and-statistics`): replication `r` of a run with
//! seed `s` draws from ChaCha8 keyed by `s` on stream numbers derived from `r`, one stream per
//! purpose and per arrival source, and one per customer attribute so that removing one attribute
//! (no patience) leaves the others' draws unchanged. A policy change therefore never changes who
//! the customers are (common random numbers), and no stream depends on the thread that runs it.

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

#[derive(Clone, Copy, Debug)]
pub enum Stream {
    /// Inter-arrival times of one arrival source.
    Arrivals(u32),
    /// Each customer's patience, drawn when they arrive (new or returning customers).
    Patience(u32, bool),
    /// Each chat's amount of work (or conversation seed), drawn when it arrives.
    Work(u32, bool),
    /// Where each chat goes, its bot stage, and whether it will be transferred.
    Route(u32, bool),
    /// Whether a customer who gave up returns, and when.
    Returns(u32),
    /// Whether a customer whose chat was resolved writes again, and when.
    ResolvedReturns(u32),
    /// When the bot that keeps a waiting customer company resolves the chat.
    BotWhileWaiting(u32, bool),
    /// Day-level volume factors of one source.
    DayFactor(u32),
    /// Agents' offers, refusals and absences.
    Agents,
    /// When each agent next picks up chats by hand.
    Pickups,
}

pub fn rng(seed: u64, replication: u32, stream: Stream) -> ChaCha8Rng {
    let (kind, index) = match stream {
        Stream::Arrivals(i) => (0u64, i),
        Stream::Patience(i, returning) => (1u64 + 8 * returning as u64, i),
        Stream::Work(i, returning) => (2u64 + 8 * returning as u64, i),
        Stream::Route(i, returning) => (3u64 + 8 * returning as u64, i),
        Stream::Returns(i) => (4u64, i),
        Stream::ResolvedReturns(i) => (12u64, i),
        Stream::BotWhileWaiting(i, returning) => (13u64 + 8 * returning as u64, i),
        Stream::DayFactor(i) => (5u64, i),
        Stream::Agents => (6u64, 0),
        Stream::Pickups => (7u64, 0),
    };
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(((replication as u64) << 32) | (kind << 24) | index as u64);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_differ_by_replication_and_purpose_but_repeat_for_the_same_key() {
        let draw = |r: u32, s: Stream| rng(7, r, s).random::<u64>();
        assert_eq!(draw(0, Stream::Arrivals(0)), draw(0, Stream::Arrivals(0)));
        assert_ne!(draw(0, Stream::Arrivals(0)), draw(1, Stream::Arrivals(0)));
        assert_ne!(
            draw(0, Stream::Arrivals(0)),
            draw(0, Stream::Patience(0, false))
        );
        assert_ne!(
            draw(0, Stream::Patience(0, false)),
            draw(0, Stream::Patience(0, true))
        );
        assert_ne!(draw(0, Stream::Arrivals(0)), draw(0, Stream::Arrivals(1)));
    }
}
