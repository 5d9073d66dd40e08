//! `custom_probes`: which `probe_NAME` / `cmp_NAME` functions it defines, so that a
//! directory check can accept the custom keywords (R201) and probes (R203) defined there.

use std::collections::BTreeSet;

/// Names of the functions defined as `name()` (Solaris `check` greps `name[ \t]*()`, so the
/// parentheses must follow the name on the same line).
pub fn defined_functions(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.split('#').next().unwrap_or("");
        let Some(paren) = code.find('(') else {
            continue;
        };
        if !code[paren..].starts_with("()") && !code[paren + 1..].trim_start().starts_with(')') {
            continue;
        }
        let name = code[..paren].trim_end();
        let name = name.rsplit([' ', '\t', ';']).next().unwrap_or("");
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            out.insert(name.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_functions() {
        let t = "# probes\nprobe_disks ()\n{\n}\ncmp_disks() {\n  :\n}\nfoo bar()\n  x=(1)\n";
        let names = defined_functions(t);
        assert!(names.contains("probe_disks"));
        assert!(names.contains("cmp_disks"));
        assert!(names.contains("bar"));
        assert!(!names.contains("x"));
    }
}
