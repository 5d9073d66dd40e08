//! Test support: throw-away zfs-fuse pools and a miniroot-like state.
//!
//! Used by this crate's tests, the CLI tests and the benchmarks; public so that every
//! test in the workspace builds pools the same way. Rules it keeps:
//! - every pool gets a unique name (`zft<pid>x<n><tag>`) and lives on sparse files in
//!   its own temporary directory;
//! - `Drop` destroys only the pool it created (with retries: zfs-fuse answers
//!   "pool is busy" for a moment after writes), even when the test panicked;
//! - [`require_zfs`] fails loudly when zfs-fuse is missing and `CI` or
//!   `ZFLASH_REQUIRE_ZFS` is set; otherwise it prints why the test is skipped;
//! - ZFS tests run one at a time, across threads and processes ([`ZfsLock`]): zfs-fuse
//!   was seen to wedge (every FUSE request of every pool hanging in `fuse_get_req`) when
//!   several test binaries created and mounted datasets in different pools at once.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Is a zfs-fuse (or any ZFS) daemon answering?
pub fn zfs_available() -> bool {
    Command::new("zpool")
        .arg("list")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Returns true when ZFS tests can run. Panics when they must run (CI) but cannot.
pub fn require_zfs() -> bool {
    if zfs_available() {
        return true;
    }
    let must = std::env::var_os("CI").is_some() || std::env::var_os("ZFLASH_REQUIRE_ZFS").is_some();
    if must {
        panic!(
            "zfs-fuse is not running but CI/ZFLASH_REQUIRE_ZFS is set: run scripts/setup (as root) first"
        );
    }
    eprintln!("SKIPPED: zfs-fuse is not running (run scripts/setup as root to enable ZFS tests)");
    false
}

/// Debian's `busybox-static` (installed by `scripts/setup`), where it is installed.
pub const BUSYBOX: &str = "/bin/busybox";

/// The statically linked busybox for a golden image that needs a shell (chroot hooks),
/// or `None` (with a SKIPPED line) when it is missing. Panics when it is missing and
/// `CI` or `ZFLASH_REQUIRE_ZFS` is set, like [`require_zfs`].
pub fn require_busybox() -> Option<PathBuf> {
    let path = PathBuf::from(BUSYBOX);
    if path.is_file() {
        return Some(path);
    }
    let must = std::env::var_os("CI").is_some() || std::env::var_os("ZFLASH_REQUIRE_ZFS").is_some();
    if must {
        panic!(
            "{BUSYBOX} is missing but CI/ZFLASH_REQUIRE_ZFS is set: run scripts/setup (as root) first"
        );
    }
    eprintln!(
        "SKIPPED: {BUSYBOX} is missing (run scripts/setup as root to install busybox-static)"
    );
    None
}

/// The environment variable naming a built Solaris 10-like userland: `DIR/bin/sh` is the
/// SVR4 Bourne shell (the OpenSolaris `/sbin/sh`) and `DIR/bin` holds the SVR4 tools a
/// Solaris 10 miniroot has, and nothing else. `../shared/tools/s10-userland/build DIR`
/// builds one; `scripts/test` builds it into a cache directory and sets this variable.
pub const S10_USERLAND_ENV: &str = "ZFLASH_S10_USERLAND";

/// The Solaris 10-like userland named by [`S10_USERLAND_ENV`], for running generated
/// scripts as a Solaris 10 miniroot does (`PATH=DIR/bin DIR/bin/sh script`). When it is
/// unset: panics under `CI` (those runs must happen there), otherwise says on stderr that
/// the Solaris 10 shell runs were not run and returns `None`. Panics when it is set but
/// holds no `bin/sh`.
pub fn s10_userland() -> Option<PathBuf> {
    let dir = std::env::var_os(S10_USERLAND_ENV).filter(|d| !d.is_empty());
    let Some(dir) = dir else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "{S10_USERLAND_ENV} is not set under CI: the generated scripts must run in the \
                 Solaris 10-like userland (scripts/test builds it from ../shared/tools/s10-userland \
                 and sets {S10_USERLAND_ENV})"
            );
        }
        eprintln!(
            "NOT RUN: the Solaris 10 /sbin/sh (SVR4 Bourne shell) runs of this test: \
             {S10_USERLAND_ENV} is not set (scripts/test sets it; or build one with \
             ../shared/tools/s10-userland/build DIR and set {S10_USERLAND_ENV}=DIR)"
        );
        return None;
    };
    let dir = PathBuf::from(dir);
    let sh = dir.join("bin/sh");
    assert!(
        sh.is_file(),
        "{S10_USERLAND_ENV}={} has no bin/sh: build it with ../shared/tools/s10-userland/build {}",
        dir.display(),
        dir.display()
    );
    Some(dir)
}

/// Is `tool` on this host's PATH? When it is not: panics under `CI` (scripts/setup
/// installs every tool the tests use), otherwise prints why a run is skipped.
pub fn require_tool(tool: &str) -> bool {
    let ok = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is missing under CI: run scripts/setup"
        );
        eprintln!("SKIPPED: {tool} is not installed (scripts/setup installs it)");
    }
    ok
}

/// A shell the tests run generated scripts with: posh and dash (strict POSIX shells of
/// this host), and the Solaris 10 `/sbin/sh` — the judge, since JumpStart runs finish
/// scripts with it — in its Solaris 10-like userland. Tests loop over a list of these
/// (usually [`Shell::all`]) so that every run happens under each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shell {
    /// Debian's `posh`.
    Posh,
    /// `dash`.
    Dash,
    /// The SVR4 Bourne shell `DIR/bin/sh` of the userland `DIR` ([`s10_userland`]), run
    /// with `PATH=DIR/bin` only: a tool Solaris 10 lacks is not found.
    S10(PathBuf),
}

impl Shell {
    /// posh, dash and the Solaris 10 shell, those available (see [`Shell::posh`],
    /// [`Shell::dash`], [`Shell::s10`]).
    pub fn all() -> Vec<Shell> {
        [Shell::posh(), Shell::dash(), Shell::s10()]
            .into_iter()
            .flatten()
            .collect()
    }

    /// posh, when installed (see [`require_tool`]).
    pub fn posh() -> Option<Shell> {
        require_tool("posh").then_some(Shell::Posh)
    }

    /// dash, when installed (see [`require_tool`]).
    pub fn dash() -> Option<Shell> {
        require_tool("dash").then_some(Shell::Dash)
    }

    /// The Solaris 10 shell, when a userland is given (see [`s10_userland`]).
    pub fn s10() -> Option<Shell> {
        s10_userland().map(Shell::S10)
    }

    /// `posh`, `dash` or `s10`: for messages and pool tags.
    pub fn name(&self) -> &'static str {
        match self {
            Shell::Posh => "posh",
            Shell::Dash => "dash",
            Shell::S10(_) => "s10",
        }
    }

    /// The PATH scripts run with: this process's for posh and dash, `DIR/bin` alone for the
    /// Solaris 10 shell. A test that puts a stand-in command first prepends to this.
    pub fn search_path(&self) -> std::ffi::OsString {
        match self {
            Shell::S10(dir) => dir.join("bin").into_os_string(),
            _ => std::env::var_os("PATH").unwrap_or_default(),
        }
    }

    /// A command running this shell with [`search_path`](Self::search_path) as PATH; add
    /// the script (or `-c TEXT`) and its environment.
    pub fn command(&self) -> Command {
        let mut cmd = match self {
            Shell::Posh => Command::new("posh"),
            Shell::Dash => Command::new("dash"),
            Shell::S10(dir) => Command::new(dir.join("bin/sh")),
        };
        cmd.env("PATH", self.search_path());
        cmd
    }
}

/// Run a command, returning its output; panics with stderr on failure.
pub fn run(cmd: &str, args: &[&str]) -> String {
    let out = try_run(cmd, args);
    if !out.status.success() {
        panic!(
            "`{cmd} {}` failed: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Run a command and return its output whatever the status.
pub fn try_run(cmd: &str, args: &[&str]) -> Output {
    Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd}: {e}"))
}

/// Retry a zfs/zpool command that may fail with "busy" right after writes.
pub fn run_retry(cmd: &str, args: &[&str]) -> Result<(), String> {
    let mut last = String::new();
    for attempt in 0..20 {
        let out = try_run(cmd, args);
        if out.status.success() {
            return Ok(());
        }
        last = String::from_utf8_lossy(&out.stderr).into_owned();
        std::thread::sleep(Duration::from_millis(100 * (attempt + 1).min(5)));
    }
    Err(last)
}

/// `zfs send ARGS > to`; panics when the send fails.
pub fn zfs_send(args: &[&str], to: &Path) {
    let file =
        std::fs::File::create(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    let status = Command::new("zfs")
        .arg("send")
        .args(args)
        .stdout(file)
        .status()
        .expect("zfs send");
    assert!(status.success(), "zfs send {args:?} failed");
}

/// Who holds the ZFS test lock in this process, how often, and the locked file that
/// keeps other processes out.
struct LockHolder {
    thread: ThreadId,
    depth: usize,
    _file: std::fs::File,
}

static HOLDER: Mutex<Option<LockHolder>> = Mutex::new(None);
static RELEASED: Condvar = Condvar::new();

/// Exclusive use of zfs-fuse for one test: re-entrant within a thread (a test may hold
/// several pools), exclusive across threads of this process and, through `flock` on
/// `$TMPDIR/zflash-zfs-tests.lock`, across processes.
pub struct ZfsLock(());

impl ZfsLock {
    /// Block until this thread may use zfs-fuse.
    pub fn acquire() -> ZfsLock {
        let me = std::thread::current().id();
        let mut holder = HOLDER.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            match holder.as_mut() {
                Some(h) if h.thread == me => {
                    h.depth += 1;
                    return ZfsLock(());
                }
                Some(_) => {
                    holder = RELEASED.wait(holder).unwrap_or_else(|e| e.into_inner());
                }
                None => break,
            }
        }
        let path = std::env::temp_dir().join("zflash-zfs-tests.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
        file.lock()
            .unwrap_or_else(|e| panic!("cannot lock {}: {e}", path.display()));
        *holder = Some(LockHolder {
            thread: me,
            depth: 1,
            _file: file,
        });
        ZfsLock(())
    }
}

impl Drop for ZfsLock {
    fn drop(&mut self) {
        let mut holder = HOLDER.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(h) = holder.as_mut() {
            h.depth -= 1;
            if h.depth == 0 {
                // Dropping the file releases the flock.
                *holder = None;
                RELEASED.notify_all();
            }
        }
    }
}

/// A file-backed mirror pool with an altroot, destroyed on drop.
pub struct TestPool {
    /// Pool name, unique to this process and call.
    pub name: String,
    /// Temporary directory holding the vdev files and the altroot.
    pub dir: tempfile::TempDir,
    /// The altroot (`<dir>/a`), like the miniroot's `/a`.
    pub altroot: PathBuf,
    /// Held for the pool's whole life; declared last so it is released only after
    /// `Drop` has destroyed the pool.
    _lock: ZfsLock,
}

impl TestPool {
    /// Create a mirror of two sparse files of `size_mb` each, altroot `<tmp>/a`.
    /// `tag` (letters/digits) makes the name readable in `zpool list`.
    pub fn create(tag: &str, size_mb: u64) -> TestPool {
        let lock = ZfsLock::acquire();
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let tag: String = tag
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(12)
            .collect();
        let name = format!("zft{}x{}{}", std::process::id(), n, tag);
        let dir = tempfile::Builder::new()
            .prefix("zflash-pool-")
            .tempdir()
            .expect("tempdir");
        let altroot = dir.path().join("a");
        std::fs::create_dir_all(&altroot).expect("altroot");
        let mut vdevs = Vec::new();
        for i in 0..2 {
            let p = dir.path().join(format!("d{i}.img"));
            let f = std::fs::File::create(&p).expect("vdev file");
            f.set_len(size_mb * 1024 * 1024).expect("truncate vdev");
            vdevs.push(p.to_string_lossy().into_owned());
        }
        let alt = altroot.to_string_lossy().into_owned();
        run(
            "zpool",
            &["create", "-R", &alt, &name, "mirror", &vdevs[0], &vdevs[1]],
        );
        TestPool {
            name,
            dir,
            altroot,
            _lock: lock,
        }
    }

    /// A miniroot-like state, as JumpStart leaves it before the finish script runs:
    /// `POOL/ROOT` with `mountpoint=legacy`, an installed BE `POOL/ROOT/<be>` with
    /// `mountpoint=/` mounted at the altroot, set as `bootfs`, holding a few files of a
    /// minimal Solaris root (including `var/sadm/system/logs`).
    pub fn miniroot(tag: &str, size_mb: u64, be: &str) -> TestPool {
        let pool = TestPool::create(tag, size_mb);
        let root = format!("{}/ROOT", pool.name);
        let bootfs = format!("{root}/{be}");
        run("zfs", &["create", "-o", "mountpoint=legacy", &root]);
        run(
            "zfs",
            &[
                "create",
                "-o",
                "canmount=noauto",
                "-o",
                "mountpoint=/",
                &bootfs,
            ],
        );
        run("zfs", &["mount", &bootfs]);
        let a = &pool.altroot;
        for d in ["etc", "var/sadm/system/logs", "usr/bin"] {
            std::fs::create_dir_all(a.join(d)).expect("mkdir in BE");
        }
        std::fs::write(a.join("etc/nodename"), "miniroot\n").unwrap();
        std::fs::write(
            a.join("var/sadm/system/logs/install_log"),
            "Installation of <SUNWcsr> was successful.\n",
        )
        .unwrap();
        std::fs::write(a.join("var/sadm/system/logs/sysidtool.log"), "sysidtool\n").unwrap();
        run("zpool", &["set", &format!("bootfs={bootfs}"), &pool.name]);
        pool
    }

    /// `zfs get -H -p -o value PROP DATASET`, trimmed.
    pub fn zfs_get(&self, prop: &str, dataset: &str) -> String {
        run("zfs", &["get", "-H", "-p", "-o", "value", prop, dataset])
            .trim()
            .to_string()
    }

    /// The pool's `bootfs` (zfs-fuse's `zpool get` has no `-H`: parse its table).
    pub fn bootfs(&self) -> String {
        let out = run("zpool", &["get", "bootfs", &self.name]);
        out.lines()
            .nth(1)
            .and_then(|l| l.split_whitespace().nth(2))
            .unwrap_or("-")
            .to_string()
    }

    /// Names of every dataset and snapshot of the pool, sorted.
    pub fn datasets(&self) -> Vec<String> {
        let out = run(
            "zfs",
            &["list", "-H", "-t", "all", "-o", "name", "-r", &self.name],
        );
        let mut v: Vec<String> = out.lines().map(str::to_string).collect();
        v.sort();
        v
    }

    /// Path of the vdev files' directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Make a bare `zfs send` stream of a golden root (a few files of a Solaris root with
    /// the identity files the finish step resets, plus `random_kb` KiB of random data) in
    /// a scratch dataset of this pool, write it to `<dir>/<name>`, and destroy the scratch
    /// dataset again. Returns the stream's path.
    pub fn golden_stream(&self, name: &str, random_kb: usize) -> PathBuf {
        let ds = self.golden_dataset(random_kb);
        let snap = format!("{ds}@flar");
        run("zfs", &["snapshot", &snap]);
        let path = self.dir().join(name);
        zfs_send(&[&snap], &path);
        let mp = self.zfs_get("mountpoint", &ds);
        run_retry("zfs", &["destroy", "-r", &ds]).expect("destroy golden");
        let _ = std::fs::remove_dir(mp);
        path
    }

    /// A golden root filesystem (see [`golden_stream`](Self::golden_stream)) as a dataset
    /// of this pool, mounted under the altroot; returns its name. The caller destroys it.
    pub fn golden_dataset(&self, random_kb: usize) -> String {
        let ds = format!(
            "{}/golden{}",
            self.name,
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mp = format!("/{}", ds.replace('/', "_"));
        run("zfs", &["create", "-o", &format!("mountpoint={mp}"), &ds]);
        let root = self.altroot.join(mp.trim_start_matches('/'));
        for d in ["etc", "usr/bin", "var/sadm/system/logs"] {
            std::fs::create_dir_all(root.join(d)).expect("mkdir in golden");
        }
        std::fs::write(root.join("etc/nodename"), "golden\n").unwrap();
        std::fs::write(root.join("etc/.sysIDtool.state"), "1\n").unwrap();
        std::fs::write(root.join("etc/motd"), "Golden image\n").unwrap();
        std::fs::write(root.join("usr/bin/tool"), "#!/bin/sh\necho tool\n").unwrap();
        std::fs::write(
            root.join("var/sadm/system/logs/golden_install_log"),
            "golden install\n",
        )
        .unwrap();
        if random_kb > 0 {
            let mut data = vec![0u8; random_kb * 1024];
            let mut x: u64 = 0x9e37_79b9_7f4a_7c15 ^ random_kb as u64;
            for chunk in data.chunks_mut(8) {
                // xorshift: incompressible, deterministic.
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let b = x.to_le_bytes();
                chunk.copy_from_slice(&b[..chunk.len()]);
            }
            std::fs::write(root.join("usr/bin/payload"), data).unwrap();
        }
        ds
    }

    /// A golden root with a separate `/var`, as Solaris 10 `bootenv installbe … dataset
    /// /var` makes it: [`golden_dataset`](Self::golden_dataset) plus a child `<ds>/var`
    /// (its mountpoint inherited) holding the golden's `var/sadm/system/logs` and
    /// `var/app/data`. Returns the top dataset; the caller destroys it with `-r`.
    pub fn golden_dataset_with_var(&self, random_kb: usize) -> String {
        let ds = self.golden_dataset(random_kb);
        let root = self.altroot.join(ds.replace('/', "_"));
        std::fs::remove_dir_all(root.join("var")).expect("empty the golden's /var");
        let var = format!("{ds}/var");
        run("zfs", &["create", &var]);
        for d in ["sadm/system/logs", "app"] {
            std::fs::create_dir_all(root.join("var").join(d)).expect("mkdir in golden /var");
        }
        std::fs::write(
            root.join("var/sadm/system/logs/golden_install_log"),
            "golden install\n",
        )
        .unwrap();
        std::fs::write(root.join("var/app/data"), "application data in /var\n").unwrap();
        ds
    }

    /// Like [`golden_stream`](Self::golden_stream), with a shell in the golden root: the
    /// static `busybox` copied to `bin/busybox` and `bin/sh` a symlink to it, so that a
    /// chroot into the deployed BE can run `/bin/sh`.
    pub fn golden_stream_with_shell(&self, name: &str, busybox: &Path) -> PathBuf {
        let ds = self.golden_dataset(0);
        // Where golden_dataset mounted it: `<altroot>/<ds with / as _>`.
        let root = self.altroot.join(ds.replace('/', "_"));
        std::fs::create_dir_all(root.join("bin")).expect("mkdir bin in golden");
        std::fs::copy(busybox, root.join("bin/busybox")).expect("copy busybox into golden");
        std::os::unix::fs::symlink("busybox", root.join("bin/sh")).expect("symlink bin/sh");
        let snap = format!("{ds}@flar");
        run("zfs", &["snapshot", &snap]);
        let path = self.dir().join(name);
        zfs_send(&[&snap], &path);
        run_retry("zfs", &["destroy", "-r", &ds]).expect("destroy golden");
        let _ = std::fs::remove_dir(&root);
        path
    }

    /// Mount a deployed BE (`mountpoint=/`, `canmount=noauto`) at `<altroot>/inspect` to
    /// look at its files; returns that root. Undo with [`uninspect`](Self::uninspect).
    pub fn inspect(&self, be: &str) -> PathBuf {
        run("zfs", &["set", "mountpoint=/inspect", be]);
        run("zfs", &["mount", be]);
        self.altroot.join("inspect")
    }

    /// Unmount a BE mounted by [`inspect`](Self::inspect) and give it `mountpoint=/` back.
    pub fn uninspect(&self, be: &str) {
        run_retry("zfs", &["umount", be]).expect("unmount inspected BE");
        run("zfs", &["set", "mountpoint=/", be]);
    }

    /// [`inspect`](Self::inspect) a BE and every dataset inside it (a separate `/var`),
    /// mounted below it in name order. Undo with [`uninspect_tree`](Self::uninspect_tree).
    pub fn inspect_tree(&self, be: &str) -> PathBuf {
        let root = self.inspect(be);
        for ds in self.filesystems(be).iter().skip(1) {
            run("zfs", &["mount", ds]);
        }
        root
    }

    /// Unmount what [`inspect_tree`](Self::inspect_tree) mounted, children first, and give
    /// the BE `mountpoint=/` back.
    pub fn uninspect_tree(&self, be: &str) {
        for ds in self.filesystems(be).iter().skip(1).rev() {
            run_retry("zfs", &["umount", ds]).expect("unmount an inspected child dataset");
        }
        self.uninspect(be);
    }

    /// The dataset and its descendant filesystems, in name order.
    pub fn filesystems(&self, dataset: &str) -> Vec<String> {
        let out = run(
            "zfs",
            &[
                "list",
                "-H",
                "-o",
                "name",
                "-r",
                "-t",
                "filesystem",
                dataset,
            ],
        );
        let mut v: Vec<String> = out.lines().map(str::to_string).collect();
        v.sort();
        v
    }

    /// Everything a failed deployment must leave as it was: datasets with their origin,
    /// mount and zflash properties, `bootfs`, mounts under the test directory and the
    /// altroot's top two levels. Compare before/after with `assert_eq!`.
    pub fn state(&self) -> String {
        let mut s = run(
            "zfs",
            &[
                "list",
                "-H",
                "-t",
                "all",
                "-r",
                "-o",
                "name,origin,mountpoint,canmount,mounted,compression,org.zflash:state,org.zflash:archive",
                &self.name,
            ],
        );
        s.push_str(&format!("bootfs={}\n", self.bootfs()));
        let dir = self.dir().display().to_string();
        let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
        let mut m: Vec<&str> = mounts
            .lines()
            .filter_map(|l| l.split_whitespace().nth(1))
            .filter(|mp| mp.starts_with(&dir))
            .collect();
        m.sort();
        for mp in m {
            s.push_str(&format!("mount {mp}\n"));
        }
        let mut files = Vec::new();
        list_tree(&self.altroot, &self.altroot, 2, &mut files);
        files.sort();
        for f in files {
            s.push_str(&format!("file {f}\n"));
        }
        s
    }
}

/// Every step of a deployment that can fail or be killed, in plan order (without the
/// source mount steps), for tests that inject a fault after each one.
pub const FINISH_STEPS: &[&str] = &[
    "preflight",
    "receive",
    "make_standalone",
    "set_properties",
    "mount_temporary",
    "reset_identity",
    "copy_sysidcfg",
    "verify_identity",
    "preserve_logs",
    "run_hooks",
    "unmount",
    "set_mountpoint",
    "switch_bootfs",
    "cleanup",
];

/// The `sysidcfg` the finish tests put in `SI_CONFIG_DIR`.
pub const SYSIDCFG: &str = "network_interface=primary {dhcp protocol_ipv6=no}\n";

/// A temporary `SI_CONFIG_DIR` holding a `sysidcfg` with `content`.
pub fn si_config_dir(content: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("sysidcfg"), content).expect("write sysidcfg");
    dir
}

/// A copy of `data` with the byte in the middle XORed with `mask`, written to `dest`:
/// damage that only a checksum or digest finds.
pub fn write_damaged(data: &[u8], mask: u8, dest: &Path) {
    let mut damaged = data.to_vec();
    let at = damaged.len() / 2;
    damaged[at] ^= mask;
    std::fs::write(dest, &damaged).expect("write damaged copy");
}

/// Write the sidecar manifest `<stream>.manifest.json` for a bare stream, as a zflash
/// archive of it would carry: `architecture` as given, the real sha256 unless
/// `sha256_override` (to fake a digest mismatch).
pub fn write_manifest(stream: &Path, architecture: &str, sha256_override: Option<&str>) -> PathBuf {
    use zflash_archive::manifest::{Content, Manifest, Source, StreamInfo};
    let _ = std::fs::remove_file(zflash_archive::manifest_path(stream));
    let archive = zflash_archive::Archive::open(stream).expect("open stream");
    let verified = archive
        .reader_with(true)
        .expect("reader")
        .finish()
        .expect("stream verifies");
    let manifest = Manifest {
        format: zflash_archive::MANIFEST_FORMAT.to_string(),
        name: stream
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        created: "2026-11-25T20:00:00Z".into(),
        host: "golden".into(),
        source: Source {
            dataset: "rpool/ROOT/golden".into(),
            snapshot: "flar".into(),
            pool: "rpool".into(),
            ..Source::default()
        },
        content: Content {
            architecture: architecture.into(),
            platform: String::new(),
            os_release: "test".into(),
        },
        stream: Some(StreamInfo::from_summary(&verified.summary)),
        raw_bytes: Some(verified.raw_bytes),
        stored_bytes: verified.stored_bytes,
        compression: zflash_archive::Compression::None,
        sha256: sha256_override
            .map(str::to_string)
            .unwrap_or_else(|| verified.sha256.clone().unwrap_or_default()),
        tool: "zflash test".into(),
    };
    let path = zflash_archive::manifest_path(stream);
    std::fs::write(&path, manifest.to_json()).expect("write manifest");
    path
}

fn list_tree(base: &Path, dir: &Path, depth: usize, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        out.push(p.strip_prefix(base).unwrap_or(&p).display().to_string());
        if depth > 1 && p.is_dir() {
            list_tree(base, &p, depth - 1, out);
        }
    }
}

/// Every regular file under `root`, as `relative-path: content digest`, sorted, skipping
/// paths that start with one of `skip`. For comparing two deployments.
pub fn file_tree(root: &Path, skip: &[&str]) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, skip: &[&str], out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(base).unwrap_or(&p).display().to_string();
            if skip.iter().any(|s| rel.starts_with(s)) {
                continue;
            }
            if p.is_dir() {
                out.push(format!("{rel}/"));
                walk(base, &p, skip, out);
            } else {
                let data = std::fs::read(&p).unwrap_or_default();
                let sum: u64 = data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
                    (h ^ *b as u64).wrapping_mul(0x100_0000_01b3)
                });
                out.push(format!("{rel}: {} bytes {sum:016x}", data.len()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, skip, &mut out);
    out.sort();
    out
}

impl Drop for TestPool {
    fn drop(&mut self) {
        // Only ever our own pool, by the exact name we created.
        if let Err(e) = run_retry("zpool", &["destroy", "-f", &self.name]) {
            eprintln!("warning: could not destroy test pool {}: {e}", self.name);
        }
        // A lock a killed run on this pool left in /tmp.
        let _ = std::fs::remove_dir_all(crate::plan::lock_dir(&self.name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn miniroot_state_is_as_jumpstart_leaves_it() {
        if !require_zfs() {
            return;
        }
        let name;
        {
            let pool = TestPool::miniroot("harness", 128, "s10u6_req");
            name = pool.name.clone();
            let bootfs = format!("{}/ROOT/s10u6_req", pool.name);
            assert_eq!(pool.bootfs(), bootfs);
            assert_eq!(
                pool.zfs_get("mountpoint", &format!("{}/ROOT", pool.name)),
                "legacy"
            );
            assert_eq!(pool.zfs_get("mounted", &bootfs), "yes");
            assert!(pool.altroot.join("etc/nodename").is_file());
        }
        // Dropped: the pool is gone.
        let out = try_run("zpool", &["list", &name]);
        assert!(!out.status.success(), "pool {name} survived its drop");
    }
}
