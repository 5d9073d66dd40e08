//! Fuzzing of every reader of untrusted input: the JumpStart parsers (every kind, every
//! output format), the send stream reader, the site validator and the deploy-config
//! reader. Each target is a proptest property: no input panics, and none takes longer than
//! [`slow`] (a "timeout"). A failing input is shrunk and printed by proptest.
//!
//! CI runs a small fixed-seed run (`ZFLASH_FUZZ_CASES` unset: 200 cases per target, seed
//! below). `scripts/fuzz` runs them at scale (≥ 250,000 cases per target, 4 targets, a
//! fresh seed each run) and prints the figures these tests report on stderr.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// Cases per target without `ZFLASH_FUZZ_CASES`.
const CI_CASES: u32 = 200;
/// Seed of the CI run (any value; fixed so a CI failure reproduces).
const CI_SEED: u64 = 0x7a66_6c61_7368_0012;
/// Longest a single input may take (a debug build on a loaded 2-core machine) unless
/// `ZFLASH_FUZZ_SLOW_MS` says otherwise (`scripts/fuzz` runs a release build with 1 s).
fn slow() -> Duration {
    std::env::var("ZFLASH_FUZZ_SLOW_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(10), Duration::from_millis)
}

fn config() -> Config {
    let (cases, seed) = match std::env::var("ZFLASH_FUZZ_CASES") {
        Ok(n) => (
            n.parse().expect("ZFLASH_FUZZ_CASES is a number"),
            match std::env::var("ZFLASH_FUZZ_SEED") {
                Ok(s) => RngSeed::Fixed(s.parse().expect("ZFLASH_FUZZ_SEED is a number")),
                Err(_) => RngSeed::Random,
            },
        ),
        Err(_) => (CI_CASES, RngSeed::Fixed(CI_SEED)),
    };
    Config {
        cases,
        rng_seed: seed,
        failure_persistence: None,
        max_shrink_iters: 2048,
        ..Config::default()
    }
}

/// Per-target figures: cases run, slowest case.
struct Stats {
    name: &'static str,
    cases: AtomicU64,
    slowest_us: AtomicU64,
    bytes: AtomicU64,
}

impl Stats {
    const fn new(name: &'static str) -> Self {
        Stats {
            name,
            cases: AtomicU64::new(0),
            slowest_us: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    /// Time one case; a case slower than [`slow`] fails the property.
    fn time<T>(&self, len: usize, f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
        let start = Instant::now();
        let out = f();
        let took = start.elapsed();
        self.cases.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len as u64, Ordering::Relaxed);
        self.slowest_us
            .fetch_max(took.as_micros() as u64, Ordering::Relaxed);
        if took > slow() {
            return Err(TestCaseError::fail(format!(
                "timeout: one input took {took:?} (limit {:?})",
                slow()
            )));
        }
        Ok(out)
    }

    fn report(&self, started: Instant) {
        eprintln!(
            "fuzz {}: {} inputs ({} bytes) in {:.1} s, slowest {} us, 0 panics, 0 timeouts",
            self.name,
            self.cases.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
            started.elapsed().as_secs_f64(),
            self.slowest_us.load(Ordering::Relaxed)
        );
    }
}

/// Text that is mostly JumpStart-, YAML- and sysidcfg-looking, with odd bytes.
fn jumpstart_text() -> impl Strategy<Value = Vec<u8>> {
    let word = prop::sample::select(vec![
        "hostname",
        "any",
        "-",
        "=",
        "web.prof",
        "post.fin",
        "pre.beg",
        "&&",
        "!",
        "probe",
        "install_type",
        "initial_install",
        "pool",
        "rpool",
        "auto",
        "mirror",
        "c0t0d0s0",
        "filesys",
        "cluster",
        "SUNWCreq",
        "bootenv",
        "installbe",
        "root_password",
        "{",
        "}",
        "\\",
        "#",
        "'",
        "\"",
        "karch",
        "sun4v",
        "memsize",
        "1-2",
        "network_interface",
        "PRIMARY",
        "name_service",
        "LDAP",
        "timezone",
        "US/Pacific",
        "\r",
        "\0",
        "\u{e9}",
        "root=js:/x",
        "*",
        "()",
        ";",
        "$(",
        "`",
        "case",
        "esac",
        "if",
        "fi",
        "then",
        "do",
        "done",
        "<<",
        "EOF",
        "${X:-y}",
        "|",
        ":",
        "a",
        "1.2.3.4",
        "255.255.255.0",
        "/dev/dsk",
    ]);
    let sep = prop::sample::select(vec![" ", "\t", "\n", "\\\n", " && ", "=", ""]);
    let piece = (word, sep).prop_map(|(w, s)| format!("{w}{s}").into_bytes());
    prop_oneof![
        8 => proptest::collection::vec(piece, 0..64).prop_map(|v| v.concat()),
        1 => proptest::collection::vec(any::<u8>(), 0..512),
    ]
}

static PARSERS: Stats = Stats::new("parsers (every kind, every format)");

#[test]
fn parsers_never_panic_or_hang() {
    use zflash_parser::check::{CheckReport, FileKind, check_bytes_as};
    use zflash_parser::render::{Format, RenderOptions, render};
    let started = Instant::now();
    let formats = [Format::Human, Format::Json, Format::Sarif, Format::Github];
    proptest!(config(), |(bytes in jumpstart_text(), kind in 0..FileKind::ALL.len(), format in 0usize..4)| {
        PARSERS.time(bytes.len(), || {
            let mut report = CheckReport::default();
            report.add(check_bytes_as("f", FileKind::ALL[kind], &bytes));
            render(&report, formats[format], &RenderOptions::default());
        })?;
    });
    PARSERS.report(started);
}

static STREAMS: Stats = Stats::new("send stream reader");

fn raw_stream(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/streams")
        .join(rel);
    let mut v = Vec::new();
    zflash_archive::Archive::open(&p)
        .unwrap()
        .reader_with(false)
        .unwrap()
        .read_to_end(&mut v)
        .unwrap();
    v
}

#[test]
fn stream_reader_never_panics_or_hangs() {
    let bases = [
        raw_stream("zfs-fuse/empty.zs"),
        raw_stream("zfs-fuse/ci.zs"),
        raw_stream("zfs-fuse/repincr.zs"),
    ];
    let started = Instant::now();
    let mutation = (any::<usize>(), any::<u64>(), 0u8..4);
    proptest!(config(), |(which in 0usize..3, muts in proptest::collection::vec(mutation, 1..6), chunk in 1usize..9000)| {
        let mut b = bases[which].clone();
        for (at, v, op) in muts {
            if b.is_empty() {
                break;
            }
            let at = at % b.len();
            match op {
                0 => b[at] ^= 1 << (v % 8),
                1 => b.truncate(at),
                2 => b.splice(at..at, v.to_le_bytes()).for_each(drop),
                _ => {
                    let end = (at + 8).min(b.len());
                    b[at..end].copy_from_slice(&v.to_le_bytes()[..end - at]);
                }
            }
        }
        STREAMS.time(b.len(), || {
            let mut v = zflash_archive::StreamVerifier::new();
            let mut ok = true;
            for c in b.chunks(chunk) {
                if v.update(c).is_err() {
                    ok = false;
                    break;
                }
            }
            if ok {
                let _ = v.finish();
            }
        })?;
    });
    STREAMS.report(started);
}

/// YAML-ish text for the site and deploy-config readers: real keys, odd values.
fn yaml_text(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    let key = prop::sample::select(keys);
    let value = prop::sample::select(vec![
        "",
        "x",
        "-rf",
        "on",
        "\"on\"",
        "1",
        "-1",
        "18446744073709551616",
        "[a, b]",
        "{a: b}",
        "/a/b",
        "../../etc/passwd",
        "server:/path",
        "http://h/x",
        "~",
        "null",
        "&a",
        "*a",
        "!!binary AA==",
        "'q'",
        "\"unterminated",
        "8:0:20:a1:b2:01",
        "10.1.1.1",
        "s10u6",
        "\t",
        "yes",
        "no",
        "US/Pacific",
        "|\n  block",
        ">-\n  folded",
        "\u{feff}",
    ]);
    let indent = prop::sample::select(vec!["", "  ", "    ", "  - ", "\t"]);
    let line = (indent, key, value).prop_map(|(i, k, v)| format!("{i}{k}: {v}\n"));
    prop_oneof![
        8 => proptest::collection::vec(line, 0..40).prop_map(|v| v.concat()),
        1 => proptest::collection::vec(any::<char>(), 0..256).prop_map(|v| v.into_iter().collect()),
    ]
}

static SITES: Stats = Stats::new("site validator");

#[test]
fn site_validator_never_panics_or_hangs() {
    const KEYS: &[&str] = &[
        "version",
        "server",
        "archives",
        "golden",
        "path",
        "location",
        "sysidcfg",
        "timezone",
        "locale",
        "terminal",
        "root_password",
        "network",
        "netmask",
        "default_route",
        "classes",
        "desktop",
        "archive",
        "finish",
        "deploy",
        "be",
        "properties",
        "compression",
        "-rf",
        "profile",
        "disks",
        "clients",
        "hostname",
        "mac",
        "ip",
        "class",
        "karch",
        "identity",
        "create",
        "remove",
        "increments",
        "name_service",
        "domain",
        "dns",
        "install_path",
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.yaml");
    let started = Instant::now();
    proptest!(config(), |(text in yaml_text(KEYS))| {
        SITES.time(text.len(), || {
            let _ = zflash_generator::validate::load(&path, &text);
        })?;
    });
    SITES.report(started);
}

static CONFIGS: Stats = Stats::new("deploy-config reader");

#[test]
fn deploy_config_reader_never_panics_or_hangs() {
    const KEYS: &[&str] = &[
        "version",
        "archive",
        "increments",
        "manifest",
        "pool",
        "be_name",
        "properties",
        "compression",
        "-rf",
        "identity_reset",
        "remove",
        "create",
        "preserve_logs",
        "paths",
        "hooks",
        "name",
        "argv",
        "options",
        "snapshot",
        "source_mountpoint",
        "be_mountpoint",
        "sysidcfg",
        "activate",
        "bogus",
    ];
    let started = Instant::now();
    proptest!(config(), |(text in yaml_text(KEYS))| {
        CONFIGS.time(text.len(), || {
            if let Ok(c) = zflash_runtime::config::DeployConfig::from_yaml(&text) {
                let _ = c.validate();
            }
        })?;
    });
    CONFIGS.report(started);
}
