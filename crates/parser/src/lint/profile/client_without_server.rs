//! P224 client-without-server: client_arch/client_root/client_swap/num_clients without system_type server

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Keyword, SystemType};

pub static RULE: Rule = Rule {
    code: "P224",
    name: "client-without-server",
    severity: Severity::Error,
    summary: "client_arch/client_root/client_swap/num_clients without system_type server",
    doc: r#"## What
A `client_arch`, `client_root`, `client_swap` or `num_clients` line in a profile whose
`system_type` is not `server` (the default is `standalone`).

## Why
These size an OS server for diskless clients; `check` rejects them for standalone systems.

## Example
```
install_type initial_install
num_clients 5
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.system_type == SystemType::Server {
        return;
    }
    for l in &ctx.lines {
        if matches!(
            l.known_keyword(),
            Some(
                Keyword::ClientArch
                    | Keyword::ClientRoot
                    | Keyword::ClientSwap
                    | Keyword::NumClients
            )
        ) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    l.keyword.span.clone(),
                    format!(
                        "`{}` needs `system_type server` (this profile is `{}`)",
                        l.keyword.text(),
                        ctx.system_type
                    ),
                )
                .label("server-only keyword")
                .help("add `system_type server` or remove this line"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
num_clients 5
"#;
        assert!(codes(bad).contains(&"P224"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
system_type server
num_clients 5
"#;
        assert!(!codes(good).contains(&"P224"), "{:?}", codes(good));
    }
}
