use super::*;

fn parse_str(text: &str) -> (RulesFile, Vec<Diagnostic>) {
    parse(&SourceFile::new("rules", text))
}

#[test]
fn round_trip_examples() {
    for text in [
        "",
        "# c\n\nhostname a - p -\n",
        "probe osname\nmemsize 2048-65536 && ! model \\\n    'SUNW,Sun-Fire-V240'  pick.beg = -  # x\r\n",
        "a 1&&arch sparc - p -",
        "  \t!model 'a b' - p - \n",
    ] {
        let (f, _) = parse_str(text);
        assert_eq!(f.to_source(), text);
    }
}
