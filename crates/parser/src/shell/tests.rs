use super::*;

fn rejected(text: &str) -> bool {
    parse(text).rejected_by_sh_n()
}

#[test]
fn reserved_words_in_case_patterns() {
    assert!(rejected("case x in done) ;; esac\n"));
    assert!(!rejected("case x in \"done\") ;; esac\n"));
    assert!(!rejected("case x in in) ;; esac\n"));
    assert!(!rejected("case x in a|done) ;; esac\n"));
    assert!(rejected("case x in esac) ;; esac\n"));
    assert!(rejected("case x in (a) ;; esac\n"));
    let e = parse("case $x in\n  a) ;;\n  done) echo ;;\nesac\n")
        .error
        .unwrap();
    assert_eq!(e.span, 21..25);
    assert!(
        e.hint.as_deref().unwrap().contains("\"done\")"),
        "{:?}",
        e.hint
    );
}

#[test]
fn bourne_quirks() {
    for bad in [
        "for x; do :; done\n",
        "for x in; do :; done\n",
        "X=$(date)\n",
        "echo $(date)\n",
        "if true; then :; fi done\n",
        "{ echo }\n",
        "if then fi\n",
        "a && ;\n",
        "echo a >| b\n",
        "cat <<< x\n",
        "f() echo hi > x\n",
    ] {
        assert!(rejected(bad), "{bad:?} should be rejected");
    }
    for good in [
        "echo \"abc\n",
        "echo 'abc\n",
        "echo a | ;\n",
        "echo a |\n",
        "f()\n",
        "echo \"$(date)\"\n",
        "a &>x\n",
        "a |& b\n",
        "cat <<EOF\n$(x\nEOF\n",
        "f() echo hi\n",
        "{ echo; }\n",
        "echo }\n",
        "a=b if\n",
        "! true\n",
        "x=1 for a\n",
        "for i do echo; done\n",
        "for i in a b\ndo\n  echo $i\ndone\n",
        "case x { a) ;; }\n",
        "echo a ^ cat\n",
        "cat <<-\tEOF\n\tdone)\n\tEOF\necho\n",
    ] {
        assert!(
            !rejected(good),
            "{good:?} should be accepted: {:?}",
            parse(good).error
        );
    }
}

#[test]
fn backquotes_are_parsed_where_sh_n_walks() {
    assert!(rejected("echo `done`\n"));
    assert!(rejected("if false; then echo `done`; fi\n"));
    assert!(!rejected("if true; then :; else echo `done`; fi\n"));
    assert!(!rejected("false || echo `done`\n"));
    assert!(rejected("true && echo `done`\n"));
    assert!(!rejected("while :; do echo `done`; done\n"));
    assert!(rejected("for i in a; do echo `done`; done\n"));
    assert!(!rejected("case a in b) echo `done`;; esac\n"));
    assert!(rejected("case a in *) echo `done`;; esac\n"));
    assert!(!rejected("f() { echo `done`; }\n"));
    assert!(rejected("echo `echo \\`done\\``\n"));
    assert!(!rejected("echo \"`echo \\\"`done`\\\"`\"\n"));
    // zflash still reports the unreached one.
    let s = parse("if true; then :; else echo `done`; fi\n");
    assert_eq!(s.substitution_errors.len(), 1);
    assert_eq!(s.substitution_errors[0].error.span, 28..32);
}

#[test]
fn commands_and_words_have_spans() {
    let s = parse("X=1 grep -q x /a/f && echo `sha256sum f`\n");
    let names: Vec<_> = s.commands.iter().filter_map(|c| c.name()).collect();
    assert_eq!(names, ["grep", "echo", "sha256sum"]);
    let sha = &s.commands[2].words[0];
    assert_eq!(
        &"X=1 grep -q x /a/f && echo `sha256sum f`\n"[sha.span.clone()],
        "sha256sum"
    );
}

#[test]
fn heredoc_bodies() {
    let t = "cat <<EOF >x\ndone)\nEOF\ncat <<'E'\n$(a)\nE\n";
    let s = parse(t);
    assert!(s.error.is_none());
    assert_eq!(s.heredocs.len(), 2);
    assert_eq!(&t[s.heredocs[0].body.clone()], "done)\n");
    assert!(!s.heredocs[1].expands);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let t = "(".repeat(5000);
    assert!(parse(&t).error.is_some());
    let long = "echo x;\n".repeat(20000);
    assert!(parse(&long).error.is_none());
}

#[test]
fn errors_point_at_the_token_with_what_was_expected() {
    let at = |t: &str| {
        let e = parse(t).error.expect("a syntax error");
        (e.span, e.expected, e.found)
    };
    let (span, expected, found) = at("echo a\n;\n");
    assert_eq!((span, found.as_str()), (7..8, "`;`"));
    assert_eq!(expected, "a command before `;`");
    let (span, expected, _) = at("if true\nthen echo\n");
    assert_eq!(span, 18..18);
    assert_eq!(expected, "`else`, `elif` or `fi`");
    let (span, expected, found) = at("for i in a b\ndo echo $i\n}\n");
    assert_eq!((span, found.as_str()), (24..25, "the reserved word `}`"));
    assert_eq!(expected, "`done`");
    let (span, _, found) = at("X=$(hostname)\n");
    assert_eq!((span, found.as_str()), (0..3, "`X=$`"));
}

#[test]
fn heredoc_terminators_are_unquoted_as_the_shell_does() {
    assert_eq!(lexer::unquote("'EOF\\'"), "EOF\\");
    assert_eq!(lexer::unquote("\\EOF"), "EOF");
    assert_eq!(lexer::unquote("\"E\\OF\""), "E\\OF");
    // `EOF\` never matches the line `EOF`: the body runs to the end of the file.
    let s = parse("cat <<'EOF\\'\nEOF\n( \n");
    assert!(s.error.is_none(), "{:?}", s.error);
}
