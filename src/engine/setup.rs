//! A replication's starting state: routing built from the agent groups, every sampler and
//! random stream of the scenario, the first arrivals and calendar changes.

use super::*;
use crate::routing::priority::{Class, Priorities};

fn sampler(d: &crate::scenario::Dist) -> Sampler {
    Sampler::new(d).expect("distributions are checked when the scenario is validated")
}

impl<'a> Sim<'a> {
    pub(super) fn new(scenario: &'a Scenario, seed: u64, replication: u32, focus: bool) -> Self {
        let sim = &scenario.simulation;
        let parts = Scopes::of(scenario);
        let mut specs = Vec::new();
        let mut desks = Vec::new();
        let mut group_agents = Vec::new();
        // Each group's place among the centre's distinct speeds, slower first.
        let mut speeds: Vec<f64> = scenario.agent_groups.iter().map(|g| g.speed).collect();
        speeds.sort_by(f64::total_cmp);
        speeds.dedup();
        for (g, group) in scenario.agent_groups.iter().enumerate() {
            let speed_rank = speeds.partition_point(|&s| s < group.speed).min(255) as u8;
            let first = specs.len() as u32;
            for _ in 0..group.count {
                specs.push(AgentSpec {
                    teams: group.teams.clone(),
                    capacity: group.capacity,
                    role: group.role,
                    manual_over_capacity: group.manual_over_capacity,
                    overflow_teams: group.overflow_teams.clone(),
                    speed_rank,
                });
                desks.push(Desk {
                    group: g,
                    capacity: group.capacity,
                    pace: group.speed,
                    chats: Vec::with_capacity(group.capacity as usize),
                    last: 0,
                    version: 0,
                    due: NEVER,
                    on_shift: false,
                    absent: false,
                    away: false,
                    away_version: 0,
                    off_at: 0,
                    not_ready_at: 0,
                    on_break: false,
                    presence: Presence::Offline,
                });
            }
            group_agents.push(first..specs.len() as u32);
        }
        let distributions: Vec<_> = scenario.teams.iter().map(|t| t.distribution).collect();
        let mut router = Router::new(&distributions, &specs);
        for (t, team) in scenario.teams.iter().enumerate() {
            if let Some(after) = team.overflow_after {
                router.set_overflow_after(TeamId(t as u32), after);
            }
            if team.faster_first {
                router.prefer_faster(TeamId(t as u32));
            }
        }
        router.priorities = Priorities::new(
            scenario
                .priorities
                .iter()
                .map(|p| Class {
                    level: p.level,
                    sla: p.sla,
                })
                .collect(),
        );
        let scopes = desks
            .iter()
            .enumerate()
            .map(|(a, d)| {
                let pickup = scenario.agent_groups[d.group].pickup.as_ref()?;
                Some(router.pickup_scope(AgentId(a as u32), pickup.waiting))
            })
            .collect();
        let sources = scenario.arrivals.len() as u32;
        let streams = |s: fn(u32) -> Stream| -> Vec<ChaCha8Rng> {
            (0..sources).map(|i| rng(seed, replication, s(i))).collect()
        };
        let group_sizes: Vec<u32> = scenario.agent_groups.iter().map(|g| g.count).collect();
        let overflows = scenario.overflows();
        let mut s = Sim {
            scenario,
            now: 0,
            events: EventQueue::default(),
            router,
            chats: Vec::new(),
            talks: Vec::new(),
            free: Vec::new(),
            live: 0,
            desks,
            group_agents,
            scopes,
            arrivals: scenario
                .arrivals
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let i = i as u32;
                    match &a.trace {
                        Some(trace) => Arrivals::replay(trace.clone()),
                        None => Arrivals::Sampled(Box::new(ArrivalProcess::new(
                            &a.profile,
                            sim.start,
                            a.day_to_day_cv,
                            scenario.day_factors(),
                            sim.horizon,
                            rng(seed, replication, Stream::Arrivals(i)),
                            rng(seed, replication, Stream::DayFactor(i)),
                        ))),
                    }
                })
                .collect(),
            customers: (0..sources)
                .map(|i| {
                    let set = |returning: bool| CustomerStreams {
                        patience: rng(seed, replication, Stream::Patience(i, returning)),
                        work: rng(seed, replication, Stream::Work(i, returning)),
                        route: rng(seed, replication, Stream::Route(i, returning)),
                        bot_while_waiting: rng(
                            seed,
                            replication,
                            Stream::BotWhileWaiting(i, returning),
                        ),
                    };
                    [set(false), set(true)]
                })
                .collect(),
            return_rng: streams(Stream::Returns),
            resolved_rng: streams(Stream::ResolvedReturns),
            return_after_resolution: scenario
                .customers
                .return_after_resolution
                .as_ref()
                .map(|r| (r.probability, sampler(&r.after), r.reopen_window)),
            agent_rng: rng(seed, replication, Stream::Agents),
            pickup_rng: rng(seed, replication, Stream::Pickups),
            patience: scenario.customers.patience.as_ref().map(sampler),
            work: match &scenario.conversation.model {
                WorkModel::Block { handle_time } => Some(sampler(handle_time)),
                WorkModel::Turns(_) => None,
            },
            snooze: scenario.snooze.as_ref().map(|s| SnoozeSamplers {
                probability: s.probability,
                after_reply: s.after_reply,
                duration: sampler(&s.duration),
                resume_probability: s.resume_probability,
                resume_after: s.resume_after.as_ref().map(sampler),
            }),
            not_ready_for: scenario
                .teams
                .iter()
                .map(|t| t.not_ready_for.as_ref().map(sampler))
                .collect(),
            turns: match &scenario.conversation.model {
                WorkModel::Block { .. } => None,
                WorkModel::Turns(t) => Some(TurnSamplers {
                    turns: CountSampler::new(&t.turns)
                        .expect("counts are checked when the scenario is validated"),
                    first_reply: sampler(&t.first_reply),
                    agent_reply: sampler(&t.agent_reply),
                    customer_reply: sampler(&t.customer_reply),
                    customer_silent_probability: t.customer_silent_probability,
                    wrap_up: t.wrap_up.as_ref().map(sampler),
                    patience_in_conversation: scenario
                        .customers
                        .patience_in_conversation
                        .as_ref()
                        .map(sampler),
                    silent_abandonment: scenario.customers.silent_abandonment,
                    silent_noticed_after: scenario
                        .customers
                        .silent_noticed_after
                        .as_ref()
                        .map(sampler),
                }),
            },
            bots: scenario
                .arrivals
                .iter()
                .map(|a| a.bot.as_ref().map(|b| sampler(&b.duration)))
                .collect(),
            waiting_bots: scenario
                .arrivals
                .iter()
                .any(|a| a.bot.as_ref().is_some_and(|b| b.while_waiting.is_some())),
            overflows,
            accept_delays: scenario
                .agent_groups
                .iter()
                .map(|g| g.accept_delay.as_ref().map(sampler))
                .collect(),
            pickups: scenario
                .agent_groups
                .iter()
                .map(|g| g.pickup.as_ref().map(|p| sampler(&p.every)))
                .collect(),
            return_after: scenario.customers.return_after.as_ref().map(sampler),
            slowdown: scenario.conversation.concurrency_slowdown,
            speeds: scenario.conversation.concurrency_speed.clone(),
            stats: Collector::new(
                sim.warmup,
                sim.horizon,
                sim.interval,
                sim.service_level_target,
                &group_sizes,
                Measure {
                    alerts: scenario.inactivity != Default::default(),
                    focus,
                    scopes: parts.len(),
                    silent_abandonment: scenario.customers.silent_abandonment > 0.0,
                    on_hold: scenario.inactivity.on_hold.is_some(),
                    overflow: overflows,
                    origins: parts.origins(),
                },
            ),
            split: parts.len() > 1,
            parts,
            decisions: Vec::new(),
            finished: Vec::new(),
            held: Vec::new(),
            changes: Vec::new(),
            leaving: Vec::new(),
            horizon_passed: false,
            done: false,
            arrived: 0,
            log: None,
            focus: Vec::new(),
        };
        if focus && let Some(staffing) = &scenario.staffing {
            s.focus = (0..scenario.teams.len())
                .map(|t| {
                    staffing
                        .groups
                        .iter()
                        .any(|&g| scenario.agent_groups[g].takes_from(TeamId(t as u32)))
                })
                .collect();
        }
        for (g, group) in scenario.agent_groups.iter().enumerate() {
            s.stats.group(g).offline = group.count as f64;
        }
        s.calendar();
        for a in 0..s.desks.len() {
            s.schedule_pickup(a as u32);
        }
        for i in 0..sources {
            s.schedule_arrival(i);
        }
        s.events.schedule(sim.horizon, Event::Horizon);
        s.events
            .schedule(sim.horizon.saturating_add(sim.drain), Event::DrainEnd);
        s
    }
}
