//! The JSON Schema of `generate --schema` catches value mistakes in an editor: every
//! fixture site validates against it, and every `fixtures/sites/bad` case that is a value
//! (or key) mistake fails it. The validator below covers the keywords the schema uses.

use std::path::{Path, PathBuf};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema() -> Value {
    serde_json::from_str(&zflash_generator::site::json_schema()).unwrap()
}

/// The site file as JSON (YAML read by the same library `generate` uses).
fn site_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Validate `v` against `s` (resolving `#/$defs/…` in `root`); the failures, by path.
fn validate(root: &Value, s: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return validate(root, &root["$defs"][name], v, at, out);
    }
    if let Some(types) = s.get("type") {
        let types: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let ok = types.iter().any(|t| match *t {
            "string" => v.is_string(),
            "integer" => v.is_u64() || v.is_i64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "object" => v.is_object(),
            "array" => v.is_array(),
            "null" => v.is_null(),
            _ => false,
        });
        if !ok {
            out.push(format!("{at}: not {types:?}"));
            return;
        }
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        out.push(format!("{at}: not {c}"));
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        out.push(format!("{at}: {v} not in {e:?}"));
    }
    if let (Some(p), Some(text)) = (s.get("pattern").and_then(Value::as_str), v.as_str())
        && !regex::Regex::new(p).unwrap().is_match(text)
    {
        out.push(format!("{at}: {text:?} does not match {p}"));
    }
    if let Some(obj) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        for key in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !obj.contains_key(key) {
                out.push(format!("{at}: missing {key}"));
            }
        }
        for (k, val) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => validate(root, ps, val, &format!("{at}.{k}"), out),
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => out.push(format!("{at}: unknown key {k}")),
                    Some(extra @ Value::Object(_)) => {
                        validate(root, extra, val, &format!("{at}.{k}"), out)
                    }
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
        for (i, item) in arr.iter().enumerate() {
            validate(root, items, item, &format!("{at}[{i}]"), out);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = s.get(key).and_then(Value::as_array) {
            // An optional value (`anyOf [T, null]`) that is given: T's failures, by path.
            let not_null: Vec<&Value> = alts
                .iter()
                .filter(|a| a.get("type") != Some(&Value::from("null")))
                .collect();
            if key == "anyOf" && !v.is_null() && not_null.len() == 1 && alts.len() == 2 {
                validate(root, not_null[0], v, at, out);
                continue;
            }
            let passing = alts
                .iter()
                .filter(|a| {
                    let mut e = Vec::new();
                    validate(root, a, v, at, &mut e);
                    e.is_empty()
                })
                .count();
            if passing == 0 || (key == "oneOf" && passing > 1) {
                out.push(format!("{at}: {passing} of the {key} alternatives match"));
            }
        }
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        for a in all {
            validate(root, a, v, at, out);
        }
    }
}

fn failures(path: &Path) -> Vec<String> {
    let root = schema();
    let mut out = Vec::new();
    validate(&root, &root, &site_json(path), "", &mut out);
    out
}

#[test]
fn every_fixture_site_validates_against_the_schema() {
    let mut sites: Vec<PathBuf> = std::fs::read_dir(repo().join("fixtures/sites"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    sites.push(repo().join("fixtures/examples/site.yaml"));
    sites.push(repo().join("fixtures/examples/site-600.yaml"));
    sites.push(repo().join("fixtures/examples/site-multi.yaml"));
    for path in sites {
        let f = failures(&path);
        assert!(f.is_empty(), "{}: {f:#?}", path.display());
    }
}

#[test]
fn value_and_key_mistakes_fail_the_schema() {
    let schema = schema();
    assert_eq!(schema["properties"]["version"]["const"], 1);
    // Every bad fixture whose mistake is in a single value or key (not a relation between
    // values, such as a duplicate or an unknown class, which only `generate` can see; nor
    // syntax.yaml, which is not YAML).
    for (name, want) in [
        ("malformed.yaml", ".clients[0].mac"),
        ("metacharacters.yaml", ".clients[0].hostname"),
        ("every-section.yaml", ".server.ip"),
        ("unknown-key.yaml", "unknown key colour"),
    ] {
        let f = failures(&repo().join("fixtures/sites/bad").join(name));
        assert!(f.iter().any(|m| m.contains(want)), "{name}: {f:#?}");
    }
    let every = failures(&repo().join("fixtures/sites/bad/every-section.yaml"));
    for want in [
        ".archives.a.sha256",
        ".clients[0].arch",
        ".classes.desk.profile.disks[1]",
        ".classes.desk.sysidcfg.root_password",
    ] {
        assert!(
            every.iter().any(|m| m.starts_with(want)),
            "{want}: {every:#?}"
        );
    }
}

/// An explicit `null` is "not given" for the reader (every `Option` field): the schema
/// accepts it too, enums included, so that an editor does not flag what `generate` takes.
#[test]
fn explicit_nulls_the_reader_accepts_validate() {
    let text = std::fs::read_to_string(repo().join("fixtures/sites/minimal.yaml"))
        .unwrap()
        .replace(
            "    timezone: US/Central\n",
            "    timezone: US/Central\n    service_profile: null\n    auto_reg: ~\n    locale:\n",
        )
        .replace(
            "    ip: 192.168.10.21\n",
            "    ip: 192.168.10.21\n    arch: null\n    karch: ~\n    class: null\n",
        );
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("nulls.yaml");
    std::fs::write(&path, &text).unwrap();
    zflash_generator::generate(&path).unwrap_or_else(|e| panic!("{e}"));
    let f = failures(&path);
    assert!(f.is_empty(), "{f:#?}");
    // And a value outside an enum still fails.
    std::fs::write(&path, text.replace("arch: null", "arch: x86")).unwrap();
    assert!(
        failures(&path)
            .iter()
            .any(|m| m.contains(".clients[0].arch"))
    );
}
