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
    fn command_line_values_are_toml_or_strings() {
        assert_eq!(parse_value("4"), Value::Integer(4));
        assert_eq!(parse_value("0.5"), Value::Float(0.5));
        assert_eq!(parse_value("capacity"), Value::String("capacity".into()));
        assert_eq!(parse_value("1m30s"), Value::String("1m30s".into()));
        assert_eq!(parse_value("\"quoted\""), Value::String("quoted".into()));
    }
}
