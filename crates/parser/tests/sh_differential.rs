//! Differential test: the parser's verdict on a script (syntax error or not) must be the
//! verdict of the real Solaris 10-like Bourne shell's `sh -n` (from the shared
//! s10-userland; see `s10_sh`). No ZFS needed.
//!
//! Scripts compared: every begin/finish script of fixtures/corpus, the lint fixtures'
//! scripts, hand-written cases that put each reserved word in each position the grammar
//! has, and 10,000 scripts from a small grammar-based generator, half of them mutated
//! (reserved words, quotes, backquotes, separators, here-documents inserted; bytes
//! deleted). The generator is seeded, so a failure is reproducible; a disagreement it
//! finds is fixed in the parser or kept in `REGRESSIONS` with the reason.
//!
//! `sh -n` of that shell also walks the commands it would run and expands their words
//! (without running anything): it then reports `bad substitution` (status 1) for
//! `${#v}` and friends, which zflash reports as warnings. The generator does not write
//! those, and the verdict compared is "syntax error" (status 2) or not.

mod s10_sh;

use std::path::Path;

use zflash_parser::check::{FileKind, check_text};
use zflash_parser::shell;

/// Scripts on which the two once disagreed, kept so they stay agreed: (name, script, why).
const REGRESSIONS: &[(&str, &str, &str)] = &[
    (
        "done-as-first-case-pattern",
        "case $x in\n  done) echo ;;\nesac\n",
        "the shell reads a reserved word as the first pattern of an arm (loadzfs bug)",
    ),
    (
        "empty-command-after-pipe",
        "echo a | ;\n",
        "after `|` the shell accepts an empty command",
    ),
    (
        "assignment-before-command-with-redirection",
        "X=` else` true 's q' * >> /dev/null\n",
        "sh -n expands a command's leading assignments when it has a redirection",
    ),
    (
        "assignment-before-command",
        "X=`done` true\n",
        "sh -n does not expand the leading assignments of a plain external command",
    ),
    (
        "single-quoted-backquote-inside-a-substitution",
        "X=\"`true it''s' \"a'b\"` # note; then :\n",
        "a backquote in single quotes is stored escaped, so the substitution runs on",
    ),
    (
        "backquote-in-else-branch",
        "if true; then :; else echo `done`; fi\n",
        "sh -n does not expand the else branch, so it never parses that backquote",
    ),
];

/// Compare the verdicts; returns the scripts left out (sh -n stopped early).
fn compare(sh: &Path, named: &[(String, String)]) -> Vec<String> {
    let texts: Vec<String> = named.iter().map(|(_, t)| t.clone()).collect();
    let verdicts = s10_sh::verdicts(sh, &texts);
    let mut disagreements = Vec::new();
    let mut stopped_early = Vec::new();
    for ((name, text), v) in named.iter().zip(&verdicts) {
        let parsed = shell::parse(text);
        // `sh -n` parses one top-level command at a time and walks it before reading the
        // next: a run-time error of that walk (`"$x": is not an identifier` for `for
        // "$x"`, status 1) ends it before it has read the rest, so it has no verdict on
        // the script. Those are counted, not compared.
        if !v.syntax_error && v.status == Some(1) {
            stopped_early.push(format!("{name}: {}", v.stderr.trim()));
            continue;
        }
        // What `zflash check` reports: J006 for the parse error and for every broken
        // backquote (reached by `sh -n` or not), so it rejects whatever `sh -n` rejects.
        let j006 = check_text(name, FileKind::Finish, text)
            .iter()
            .any(|d| d.code == "J006");
        let any_error = parsed.error.is_some() || !parsed.substitution_errors.is_empty();
        if j006 != any_error || (v.syntax_error && !j006) {
            disagreements.push(format!(
                "{name}: zflash check J006 {j006}, parser errors {any_error}, sh -n rejects {}",
                v.syntax_error
            ));
        }
        if parsed.rejected_by_sh_n() != v.syntax_error {
            disagreements.push(format!(
                "{name}: sh -n {} (status {:?}: {}), zflash {} ({:?})\n--- script ---\n{text}--- end ---",
                if v.syntax_error { "rejects" } else { "accepts" },
                v.status,
                v.stderr.trim(),
                if parsed.rejected_by_sh_n() { "rejects" } else { "accepts" },
                parsed.error.as_ref().map(|e| (&e.found, &e.expected)),
            ));
        }
    }
    eprintln!(
        "{} scripts compared, {} left out (sh -n stopped early with status 1)",
        named.len() - stopped_early.len(),
        stopped_early.len()
    );
    assert!(
        stopped_early.len() * 100 <= named.len().max(100),
        "sh -n stopped early (status 1) on more than 1% of the scripts: {stopped_early:?}"
    );
    if !disagreements.is_empty() {
        let dump = std::env::temp_dir().join("sh_differential_disagreements.txt");
        std::fs::write(&dump, disagreements.join("\n")).unwrap();
        eprintln!("all disagreements written to {}", dump.display());
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} scripts disagree:\n{}",
        disagreements.len(),
        named.len(),
        disagreements
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    stopped_early
}

#[test]
fn corpus_and_fixture_scripts_agree_with_sh_n() {
    let Some(sh) = s10_sh::shell("corpus_and_fixture_scripts_agree_with_sh_n") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut named = Vec::new();
    for dir in ["corpus/begin", "corpus/finish"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().unwrap() == "INDEX.tsv" {
                continue;
            }
            named.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
    for e in std::fs::read_dir(root.join("lint")).unwrap() {
        for f in std::fs::read_dir(e.unwrap().path()).unwrap() {
            let p = f.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".fin") || name.ends_with(".beg") || name == "custom_probes" {
                named.push((
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                ));
            }
        }
    }
    assert!(named.len() >= 9, "corpus scripts found");
    let left_out = compare(&sh, &named);
    // Only H005's fixture (`${file%.gz}`: sh -n stops with `bad substitution`) may be.
    assert!(
        left_out.iter().all(|n| n.contains("lint/H005/")),
        "corpus or fixture scripts not compared: {left_out:?}"
    );
}

const RESERVED: &[&str] = &[
    "case", "do", "done", "elif", "else", "esac", "fi", "for", "if", "in", "then", "until",
    "while", "{", "}",
];

/// Every position of the grammar a word can take, `@` standing for the word.
const POSITIONS: &[&str] = &[
    "@\n",
    "@ x\n",
    "echo @\n",
    "echo x; @\n",
    "echo x && @ y\n",
    "echo x | @ y\n",
    "x=1 @\n",
    "> /dev/null @ y\n",
    "echo x > @\n",
    "case @ in a) ;; esac\n",
    "case x in @) ;; esac\n",
    "case x in a) ;; @) ;; esac\n",
    "case x in a|@) ;; esac\n",
    "case x in a) @ ;; esac\n",
    "case x in a) echo @ ;; esac\n",
    "for @ in a; do :; done\n",
    "for i in @; do :; done\n",
    "for i in a @; do :; done\n",
    "for i in a; do @; done\n",
    "for i @ a; do :; done\n",
    "while @; do :; done\n",
    "while :; do @; done\n",
    "if @; then :; fi\n",
    "if :; then @; fi\n",
    "if :; then :; else @; fi\n",
    "if :; then :; fi @\n",
    "{ :; } @\n",
    "( : ) @\n",
    "{ @; }\n",
    "( @ )\n",
    "@() { :; }\n",
    "f() @\n",
    "echo `@`\n",
    "echo \"`@`\"\n",
    "echo `echo @`\n",
    "cat <<EOF\n@\nEOF\n",
    "cat <<@\nx\n@\n",
    "echo \"@\" '@' \\@\n",
    "case x in \"@\") ;; esac\n",
    "case x in\n@)\n;;\nesac\n",
    "for i in a\n@\n",
    "if :\nthen\n@\nfi\n",
];

#[test]
fn each_reserved_word_in_each_position_agrees_with_sh_n() {
    let Some(sh) = s10_sh::shell("each_reserved_word_in_each_position_agrees_with_sh_n") else {
        return;
    };
    let mut named = Vec::new();
    for w in RESERVED.iter().chain(&["x", "!", "[[", "local"]) {
        for p in POSITIONS {
            named.push((format!("{w:?} in {p:?}"), p.replace('@', w)));
        }
    }
    for (name, text, _why) in REGRESSIONS {
        named.push((name.to_string(), text.to_string()));
    }
    compare(&sh, &named);
}

/// xorshift64*: a seeded generator, so a failing script can be reproduced.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const ARGS: &[&str] = &[
    "a",
    "b",
    "-f",
    "/dev/null",
    "\"q w\"",
    "'s q'",
    "\"$x\"",
    "$x",
    "done",
    "if",
    "in",
    "\\done",
    "x=1",
    "`echo a`",
    "\"`echo b`\"",
    "*",
    "'it''s'",
    "\"a'b\"",
    "{",
    "}",
];
const NAMES: &[&str] = &[
    "echo", "true", ":", "test", "cat", "x=1", "grep", "f", "[", "X=a Y=b",
];
const PATTERNS: &[&str] = &["a", "b", "*", "\"done\"", "'fi'", "a|b", "in", "x*", "[ab]"];

fn simple(rng: &mut Rng) -> String {
    let mut s = rng.pick(NAMES).to_string();
    for _ in 0..rng.below(4) {
        s.push(' ');
        s.push_str(rng.pick(ARGS));
    }
    if rng.below(6) == 0 {
        s.push_str(rng.pick(&[" > /dev/null", " 2>&1", " < /dev/null", " >> /dev/null"]));
    }
    s
}

fn sep(rng: &mut Rng) -> &'static str {
    rng.pick(&["; ", "\n", ";\n", " &\n"])
}

fn command(rng: &mut Rng, depth: usize) -> String {
    let c = |rng: &mut Rng| command(rng, depth + 1);
    if depth > 3 {
        return simple(rng);
    }
    match rng.below(14) {
        0 => format!("if {}{}then {}{}fi", c(rng), sep(rng), c(rng), sep(rng)),
        1 => format!(
            "if {}{}then {}{}else {}{}fi",
            c(rng),
            sep(rng),
            c(rng),
            sep(rng),
            c(rng),
            sep(rng)
        ),
        2 => format!(
            "if {}; then {}; elif {}; then {}\nfi",
            c(rng),
            c(rng),
            c(rng),
            c(rng)
        ),
        3 => format!(
            "{} {}{}do {}{}done",
            rng.pick(&["while", "until"]),
            c(rng),
            sep(rng),
            c(rng),
            sep(rng)
        ),
        4 => format!(
            "for i {}{}do {}{}done",
            rng.pick(&[
                "in a b",
                "in x",
                "in \"$x\"",
                "in `echo a`",
                "",
                "in a\\\n b"
            ]),
            rng.pick(&["; ", "\n"]),
            c(rng),
            sep(rng)
        ),
        5 => {
            let mut s = format!("case {} in\n", rng.pick(&["a", "b", "x", "\"a\"", "zz"]));
            for _ in 0..1 + rng.below(3) {
                s.push_str(&format!("{}) {};;\n", rng.pick(PATTERNS), c(rng)));
            }
            s.push_str("esac");
            s
        }
        6 => format!("{{ {}; }}", c(rng)),
        7 => format!("( {} )", c(rng)),
        8 => format!("{} {{\n{}\n}}", rng.pick(&["f()", "f ()", "g( )"]), c(rng)),
        9 => format!("{} | {}", c(rng), c(rng)),
        10 => format!("{} && {}", c(rng), c(rng)),
        11 => format!("{} || {}", c(rng), c(rng)),
        12 => format!(
            "X=`{}`{}",
            simple(rng),
            rng.pick(&["", " # note", " \\\n  && :", "`echo \\`echo\\``"])
        ),
        _ => simple(rng),
    }
}

fn script(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..1 + rng.below(4) {
        if rng.below(8) == 0 {
            let quote = rng.pick(&["EOF", "'EOF'", "\\EOF", "-EOF"]);
            s.push_str(&format!("cat <<{quote}\n$x done)\n`echo`\n\tEOF\nEOF\n"));
            continue;
        }
        s.push_str(&command(rng, 0));
        s.push('\n');
    }
    s
}

const INSERTS: &[&str] = &[
    " case ", " do ", " done ", " elif ", " else ", " esac ", " fi ", " for ", " if ", " in ",
    " then ", " until ", " while ", " { ", " } ", ")", "(", ";", ";;", "\"", "'", "`", "\n", "|",
    "&", "&&", "<<EOF\n", "\\", "#", " done)", "$(", "^", ">", "<",
];

fn mutate(rng: &mut Rng, s: &str) -> String {
    let mut s = s.to_string();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(s.len() + 1);
        if rng.below(4) == 0 && !s.is_empty() {
            let end = (at + 1 + rng.below(5)).min(s.len());
            s.replace_range(at.min(end)..end, "");
        } else {
            s.insert_str(at, rng.pick(INSERTS));
        }
    }
    s
}

#[test]
fn ten_thousand_generated_scripts_agree_with_sh_n() {
    let Some(sh) = s10_sh::shell("ten_thousand_generated_scripts_agree_with_sh_n") else {
        return;
    };
    // ZFLASH_DIFF_SEED explores other scripts; the default seed is the one CI runs.
    let seed = std::env::var("ZFLASH_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_5eed_2026_1205);
    let mut rng = Rng(seed);
    let named: Vec<(String, String)> = (0..10_000)
        .map(|i| {
            let base = script(&mut rng);
            let text = if i % 2 == 1 {
                mutate(&mut rng, &base)
            } else {
                base
            };
            (format!("generated #{i}"), text)
        })
        .collect();
    compare(&sh, &named);
}
