//! Variants and sweeps: the scenario with keys set otherwise, by dotted path. Array entries
//! are addressed by their `name` (`teams.vendas.distribution`), so a path reads like the
//! scenario it changes.

use toml::{Table, Value};

/// Sets `path` to `value` in a scenario document. Every table and named entry on the way must
/// exist; the last key may be new (serde then says whether the scenario takes it).
pub fn apply(doc: &mut Table, path: &str, value: Value) -> Result<(), String> {
    let segs: Vec<&str> = path.split('.').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Err(format!(
            "\"{path}\" is not a dotted path such as teams.vendas.distribution"
        ));
    }
    let mut table = doc;
    let mut i = 0;
    loop {
        let seg = segs[i];
        if i == segs.len() - 1 {
            table.insert(seg.to_string(), value);
            return Ok(());
        }
        let missing = || format!("\"{path}\": `{}` does not exist", segs[..=i].join("."));
        table = match table.get_mut(seg).ok_or_else(missing)? {
            Value::Table(t) => t,
            Value::Array(items) => {
                i += 1;
                let name = segs[i];
                if i == segs.len() - 1 {
                    return Err(format!(
                        "\"{path}\" names an entry of `{seg}`; add the key to set in it"
                    ));
                }
                items
                    .iter_mut()
                    .filter_map(Value::as_table_mut)
                    .find(|t| t.get("name").and_then(Value::as_str) == Some(name))
                    .ok_or_else(|| format!("\"{path}\": `{seg}` has no entry named \"{name}\""))?
            }
            _ => {
                return Err(format!(
                    "\"{path}\": `{}` is a value, not a table",
                    segs[..=i].join(".")
                ));
            }
        };
        i += 1;
    }
}

/// A value as written on the command line: TOML if it parses (`4`, `0.5`, `true`), a string
/// otherwise (`capacity`, `1m`).
pub fn parse_value(text: &str) -> Value {
    format!("v = {text}")
        .parse::<Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(text.to_string()))
}

/// Sets `path` to `value` in the scenario's text, its comments and layout kept: what a
/// `--set` on `run`, `staff`, `check` or `compare` does, so that the scenario run is a file
/// (a shard's part, `plan.toml`) that says what was changed and where.
pub fn apply_text(
    doc: &mut toml_edit::DocumentMut,
    path: &str,
    value: &Value,
) -> Result<(), String> {
    let segs: Vec<&str> = path.split('.').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Err(format!(
            "\"{path}\" is not a dotted path such as teams.vendas.distribution"
        ));
    }
    let value: toml_edit::Value = value
        .to_string()
        .parse()
        .map_err(|e| format!("\"{path}\": {value} is not a TOML value: {e}"))?;
    set_in(doc.as_table_mut(), &segs, path, 0, value)
}

fn set_in(
    table: &mut dyn toml_edit::TableLike,
    segs: &[&str],
    path: &str,
    at: usize,
    value: toml_edit::Value,
) -> Result<(), String> {
    use toml_edit::Item;
    let seg = segs[at];
    if at == segs.len() - 1 {
        table.insert(seg, Item::Value(value));
        return Ok(());
    }
    let missing = || format!("\"{path}\": `{}` does not exist", segs[..=at].join("."));
    let named = |entry: &dyn toml_edit::TableLike, name: &str| {
        entry.get("name").and_then(Item::as_str) == Some(name)
    };
    let item = table.get_mut(seg).ok_or_else(missing)?;
    if matches!(item, Item::ArrayOfTables(_)) || item.as_array().is_some() {
        let Some(&name) = segs.get(at + 1).filter(|_| at + 1 < segs.len() - 1) else {
            return Err(format!(
                "\"{path}\" names an entry of `{seg}`; add the key to set in it"
            ));
        };
        let no_entry = || format!("\"{path}\": `{seg}` has no entry named \"{name}\"");
        let entry: &mut dyn toml_edit::TableLike = match item {
            Item::ArrayOfTables(list) => list
                .iter_mut()
                .find(|t| named(*t, name))
                .map(|t| t as &mut dyn toml_edit::TableLike)
                .ok_or_else(no_entry)?,
            other => other
                .as_array_mut()
                .expect("just checked")
                .iter_mut()
                .filter_map(toml_edit::Value::as_inline_table_mut)
                .find(|t| named(*t, name))
                .map(|t| t as &mut dyn toml_edit::TableLike)
                .ok_or_else(no_entry)?,
        };
        return set_in(entry, segs, path, at + 2, value);
    }
    match item.as_table_like_mut() {
        Some(t) => set_in(t, segs, path, at + 1, value),
        None => Err(format!(
            "\"{path}\": `{}` is a value, not a table",
            segs[..=at].join(".")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"
name = "x"
[simulation]
horizon = "1d"
[[teams]]
name = "vendas"
distribution = "sequential"
[[teams]]
name = "suporte"
[inactivity.agent_queue]
first_alert = "2m"
"#;

    fn doc() -> Table {
        DOC.parse().unwrap()
    }

    #[test]
    fn paths_reach_tables_and_named_entries() {
        let mut d = doc();
        apply(
            &mut d,
            "teams.vendas.distribution",
            Value::String("capacity".into()),
        )
        .unwrap();
        apply(
            &mut d,
            "inactivity.agent_queue.first_alert",
            Value::String("1m".into()),
        )
        .unwrap();
        apply(&mut d, "teams.suporte.max_chats", Value::Integer(3)).unwrap();
        let teams = d["teams"].as_array().unwrap();
        assert_eq!(teams[0]["distribution"].as_str(), Some("capacity"));
        assert_eq!(teams[1]["max_chats"].as_integer(), Some(3));
        assert_eq!(
            d["inactivity"]["agent_queue"]["first_alert"].as_str(),
            Some("1m")
        );
    }

    #[test]
    fn paths_that_do_not_exist_are_named() {
        let mut d = doc();
        let v = || Value::Integer(1);
        assert!(
            apply(&mut d, "teams.plantao.distribution", v())
                .unwrap_err()
                .contains("no entry named \"plantao\"")
        );
        assert!(
            apply(&mut d, "agents.x.count", v())
                .unwrap_err()
                .contains("`agents` does not exist")
        );
        assert!(
            apply(&mut d, "simulation.horizon.x", v())
                .unwrap_err()
                .contains("is a value")
        );
        assert!(
            apply(&mut d, "teams.vendas", v())
                .unwrap_err()
                .contains("names an entry")
        );
        assert!(apply(&mut d, "teams..x", v()).is_err());
    }

    #[test]
    fn a_set_in_the_text_keeps_its_comments_and_reaches_named_entries() {
        let mut d: toml_edit::DocumentMut =
            format!("# the store\n{DOC}[[agents]]\nname = \"a\" # morning\ncount = 2\n")
                .parse()
                .unwrap();
        apply_text(&mut d, "agents.a.count", &Value::Integer(5)).unwrap();
        apply_text(
            &mut d,
            "teams.vendas.distribution",
            &Value::String("capacity".into()),
        )
        .unwrap();
        let text = d.to_string();
        assert!(text.starts_with("# the store\n"), "{text}");
        assert!(text.contains("name = \"a\" # morning\ncount = 5"), "{text}");
        assert!(text.contains("distribution = \"capacity\""), "{text}");
        let v = Value::Integer(1);
        assert!(
            apply_text(&mut d, "agents.b.count", &v)
                .unwrap_err()
                .contains("no entry named \"b\"")
        );
        assert!(
            apply_text(&mut d, "simulation.horizon.x", &v)
                .unwrap_err()
                .contains("is a value")
        );
        assert!(
            apply_text(&mut d, "teams.vendas", &v)
                .unwrap_err()
                .contains("names an entry")
        );
    }

    #[test]
    fn command_line_values_are_toml_or_strings() {
        assert_eq!(parse_value("4"), Value::Integer(4));
        assert_eq!(parse_value("0.5"), Value::Float(0.5));
        assert_eq!(parse_value("capacity"), Value::String("capacity".into()));
        assert_eq!(parse_value("1m30s"), Value::String("1m30s".into()));
        assert_eq!(parse_value("\"quoted\""), Value::String("quoted".into()));
    }
}
