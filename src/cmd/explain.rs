//! `zflash explain`: print the documentation of a lint rule.

use std::io::Write;
use std::process::ExitCode;

use zflash_parser::lint;

#[derive(Debug, clap::Args)]
#[command(
    group = clap::ArgGroup::new("what").required(true),
    after_help = "Examples:
  zflash explain P215
  zflash explain unknown-match-keyword
  zflash explain Y101        # site-file problems of `zflash generate`
  zflash explain --list

Exit status: 0 printed; 2 unknown code or name."
)]
pub struct Args {
    /// Rule code (`R201`, case-insensitive) or name (`unknown-match-keyword`).
    #[arg(group = "what")]
    pub code: Option<String>,
    /// List every code with its severity, name and summary.
    #[arg(long, group = "what")]
    pub list: bool,
}

/// Edit distance, for "did you mean" on an unknown code or name.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(!ca.eq_ignore_ascii_case(cb));
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if args.list {
        for r in lint::all() {
            writeln!(
                out,
                "{:<6} {:<8} {:<36} {}",
                r.code,
                r.severity.as_str(),
                r.name,
                r.summary
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let wanted = args.code.unwrap_or_default();
    // A code names one rule; a name may be shared by several formats (`syntax-error` is
    // B101 and S101): print every rule it names.
    let found: Vec<_> = match lint::find(&wanted) {
        Some(r) if r.code.eq_ignore_ascii_case(&wanted) => vec![r],
        Some(_) => lint::all()
            .into_iter()
            .filter(|r| r.name == wanted)
            .collect(),
        None => Vec::new(),
    };
    match found.as_slice() {
        [_, ..] => {
            for (i, r) in found.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                writeln!(out, "{} {} ({})\n", r.code, r.name, r.severity.as_str())?;
                writeln!(out, "{}\n", r.summary)?;
                write!(out, "{}", r.doc)?;
                if !r.doc.ends_with('\n') {
                    writeln!(out)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        [] => {
            // Every code is four characters, so a code suggestion is only worth making
            // one typo away; names are longer and tolerate more.
            let best = lint::all()
                .into_iter()
                .flat_map(|r| {
                    [
                        (distance(&wanted, r.code), 1, r),
                        (distance(&wanted, r.name), 3.max(wanted.len() / 3), r),
                    ]
                })
                .filter(|(d, limit, _)| d <= limit)
                .min_by_key(|(d, _, r)| (*d, r.code));
            let mut err = std::io::stderr().lock();
            write!(err, "zflash: error: unknown rule `{wanted}`")?;
            match best {
                Some((_, _, r)) => {
                    writeln!(err, "; did you mean `{}` ({})?", r.code, r.name)?;
                }
                None => writeln!(err)?,
            }
            writeln!(err, "Run `zflash explain --list` for every code.")?;
            Ok(ExitCode::from(2))
        }
    }
}
