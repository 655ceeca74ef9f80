//! `[[arrivals]]`: streams, their routes to teams or the Waiting box, profiles and bots.

use super::*;

impl Validator<'_> {
    pub(super) fn arrival(
        &mut self,
        key: KeyPath,
        a: &RawArrivals,
        names: &[&str],
        names_before: &[&str],
        horizon: Millis,
    ) -> Option<ArrivalStream> {
        let route = self.route(&key, a, names);
        if names_before.contains(&a.name.as_str()) {
            // `--set arrivals.NAME.rate` addresses a stream by name: two of a name would make
            // it change only the first.
            self.fail(
                key.key("name"),
                format!("arrival stream \"{}\" is defined twice", a.name),
            );
        }
        let profile = self.profile(&key, a);
        let day_to_day_cv = a.day_to_day_cv.unwrap_or(0.0);
        if !(0.0..=MAX_DAY_TO_DAY_CV).contains(&day_to_day_cv) {
            self.fail(
                key.key("day_to_day_cv"),
                format!("must be from 0 to {MAX_DAY_TO_DAY_CV} (real centres vary 0.05 to 0.3 from day to day), got {day_to_day_cv}"),
            );
        }
        let bot = a.bot.as_ref().and_then(|b| {
            let bk = key.key("bot");
            let resolve_probability = self.probability(
                bk.key("resolve_probability"),
                b.resolve_probability.as_ref(),
            );
            let duration = self.dist(bk.key("duration"), &b.duration)?;
            Some(Bot {
                duration,
                resolve_probability,
            })
        });
        let profile = profile?;
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
}
