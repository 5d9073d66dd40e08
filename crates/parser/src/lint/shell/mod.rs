//! Lint rules for begin/finish scripts and `custom_probes` as Solaris 10's `/sbin/sh` (the
//! SVR4 Bourne shell) reads them: `J006` (syntax error) and the `H` codes (constructs that
//! parse but misbehave there, commands and options Solaris 10 lacks).
//!
//! The script is parsed once by [`crate::shell::parse`]; each rule looks at the result.

use crate::diagnostic::{Diagnostic, Rule};
use crate::shell::{self, Script};
use crate::source::SourceFile;

pub mod arithmetic_expansion;
pub mod background_redirect;
pub mod caret_pipe;
pub mod dollar_paren_substitution;
pub mod double_bracket_test;
pub mod echo_option;
pub mod export_assignment;
pub mod missing_command;
pub mod negated_command;
pub mod non_bourne_builtin;
pub mod parameter_expansion;
pub mod syntax_error;
pub mod test_operator;

/// The rules of this group (one file each).
pub static RULES: &[&Rule] = &[
    &syntax_error::RULE,
    &dollar_paren_substitution::RULE,
    &arithmetic_expansion::RULE,
    &double_bracket_test::RULE,
    &non_bourne_builtin::RULE,
    &parameter_expansion::RULE,
    &negated_command::RULE,
    &export_assignment::RULE,
    &test_operator::RULE,
    &caret_pipe::RULE,
    &background_redirect::RULE,
    &echo_option::RULE,
    &missing_command::RULE,
];

/// Parse `src` as `/sbin/sh` does and run every rule of the group.
pub fn check(src: &SourceFile) -> Vec<Diagnostic> {
    let script = shell::parse(&src.text);
    let mut out = syntax_error::check(&script);
    let texts = expanded_texts(src, &script);
    out.extend(dollar_paren_substitution::check(&texts));
    out.extend(arithmetic_expansion::check(&texts));
    out.extend(parameter_expansion::check(&texts));
    out.extend(double_bracket_test::check(&script));
    out.extend(non_bourne_builtin::check(&script));
    out.extend(negated_command::check(&script));
    out.extend(export_assignment::check(&script));
    out.extend(test_operator::check(&script));
    out.extend(caret_pipe::check(&script));
    out.extend(background_redirect::check(&script));
    out.extend(echo_option::check(&script));
    out.extend(missing_command::check(&script));
    // Offsets inside a word are counted in the word as the shell reads it (without
    // `\`-newline pairs), so one may be a little off in a word that has them: keep every
    // span on character boundaries of the file.
    for d in &mut out {
        d.span = char_boundary(&src.text, d.span.start)..char_boundary(&src.text, d.span.end);
        for l in &mut d.secondary {
            l.span = char_boundary(&src.text, l.span.start)..char_boundary(&src.text, l.span.end);
        }
    }
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out
}

fn char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A text the shell expands `$` in: a word, or the body of a here-document with an
/// unquoted terminator. `mask` has quoted characters blanked (see
/// [`shell::expansion`]); `start` is where it begins in the file.
pub struct ExpandedText {
    pub mask: Vec<u8>,
    pub start: usize,
    pub heredoc: bool,
}

fn expanded_texts(src: &SourceFile, script: &Script) -> Vec<ExpandedText> {
    let mut out: Vec<ExpandedText> = script
        .words
        .iter()
        .map(|(w, _)| ExpandedText {
            mask: shell::expansion(&w.text, false).mask,
            start: w.span.start,
            heredoc: false,
        })
        .collect();
    out.extend(
        script
            .heredocs
            .iter()
            .filter(|h| h.expands)
            .map(|h| ExpandedText {
                mask: shell::expansion(&src.text[h.body.clone()], true).mask,
                start: h.body.start,
                heredoc: true,
            }),
    );
    out
}

/// Byte offsets of `needle` in `hay`.
pub(crate) fn find_all<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    (0..hay.len().saturating_sub(needle.len() - 1)).filter(move |&i| hay[i..].starts_with(needle))
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{assert_fixtures_raise_only_their_code, codes};

    fn check(src: &crate::source::SourceFile) -> Vec<crate::diagnostic::Diagnostic> {
        super::check(src)
    }

    #[test]
    fn fixtures() {
        assert_fixtures_raise_only_their_code(super::RULES, "post.fin", check);
    }

    proptest::proptest! {
        /// Any text: no panic, every span inside the file on character boundaries.
        #[test]
        fn any_text_is_parsed_without_panic(text in "(\\PC|[\\n`'\"\\\\$(){};|&<>^]|done|esac|<<E\nE\n){0,80}") {
            let src = crate::source::SourceFile::new("x.fin", text.clone());
            for d in check(&src) {
                proptest::prop_assert!(d.span.start <= d.span.end && d.span.end <= text.len());
                proptest::prop_assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
            }
        }
    }

    #[test]
    fn clean_bourne_script_has_no_finding() {
        let ok = "#!/sbin/sh\nif [ ! -f /a/x ]; then test ! -d /a/y; fi\necho hi!  there\n\
                  # $(not code) [[ in comment\nX=`hostname`\nROOT=/a; export ROOT\n\
                  [ -f /a/etc/motd ] && echo \"${X}\" \"${Y:-z}\"\ncat <<'EOF' > /a/etc/motd\n\
                  $(kept) ${#x}\nEOF\nlocalize=1\necho 'PS1=$(hostname)' >> /a/etc/profile\n\
                  case $x in \"done\") ;; esac\n";
        assert_eq!(codes(check, "post.fin", ok), Vec::<&str>::new());
    }
}
