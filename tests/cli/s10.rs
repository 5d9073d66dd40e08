//! The generated scripts under the Solaris 10 `/sbin/sh` (the SVR4 Bourne shell) and its
//! userland, without ZFS: `sh -n` of every generated script of every fixture and example
//! site, and the scripts' helpers where that userland differs (32-bit `printf`, the
//! native wrapper's fall-back). The loadzfs runs on zfs-fuse are in `generate.rs`.
//!
//! The userland is the one `ZFLASH_S10_USERLAND` names (`scripts/test` builds it); without
//! it these tests say so on stderr and do nothing, and under `CI` they fail.

use std::path::{Path, PathBuf};

use zflash_runtime::testpool::{Shell, s10_userland};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every site that generates: `fixtures/sites/*.yaml` and `fixtures/examples/*.yaml`.
fn sites() -> Vec<PathBuf> {
    let mut sites = Vec::new();
    for dir in ["fixtures/sites", "fixtures/examples"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                sites.push(path);
            }
        }
    }
    sites.sort();
    sites
}

/// `sh -n FILE` of the Solaris 10 shell of `userland`, with only its PATH.
fn syntax_check(userland: &Path, file: &Path) -> std::process::Output {
    Shell::S10(userland.to_path_buf())
        .command()
        .arg("-n")
        .arg(file)
        .output()
        .unwrap()
}

/// `sh -n` of the Solaris 10 shell accepts every generated shell script (each class's
/// loadzfs and native wrapper, each archive's capture script, the server's
/// add_install_client) of every site that
/// generates. JumpStart runs the finish scripts with that shell whatever their `#!` says:
/// one it rejects stops every install of that class.
#[test]
fn the_solaris_10_sh_accepts_every_generated_script() {
    let Some(userland) = s10_userland() else {
        return;
    };
    // The judge rejects what it must: a reserved word as a case pattern.
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.sh");
    std::fs::write(&bad, "case $x in\n    done) echo x ;;\nesac\n").unwrap();
    let out = syntax_check(&userland, &bad);
    assert!(
        !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("done"),
        "the Solaris 10 sh accepted `done)` as a case pattern: is {} that shell?",
        userland.join("bin/sh").display()
    );

    let mut loadzfs = 0;
    let mut native = 0;
    let mut capture = 0;
    let mut failures = Vec::new();
    for site in sites() {
        let Ok(files) = zflash_generator::generate(&site) else {
            continue;
        };
        let name = site.file_stem().unwrap().to_string_lossy().into_owned();
        let out = tmp.path().join(&name);
        zflash_generator::output::write(&out, &files, false).unwrap();
        for rel in files.keys() {
            let script = rel.starts_with("finish/")
                || rel.starts_with("capture/")
                || rel == "server/add_install_client";
            if !script {
                continue;
            }
            loadzfs += usize::from(rel.ends_with(".loadzfs"));
            capture += usize::from(rel.starts_with("capture/"));
            native += usize::from(rel.ends_with(".native"));
            let o = syntax_check(&userland, &out.join(rel));
            if !o.status.success() || !o.stderr.is_empty() {
                failures.push(format!(
                    "{} {rel}: {}",
                    site.display(),
                    String::from_utf8_lossy(&o.stderr).trim()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "the Solaris 10 sh rejects:\n{}",
        failures.join("\n")
    );
    // Every fixture kind was there: loadzfs scripts and a native wrapper.
    assert!(
        loadzfs >= 5 && native >= 1 && capture >= 5,
        "{loadzfs} loadzfs, {native} native, {capture} capture scripts"
    );
}

/// A shell function `name() { ... }` of the example site's `lab.loadzfs`.
fn loadzfs_function(name: &str) -> String {
    let files = zflash_generator::generate(&repo().join("fixtures/examples/site.yaml")).unwrap();
    let script = String::from_utf8(files["finish/lab.loadzfs"].bytes.clone()).unwrap();
    let start = script
        .find(&format!("\n{name}() {{"))
        .unwrap_or_else(|| panic!("no {name} in lab.loadzfs"))
        + 1;
    let end = start + script[start..].find("\n}\n").unwrap() + 3;
    script[start..end].to_string()
}

/// The guid `zfs get -p` prints (decimal, up to 2^64-1) becomes the 16 hex digits of the
/// archive id under every shell: Solaris 10's `printf '%016x'` would print 32 bits of it.
#[test]
fn a_64_bit_guid_becomes_16_hex_digits_under_every_shell() {
    let function = loadzfs_function("zf_hex16");
    let mut values = vec![
        0u64,
        1,
        15,
        16,
        255,
        0xffff_ffff,
        0x1_0000_0000,
        16_045_690_984_833_335_023,
        u64::MAX,
        u64::MAX - 1,
    ];
    let mut x = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        values.push(x);
    }
    let mut body = function.clone();
    for v in &values {
        body.push_str(&format!("zf_hex16 {v}\n"));
    }
    let want: Vec<String> = values.iter().map(|v| format!("{v:016x}")).collect();
    for shell in Shell::all() {
        let out = shell.command().arg("-c").arg(&body).output().unwrap();
        let got: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(
            got,
            want,
            "{}: {}",
            shell.name(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The native wrapper under every shell: with a zflash binary for the client's
/// architecture it runs `zflash finish` with the client's deploy config; without one it
/// falls back to the class's loadzfs, run with `$ZFLASH_SH` (default `/sbin/sh`).
#[test]
fn the_native_wrapper_runs_zflash_or_falls_back_to_loadzfs_under_every_shell() {
    let tmp = tempfile::tempdir().unwrap();
    let js = tmp.path().join("js");
    let files = zflash_generator::generate(&repo().join("fixtures/sites/mixed.yaml")).unwrap();
    zflash_generator::output::write(&js, &files, false).unwrap();
    // Stand-ins that print how they were called.
    let stub = |path: &Path, what: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, format!("#!/bin/sh\necho \"{what}: $*\"\n")).unwrap();
        std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
    };
    let fallback = tmp.path().join("fallback-sh");
    stub(&fallback, "sh");
    let zflash = js.join("bin/sparc/zflash");
    for shell in Shell::all() {
        let run = || {
            shell
                .command()
                .arg(js.join("finish/db.native"))
                .env("SI_CONFIG_DIR", &js)
                .env("SI_HOSTNAME", "db01")
                .env("SI_ARCH", "sparc")
                .env("ZFLASH_ALTROOT", "/a")
                .env("ZFLASH_SH", &fallback)
                .output()
                .unwrap()
        };
        let name = shell.name();

        let _ = std::fs::remove_file(&zflash);
        let out = run();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{name}: {stdout}");
        assert!(
            stdout.contains(&format!("sh: {}", js.join("finish/db.loadzfs").display())),
            "{name}: {stdout}"
        );

        stub(&zflash, "zflash");
        let out = run();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{name}: {stdout}");
        assert!(
            stdout.contains(&format!(
                "zflash: finish --config {} --altroot /a",
                js.join("deploy/db01.yaml").display()
            )),
            "{name}: {stdout}"
        );
    }
}

/// The Solaris 10 runs see only the userland's tools: a command Solaris 10 lacks is not
/// found there, so a script that calls one fails its test instead of passing on this
/// host's tools.
#[test]
fn the_solaris_10_runs_find_no_tool_solaris_10_lacks() {
    let Some(userland) = s10_userland() else {
        return;
    };
    let shell = Shell::S10(userland);
    for tool in [
        "sha256sum",
        "mktemp",
        "readlink",
        "seq",
        "stat",
        "bash",
        "false",
    ] {
        let out = shell
            .command()
            .arg("-c")
            .arg(format!("{tool} /dev/null"))
            .output()
            .unwrap();
        assert!(
            !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("not found"),
            "{tool} ran in the Solaris 10 userland: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // What the scripts use is there.
    let out = shell
        .command()
        .arg("-c")
        .arg("echo x | od -A n -t x1 | awk 'NR == 1 { print $1 }'; digest -a sha256 /dev/null")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "78\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
    );
}
