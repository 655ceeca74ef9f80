//! What the engine's unit tests share: small scenarios, a simulation without random arrivals,
//! chats placed by hand, and a clock run to a given time.

use std::path::Path;

use super::*;

/// One team `a` of `distribution`, one agent group `g` of one agent, rare arrivals (a test
/// places its own chats) and a block model of one minute per chat.
pub(super) fn block(
    capacity: u32,
    slowdown: f64,
    shifts: &str,
    distribution: &str,
    on_shift_end: &str,
) -> Scenario {
    parse(&format!(
        r#"
[[teams]]
name = "a"
distribution = "{distribution}"
[[agents]]
name = "g"
team = "a"
capacity = {capacity}
shifts = ["{shifts}"]
on_shift_end = "{on_shift_end}"
[[arrivals]]
name = "in"
team = "a"
rate = "1/d"
[conversation]
handle_time = {{ dist = "constant", value = "1m" }}
concurrency_slowdown = {slowdown}
"#
    ))
}

/// A scenario of a week named `t` whose other sections are `body`.
pub(super) fn parse(body: &str) -> Scenario {
    let text = format!("name = \"t\"\n[simulation]\nhorizon = \"7d\"\n{body}");
    Scenario::parse(&text, Path::new("t.toml")).unwrap_or_else(|e| panic!("{e}"))
}

/// A simulation with no random arrivals, so a test places every chat itself.
pub(super) fn quiet(s: &Scenario) -> Sim<'_> {
    let mut sim = Sim::new(s, 1, 0, false);
    sim.events = EventQueue::default();
    sim
}

/// A chat that has just reached the human queue of team `a`, counted in the first interval.
pub(super) fn chat(sim: &Sim, work: Millis) -> Chat {
    Chat {
        generation: 0,
        state: ChatState::Bot,
        source: 0,
        window: Some(Tag {
            k: 0,
            team: NONE,
            origin: NONE,
        }),
        queue: QueueId(0),
        queued_at: sim.now,
        started: false,
        work: work as f64,
        transfer: None,
        patience: None,
        bot_resolves: false,
        offer: 0,
        offer_agent: 0,
        answer: Answer::Accept,
        returns: 0,
        reopen_with: NO_AGENT,
    }
}

/// Places `chat` (with `talk` in the turn model) in its queue as the bot would hand it over.
pub(super) fn place(sim: &mut Sim, chat: Chat, talk: Option<Talk>) -> ChatId {
    let id = sim.allocate(chat, talk);
    sim.enter_human_queue(id);
    id
}

/// A block-model chat of `work` ms in team `a`'s queue.
pub(super) fn inject(sim: &mut Sim, work: Millis) -> ChatId {
    let c = chat(sim, work);
    place(sim, c, None)
}

/// A turn-model chat of `turns` agent messages in team `a`'s queue.
pub(super) fn inject_talk(sim: &mut Sim, turns: u32) -> ChatId {
    let c = chat(sim, 0);
    let talk = Talk::new(Xoshiro256PlusPlus::seed_from_u64(7), turns);
    place(sim, c, Some(talk))
}

/// Runs events up to `until`, returning the times at which chats ended.
pub(super) fn run_until(sim: &mut Sim, until: Millis) -> Vec<Millis> {
    let mut finished = Vec::new();
    while let Some((t, e)) = sim.events.pop() {
        if t > until {
            sim.events.schedule(t, e);
            break;
        }
        sim.now = t;
        sim.stats.advance(t);
        let before = sim.live;
        sim.handle(e);
        for _ in sim.live..before {
            finished.push(t);
        }
    }
    sim.now = until;
    sim.stats.advance(until);
    finished
}
