//! `[[arrivals]]`: streams, their routes to teams or the Waiting box, profiles and bots.

use super::*;

/// The largest volume multiplier: beyond a hundredfold a what-if is a different centre.
const MAX_SCALE: f64 = 100.0;

impl Validator<'_> {
    pub(super) fn arrival(
        &mut self,
        key: KeyPath,
        a: &RawArrivals,
        names: &[&str],
        simulation: &Simulation,
    ) -> Option<ArrivalStream> {
        let horizon = simulation.horizon;
        if let Some(file) = &a.trace {
            return self.traced(key, a, file, names, simulation);
        }
        for (present, name) in [
            (a.trace_times.is_some(), "trace_times"),
            (a.columns.is_some(), "columns"),
        ] {
            if present {
                self.fail(key.key(name), "applies to a `trace` only");
            }
        }
        let route = self.route(&key, a, names);
        let profile = self.profile(&key, a);
        let day_to_day_cv = a.day_to_day_cv.unwrap_or(0.0);
        if !(0.0..=MAX_DAY_TO_DAY_CV).contains(&day_to_day_cv) {
            self.fail(
                key.key("day_to_day_cv"),
                format!("must be from 0 to {MAX_DAY_TO_DAY_CV} (real centres vary 0.05 to 0.3 from day to day), got {day_to_day_cv}"),
            );
        }
        let bot = self.bot(&key, a);
        let scale = a.scale.unwrap_or(1.0);
        if !(scale > 0.0 && scale <= MAX_SCALE) {
            self.fail(
                key.key("scale"),
                format!(
                    "multiplies the arrivals: a number above 0 and at most {MAX_SCALE}, got {scale}"
                ),
            );
            return None;
        }
        let profile = profile?.scaled(scale);
        let k = if a.rate.is_some() {
            key.key("rate")
        } else {
            key.key("profile")
        };
        let weekly = profile.weekly_volume();
        if weekly <= 0.0 {
            self.fail(k, "the arrival rate is zero at every hour of the week");
            return None;
        }
        if profile.volume_over(horizon) > MAX_ARRIVALS {
            self.fail(
                k,
                format!("would bring over {MAX_ARRIVALS:e} chats per replication before `horizon`; check the unit"),
            );
            return None;
        }
        Some(ArrivalStream {
            name: a.name.clone(),
            route: route?,
            profile,
            day_to_day_cv,
            bot,
            classes: Vec::new(),
            trace: None,
        })
    }

    fn bot(&mut self, key: &KeyPath, a: &RawArrivals) -> Option<Bot> {
        let b = a.bot.as_ref()?;
        let bk = key.key("bot");
        let resolve_probability = self.probability(
            bk.key("resolve_probability"),
            b.resolve_probability.as_ref(),
        );
        let while_waiting = b.while_waiting.as_ref().map(|w| {
            let wk = bk.key("while_waiting");
            let resolve_probability =
                self.probability(wk.key("resolve_probability"), Some(&w.resolve_probability));
            let every = self.positive_duration(wk.key("every"), Some(&w.every), SECOND);
            if every < SECOND {
                self.fail(
                    wk.key("every"),
                    "must be at least 1s: how often the bot writes to a waiting customer",
                );
            }
            BotWhileWaiting {
                resolve_probability,
                every,
            }
        });
        let duration = self.dist(bk.key("duration"), &b.duration)?;
        Some(Bot {
            duration,
            resolve_probability,
            while_waiting,
        })
    }

    /// A stream that replays a chat log: it takes its times and teams from the log alone.
    fn traced(
        &mut self,
        key: KeyPath,
        a: &RawArrivals,
        file: &str,
        names: &[&str],
        simulation: &Simulation,
    ) -> Option<ArrivalStream> {
        let sampled = [
            (a.rate.is_some(), "rate"),
            (a.profile.is_some(), "profile"),
            (a.team.is_some(), "team"),
            (a.route.is_some(), "route"),
            (a.day_to_day_cv.is_some(), "day_to_day_cv"),
            (a.scale.is_some(), "scale"),
        ];
        for (present, name) in sampled {
            if present {
                self.fail(
                    key.key(name),
                    "a `trace` brings its own arrival times and teams: leave this out",
                );
            }
        }
        let columns = match &a.columns {
            None => Columns::default(),
            Some(map) => match Columns::from_pairs(map.clone()) {
                Ok(c) => c,
                Err(m) => {
                    self.fail(key.key("columns"), m);
                    return None;
                }
            },
        };
        let bot = self.bot(&key, a);
        let path = self.base.join(file);
        let trace = match Trace::read(
            &path,
            &columns,
            names,
            simulation.start,
            simulation.horizon,
            a.trace_times.unwrap_or(false),
        ) {
            Ok(t) => t,
            Err(e) => {
                self.fail(key.key("trace"), format!("cannot replay it: {e}"));
                return None;
            }
        };
        if trace.chats.is_empty() {
            self.fail(
                key.key("trace"),
                format!(
                    "no chat of {} arrives before `horizon` (the log starts {} before the first `start` point)",
                    path.display(),
                    crate::chatlog::timestamp::format(trace.origin)
                ),
            );
            return None;
        }
        Some(ArrivalStream {
            name: a.name.clone(),
            route: trace.route(names.len()),
            profile: trace.profile(None),
            day_to_day_cv: 0.0,
            bot,
            classes: Vec::new(),
            trace: Some(std::sync::Arc::new(trace)),
        })
    }

    pub(super) fn route(
        &mut self,
        key: &KeyPath,
        a: &RawArrivals,
        names: &[&str],
    ) -> Option<Vec<(Destination, f64)>> {
        let waiting = |to: &str| to == "waiting";
        let weighted: Vec<(Destination, f64)> = match (&a.team, &a.route) {
            (Some(t), None) => vec![(
                Destination::Team(self.team_ref(key.key("team"), t, names)?),
                1.0,
            )],
            (None, Some(RawRoute::To(to))) if waiting(to) => vec![(Destination::WaitingBox, 1.0)],
            (None, Some(RawRoute::To(to))) => {
                self.fail(
                    key.key("route"),
                    format!("\"{to}\" is not a route; use route = \"waiting\", `team = \"{to}\"` or a weighted list"),
                );
                return None;
            }
            (None, Some(RawRoute::Weighted(list))) => {
                let mut out = Vec::new();
                for (j, e) in list.iter().enumerate() {
                    let ek = key.key("route").index(j);
                    if !(e.weight.is_finite() && e.weight > 0.0) {
                        self.fail(ek.key("weight"), "must be a number greater than 0");
                    }
                    let dest = match (&e.team, &e.to) {
                        (Some(t), None) => self
                            .team_ref(ek.key("team"), t, names)
                            .map(Destination::Team),
                        (None, Some(to)) if waiting(to) => Some(Destination::WaitingBox),
                        (None, Some(_)) => {
                            self.fail(
                                ek.key("to"),
                                "the only `to` is \"waiting\" (the Waiting box)",
                            );
                            None
                        }
                        _ => {
                            self.fail(
                                ek.clone(),
                                "needs `team = \"name\"` or `to = \"waiting\"`, not both",
                            );
                            None
                        }
                    };
                    out.extend(dest.map(|d| (d, e.weight)));
                }
                if list.is_empty() {
                    self.fail(key.key("route"), "an empty route sends chats nowhere");
                }
                out
            }
            (Some(_), Some(_)) => {
                self.fail(key.key("route"), "give `team` or `route`, not both");
                return None;
            }
            (None, None) => {
                self.fail(key.clone(), "needs `team = \"name\"` or a `route`");
                return None;
            }
        };
        let total: f64 = weighted.iter().map(|w| w.1).sum();
        let mut cumulative = 0.0;
        let route: Vec<(Destination, f64)> = weighted
            .into_iter()
            .map(|(d, w)| {
                cumulative += w / total;
                (d, cumulative)
            })
            .collect();
        (total > 0.0 && !route.is_empty()).then_some(route)
    }

    pub(super) fn profile(&mut self, key: &KeyPath, a: &RawArrivals) -> Option<WeekProfile> {
        match (&a.rate, &a.profile) {
            (Some(rate), None) => match parse_rate(rate) {
                Ok(r) => Some(WeekProfile::constant(r.0)),
                Err(m) => {
                    self.fail(key.key("rate"), m);
                    None
                }
            },
            (None, Some(RawProfile::Inline(list))) => {
                let before = self.problems.len();
                let mut windows = Vec::new();
                for (j, w) in list.iter().enumerate() {
                    let k = key.key("profile").index(j);
                    match (parse_window(&w.when), parse_rate(&w.rate)) {
                        (Ok(ws), Ok(r)) => windows.extend(ws.into_iter().map(|x| (x, r.0))),
                        (Err(m), _) => self.fail(k.key("when"), m),
                        (_, Err(m)) => self.fail(k.key("rate"), m),
                    }
                }
                (self.problems.len() == before).then(|| WeekProfile::from_windows(&windows))
            }
            (None, Some(RawProfile::File(file))) => match read_profile(&self.base.join(file)) {
                Ok(windows) => Some(WeekProfile::from_windows(&windows)),
                Err(m) => {
                    self.fail(key.key("profile"), m);
                    None
                }
            },
            (Some(_), Some(_)) => {
                self.fail(key.key("profile"), "give `rate` or `profile`, not both");
                None
            }
            (None, None) => {
                self.fail(key.clone(), "needs `rate = \"2/min\"` or a `profile`");
                None
            }
        }
    }

    /// Returning customers are chats too: with returns, the volume guard counts every
    /// customer as many times as it may come back.
    pub(super) fn volume_with_returns(
        &mut self,
        arrivals: &[ArrivalStream],
        c: &Customers,
        horizon: Millis,
    ) {
        let returns = c.return_probability > 0.0 || c.return_after_resolution.is_some();
        if !returns {
            return;
        }
        let first: f64 = arrivals
            .iter()
            .map(|a| a.profile.volume_over(horizon))
            .sum();
        let most = first * (1.0 + c.max_returns as f64);
        if first <= MAX_ARRIVALS && most > MAX_ARRIVALS {
            self.fail(
                KeyPath::root().key("customers").key("max_returns"),
                format!(
                    "with {} returns per customer a replication could bring {most:.3e} chats, over {MAX_ARRIVALS:e}; lower it",
                    c.max_returns
                ),
            );
        }
    }

    /// Every queue chats can reach must have someone who can take chats from it, or they would
    /// only ever be abandoned or unfinished.
    pub(super) fn check_coverage(
        &mut self,
        raw: &RawScenario,
        names: &[&str],
        groups: &[AgentGroup],
        arrivals: &[ArrivalStream],
        conversation: Option<&Conversation>,
        inactivity: &Rules,
    ) {
        // The Waiting box's inactivity flow is a way out of the box too, when its action moves
        // chats to a team (guide `routing.md#the-waiting-box-and-weighted-routes`, on the Waiting
        // box).
        let flow_moves_out = inactivity.waiting_queue.as_ref().is_some_and(|f| {
            matches!(
                f.main.action.map(|a| a.kind),
                Some(crate::inactivity::ActionKind::Transfer(_))
            )
        });
        let serves = |d: Destination| match d {
            Destination::WaitingBox => {
                flow_moves_out
                    || groups
                        .iter()
                        .any(|g| g.pickup.as_ref().is_some_and(|p| p.waiting))
            }
            Destination::Team(t) => groups.iter().any(|g| g.takes_from(t)),
        };
        for (i, a) in arrivals.iter().enumerate() {
            for (j, &(d, _)) in a.route.iter().enumerate() {
                if serves(d) {
                    continue;
                }
                let k = KeyPath::root().key("arrivals").index(i);
                let k = match (&raw.arrivals[i].route, d) {
                    (Some(RawRoute::Weighted(_)), _) => k.key("route").index(j),
                    (Some(RawRoute::To(_)), _) => k.key("route"),
                    _ => k.key("team"),
                };
                match d {
                    Destination::WaitingBox => self.fail(
                        k,
                        "nobody takes chats from the Waiting box: give a group `pickup = { ..., waiting = true }`, or move them out with `[inactivity.waiting_queue]` and an `action = { transfer_to = \"team\" }`",
                    ),
                    Destination::Team(t) => {
                        self.fail(k, format!("no [[agents]] group serves team \"{}\"", names[t.0 as usize]))
                    }
                }
            }
        }
        if let Some(TransferTarget::Team(t)) = conversation.and_then(|c| c.transfer_to)
            && !serves(Destination::Team(t))
        {
            self.fail(
                KeyPath::root().key("conversation").key("transfer_to"),
                format!(
                    "no [[agents]] group serves team \"{}\"",
                    names[t.0 as usize]
                ),
            );
        }
        let kinds = [
            ("team_queue", &inactivity.team_queue),
            ("agent_queue", &inactivity.agent_queue),
            ("waiting_queue", &inactivity.waiting_queue),
        ];
        for (kind, set) in kinds {
            let Some(set) = set else { continue };
            let flows = std::iter::once(&set.main).chain(set.exceptions.iter().map(|e| &e.1));
            for flow in flows {
                if let Some(ActionKind::Transfer(t)) = flow.action.map(|a| a.kind)
                    && !serves(Destination::Team(t))
                {
                    self.fail(
                        KeyPath::root()
                            .key("inactivity")
                            .key(kind)
                            .key("action")
                            .key("transfer_to"),
                        format!(
                            "no [[agents]] group serves team \"{}\"",
                            names[t.0 as usize]
                        ),
                    );
                }
            }
        }
    }
}

/// A profile CSV: header `weekday,start,end,rate_per_hour`, then rows such as
/// `mon-fri,08:00,12:00,40`, as a spreadsheet may save it (quoted cells, CRLF, a byte-order
/// mark, or `;` between cells and decimal commas).
fn read_profile(path: &Path) -> Result<Vec<RateWindow>, String> {
    let text = crate::io::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let separator = crate::io::Separator::of(&text);
    let mut rows = crate::io::csv_rows(&text);
    let header: Vec<String> = rows
        .headers()
        .map(|h| h.iter().map(str::to_ascii_lowercase).collect())
        .unwrap_or_default();
    if header != ["weekday", "start", "end", "rate_per_hour"] {
        return Err(format!(
            "{} must start with the header row weekday,start,end,rate_per_hour, not {}",
            path.display(),
            crate::io::quoted(&header.join(","))
        ));
    }
    let mut windows = Vec::new();
    for row in rows.records() {
        let row = row.map_err(|e| format!("{}: {e}", path.display()))?;
        let line = row.position().map_or(0, |p| p.line());
        let at = |m: String| format!("{} line {line}: {m}", path.display());
        if row.iter().all(str::is_empty) {
            continue;
        }
        let cells: Vec<&str> = row.iter().collect();
        let [days, start, end, rate] = cells[..] else {
            return Err(at(format!("expected 4 cells, found {}", cells.len())));
        };
        let ws = parse_window(&format!("{days} {start}-{end}")).map_err(at)?;
        let per_hour: f64 = separator
            .number(rate)
            .filter(|r: &f64| r.is_finite() && *r >= 0.0)
            .ok_or_else(|| {
                at(format!(
                    "rate_per_hour must be a number of at least 0, got {}",
                    crate::io::quoted(rate)
                ))
            })?;
        let per_ms = per_hour / crate::time::HOUR as f64;
        windows.extend(ws.into_iter().map(|w| (w, per_ms)));
    }
    Ok(windows)
}
