//! P216 pool-size: Pool, swap or dump sizes of pool cannot work

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::PoolSize;

pub static RULE: Rule = Rule {
    code: "P216",
    name: "pool-size",
    severity: Severity::Error,
    summary: "pool, swap or dump sizes of pool cannot work",
    doc: r#"## What
* `existing` as swap or dump size (it is only accepted for the pool size);
* a pool size of 0;
* swap and dump sizes that together fill the whole pool (all three given as numbers).

Sizes are MB unless suffixed `m` (MB) or `g` (GB); `auto` lets the installer choose
(swap: half of memory, 512 MB to 2 GB).

## Why
The installer creates the swap and dump volumes inside the pool; if they do not fit, or the
pool is empty, the install fails after the disks were relabelled.

## Example
```
pool rpool 8g 4g 4g c0t0d0s0     # swap + dump leave no room for the root file system
```"#,
};

fn mb(s: &PoolSize) -> Option<u64> {
    match s {
        PoolSize::Size(s) => s.megabytes(),
        _ => None,
    }
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, pool)) = ctx.pool else { return };
    for (what, s) in [("swap", &pool.swap_size), ("dump", &pool.dump_size)] {
        if s.value == PoolSize::Existing {
            out.push(
                Diagnostic::new(&RULE, s.span.clone(), format!("`existing` is not a valid {what} size: it is only accepted for the pool size"))
                    .label("expected a size (`N`, `Nm`, `Ng`) or `auto`"),
            );
        }
    }
    let pool_mb = mb(&pool.pool_size.value);
    if pool_mb == Some(0) {
        out.push(
            Diagnostic::new(
                &RULE,
                pool.pool_size.span.clone(),
                "a pool size of 0 leaves no room for the root pool",
            )
            .label("expected a size, `auto` or `existing`"),
        );
        return;
    }
    if let (Some(p), Some(s), Some(d)) = (
        pool_mb,
        mb(&pool.swap_size.value),
        mb(&pool.dump_size.value),
    ) && s.saturating_add(d) >= p
    {
        out.push(
            Diagnostic::new(
                &RULE,
                pool.pool_size.span.start..pool.dump_size.span.end,
                format!("swap ({s} MB) and dump ({d} MB) fill the whole {p} MB pool: no room is left for the root file system"),
            )
            .label("sizes in MB unless suffixed `g`")
            .help("make the pool larger, or use `auto` for swap and dump"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
pool rpool 8g 4g 4g c0t0d0s0
"#;
        assert!(codes(bad).contains(&"P216"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool 20g 4g 2g c0t0d0s0
"#;
        assert!(!codes(good).contains(&"P216"), "{:?}", codes(good));
    }
}
