//! J006 shell-syntax-error.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::shell::{Script, SyntaxError, TokenKind};

pub static RULE: Rule = Rule {
    code: "J006",
    name: "shell-syntax-error",
    severity: Severity::Error,
    summary: "a begin/finish script is not valid for Solaris 10's /sbin/sh (syntax error)",
    doc: "\
## What it does
Parses begin and finish scripts (and `custom_probes`) with the grammar of the SVR4 Bourne
shell, Solaris 10's `/sbin/sh`, and reports where that shell would stop with `syntax error
at line N: `…' unexpected`, with what it expected there. Also reported: a syntax error in a
backquoted command (`` `…` ``), which that shell parses when the command runs.

That shell is stricter than dash, posh or `shellcheck -s sh`:
- a reserved word (`case do done elif else esac fi for if in then until while { }`) is
  recognised at the start of a command **and as the first pattern of a `case` arm**:
  `done)` is a syntax error there (quote it: `\"done\")`); `a|done)` is not;
- `$( … )` and `$(( … ))` do not exist: `X=$(hostname)` is a syntax error;
- a `case` pattern may not start with `(`;
- `for x; do` and `for x in; do` are syntax errors (write `for x do`);
- `>|`, `<<<`, `function f {` … `}` are not Bourne shell.

## Why is this bad?
The installer runs the script with `/sbin/sh` whatever its `#!` line says. A syntax
error stops it before (or, inside backquotes, when) the faulty command runs: the client is
left half-configured.

## Example
```
case $state in
  done) exit 0 ;;
esac
HOST=$(hostname)
```
Use instead:
```
case $state in
  \"done\") exit 0 ;;
esac
HOST=`hostname`
```
",
};

/// How to write a construct for `/sbin/sh`: the parser's hint, or one from the token it
/// stopped at.
fn advice(e: &SyntaxError) -> String {
    if let Some(hint) = &e.hint {
        return hint.clone();
    }
    let found = e.found.as_str();
    match e.token {
        TokenKind::Word(Some(_)) => {
            "a reserved word is only a plain word where no command or first case pattern \
             starts: quote it (`\"done\"`) or check the `if`/`fi`, `do`/`done`, `case`/`esac` \
             pairs"
        }
        TokenKind::LParen if found.contains('(') => {
            "`$( )` and `$(( ))` are not Bourne shell: use backquotes (`cmd`) and `expr`; \
             a literal `(` must be quoted"
        }
        TokenKind::Redirect { .. } => {
            "`<<<`, `>|` and `&>` are not Bourne shell: use a here-document, `>`, and \
             `>file 2>&1`"
        }
        TokenKind::Eof => "something opened (`if`, `case`, `{`, a loop) is never closed",
        _ => "see `zflash explain J006` for the constructs /sbin/sh does not have",
    }
    .to_string()
}

pub fn check(script: &Script) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(e) = &script.error {
        out.push(
            Diagnostic::new(
                &RULE,
                e.span.clone(),
                format!(
                    "syntax error for /sbin/sh: expected {}, found {}",
                    e.expected, e.found
                ),
            )
            .label("/sbin/sh stops here")
            .help(advice(e)),
        );
    }
    for s in &script.substitution_errors {
        let e = &s.error;
        out.push(
            Diagnostic::new(
                &RULE,
                e.span.clone(),
                format!(
                    "syntax error for /sbin/sh in a backquoted command: expected {}, found {}",
                    e.expected, e.found
                ),
            )
            .label("/sbin/sh stops here when it runs this substitution")
            .secondary(s.substitution.clone(), "in this command substitution")
            .help(advice(e)),
        );
    }
    out
}
