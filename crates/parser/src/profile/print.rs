//! Printing the AST back to profile text, and constructors for building profiles in code.

use super::ast::*;

/// Column the first value starts at when a line built in code is printed (as in Oracle's
/// examples of ZFS-root profiles: `install_type    initial_install`).
const VALUE_COLUMN: usize = 16;

fn push_location(out: &mut Vec<String>, loc: &Location) {
    match &loc.retrieval {
        Retrieval::Nfs { keyword, target } => {
            if let Some(k) = keyword {
                out.push(k.text());
            }
            out.push(target.text());
        }
        Retrieval::Http { url } | Retrieval::Ftp { url } => out.push(url.text()),
        Retrieval::LocalTape {
            keyword,
            device,
            position,
        } => {
            out.push(keyword.text());
            out.push(device.text());
            if let Some(p) = position {
                out.push(p.text());
            }
        }
        Retrieval::LocalDevice {
            keyword,
            device,
            path,
            fs_type,
        } => {
            out.push(keyword.text());
            out.push(device.text());
            out.push(path.text());
            if let Some(t) = fs_type {
                out.push(t.text());
            }
        }
        Retrieval::LocalFile { keyword, path } => {
            out.push(keyword.text());
            out.push(path.text());
        }
    }
    for opt in &loc.options {
        out.push(opt.key.text());
        out.extend(opt.values.iter().map(Tok::text));
    }
}

fn push_opt<T: std::fmt::Display>(out: &mut Vec<String>, tok: &Option<Tok<T>>) {
    if let Some(t) = tok {
        out.push(t.text());
    }
}

impl Directive {
    /// The argument words of this directive (without the keyword), as printed.
    pub fn words(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self {
            Directive::InstallType(t) => out.push(t.text()),
            Directive::SystemType(t) => out.push(t.text()),
            Directive::Partitioning(t) => out.push(t.text()),
            Directive::Filesys(Filesys::Local(fs)) => {
                out.push(fs.slice.text());
                out.push(fs.size.text());
                push_opt(&mut out, &fs.mount);
                push_opt(&mut out, &fs.option);
            }
            Directive::Filesys(Filesys::Mirror(fs)) => {
                out.push(fs.mirror.text());
                out.extend(fs.slices.iter().map(Tok::text));
                out.push(fs.size.text());
                out.push(fs.mount.text());
                push_opt(&mut out, &fs.option);
            }
            Directive::Filesys(Filesys::Remote(fs)) => {
                out.push(fs.source.text());
                out.push(fs.address.text());
                out.push(fs.mount.text());
                push_opt(&mut out, &fs.options);
            }
            Directive::Pool(p) => {
                out.push(p.name.text());
                out.push(p.pool_size.text());
                out.push(p.swap_size.text());
                out.push(p.dump_size.text());
                push_opt(&mut out, &p.mirror);
                out.extend(p.devices.iter().map(Tok::text));
            }
            Directive::Bootenv(b) => {
                out.push(b.command.text());
                for a in &b.args {
                    out.push(a.key.text());
                    out.push(a.value.text());
                }
            }
            Directive::RootDevice(d) | Directive::Usedisk(d) | Directive::Dontuse(d) => {
                out.push(d.text())
            }
            Directive::BootDevice(b) => {
                out.push(b.device.text());
                out.push(b.eeprom.text());
            }
            Directive::Fdisk(f) => {
                out.push(f.disk.text());
                out.push(f.kind.text());
                out.push(f.size.text());
            }
            Directive::Cluster(c) => {
                out.push(c.name.text());
                push_opt(&mut out, &c.action);
            }
            Directive::Package(p) => {
                out.push(p.name.text());
                push_opt(&mut out, &p.action);
                if let Some(loc) = &p.location {
                    push_location(&mut out, loc);
                }
            }
            Directive::Patch(p) => {
                out.push(p.list.text());
                push_location(&mut out, &p.location);
            }
            Directive::Locale(t) | Directive::Geo(t) | Directive::LocalCustomization(t) => {
                out.push(t.text())
            }
            Directive::ArchiveLocation(loc) => push_location(&mut out, loc),
            Directive::ForcedDeployment
            | Directive::NoMasterCheck
            | Directive::NoContentCheck
            | Directive::Noreboot => {}
            Directive::LayoutConstraint(l) => {
                out.push(l.slice.text());
                out.push(l.constraint.text());
                push_opt(&mut out, &l.minimum);
            }
            Directive::BackupMedia(b) => {
                out.push(b.media.text());
                out.push(b.path.text());
            }
            Directive::Metadb(m) => {
                out.push(m.slice.text());
                for (k, v) in &m.options {
                    out.push(k.text());
                    out.push(v.text());
                }
            }
            Directive::ClientArch(v) | Directive::Unparsed(v) => {
                out.extend(v.iter().map(Tok::text))
            }
            Directive::ClientRoot(n)
            | Directive::ClientSwap(n)
            | Directive::NumClients(n)
            | Directive::IsaBits(n)
            | Directive::SwapSize(n) => out.push(n.text()),
        }
        out
    }

    /// The keyword this directive belongs to (`None` for [`Directive::Unparsed`]).
    pub fn keyword(&self) -> Option<Keyword> {
        Some(match self {
            Directive::InstallType(_) => Keyword::InstallType,
            Directive::SystemType(_) => Keyword::SystemType,
            Directive::Partitioning(_) => Keyword::Partitioning,
            Directive::Filesys(_) => Keyword::Filesys,
            Directive::Pool(_) => Keyword::Pool,
            Directive::Bootenv(_) => Keyword::Bootenv,
            Directive::RootDevice(_) => Keyword::RootDevice,
            Directive::BootDevice(_) => Keyword::BootDevice,
            Directive::Usedisk(_) => Keyword::Usedisk,
            Directive::Dontuse(_) => Keyword::Dontuse,
            Directive::Fdisk(_) => Keyword::Fdisk,
            Directive::Cluster(_) => Keyword::Cluster,
            Directive::Package(_) => Keyword::Package,
            Directive::Patch(_) => Keyword::Patch,
            Directive::Locale(_) => Keyword::Locale,
            Directive::Geo(_) => Keyword::Geo,
            Directive::ArchiveLocation(_) => Keyword::ArchiveLocation,
            Directive::ForcedDeployment => Keyword::ForcedDeployment,
            Directive::NoMasterCheck => Keyword::NoMasterCheck,
            Directive::NoContentCheck => Keyword::NoContentCheck,
            Directive::LocalCustomization(_) => Keyword::LocalCustomization,
            Directive::LayoutConstraint(_) => Keyword::LayoutConstraint,
            Directive::BackupMedia(_) => Keyword::BackupMedia,
            Directive::Metadb(_) => Keyword::Metadb,
            Directive::ClientArch(_) => Keyword::ClientArch,
            Directive::ClientRoot(_) => Keyword::ClientRoot,
            Directive::ClientSwap(_) => Keyword::ClientSwap,
            Directive::NumClients(_) => Keyword::NumClients,
            Directive::IsaBits(_) => Keyword::IsaBits,
            Directive::Noreboot => Keyword::Noreboot,
            Directive::SwapSize(_) => Keyword::SwapSize,
            Directive::Unparsed(_) => return None,
        })
    }
}

impl KeywordLine {
    /// A line built in code (canonical spelling, value aligned at column 16, `\n`).
    /// Panics never; for [`Directive::Unparsed`] pass the keyword via [`KeywordLine::unknown`].
    pub fn new(directive: Directive) -> Self {
        let keyword = directive
            .keyword()
            .map_or(KeywordName::Unknown(String::new()), KeywordName::Known);
        KeywordLine {
            span: 0..0,
            keyword: Tok::new(keyword),
            directive,
            extra: Vec::new(),
            decor: Decor {
                eol: "\n".into(),
                ..Decor::default()
            },
        }
    }

    /// A line with an arbitrary keyword and untyped words (for tests and generators of
    /// deliberately wrong input).
    pub fn unknown(keyword: &str, words: &[&str]) -> Self {
        let mut line = KeywordLine::new(Directive::Unparsed(
            words.iter().map(|w| Tok::new(w.to_string())).collect(),
        ));
        line.keyword = Tok::new(KeywordName::Unknown(keyword.to_string()));
        line
    }

    /// Every word of the line (keyword first), as printed.
    pub fn words(&self) -> Vec<String> {
        let mut words = vec![self.keyword.text()];
        words.extend(self.directive.words());
        words.extend(self.extra.iter().map(Tok::text));
        words
    }

    /// The known keyword of this line.
    pub fn known_keyword(&self) -> Option<Keyword> {
        match self.keyword.value {
            KeywordName::Known(k) => Some(k),
            KeywordName::Unknown(_) => None,
        }
    }

    fn write_to(&self, out: &mut String) {
        let words = self.words();
        out.push_str(&self.decor.leading);
        let keep_gaps = self.decor.gaps.len() + 1 == words.len();
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                match self.decor.gaps.get(i - 1) {
                    Some(g) if keep_gaps || !g.is_empty() => out.push_str(g),
                    _ if i == 1 => {
                        let pad = VALUE_COLUMN.saturating_sub(words[0].len()).max(1);
                        out.extend(std::iter::repeat_n(' ', pad));
                    }
                    _ => out.push(' '),
                }
            }
            out.push_str(w);
        }
        out.push_str(&self.decor.trailing);
        if let Some(c) = &self.decor.comment {
            out.push_str(c);
        }
        out.push_str(&self.decor.eol);
    }
}

impl Profile {
    pub fn new() -> Self {
        Profile::default()
    }

    /// Print the profile. Byte-identical to the parsed input when nothing was changed.
    pub fn to_source(&self) -> String {
        let mut out = String::new();
        for item in &self.items {
            match item {
                Item::Trivia(t) => {
                    out.push_str(&t.text);
                    out.push_str(&t.eol);
                }
                Item::Keyword(line) => line.write_to(&mut out),
            }
        }
        out
    }

    /// Append a line built in code.
    pub fn push(&mut self, directive: Directive) -> &mut Self {
        self.items.push(Item::Keyword(KeywordLine::new(directive)));
        self
    }

    /// Append a comment line (`# ` is added when `text` does not start with `#`).
    pub fn push_comment(&mut self, text: &str) -> &mut Self {
        let text = if text.starts_with('#') {
            text.to_string()
        } else {
            format!("# {text}")
        };
        self.items.push(Item::Trivia(Trivia {
            span: 0..0,
            text,
            eol: "\n".into(),
        }));
        self
    }

    /// The keyword lines, in file order.
    pub fn lines(&self) -> impl Iterator<Item = &KeywordLine> {
        self.items.iter().filter_map(|i| match i {
            Item::Keyword(l) => Some(l),
            Item::Trivia(_) => None,
        })
    }

    /// The value of the first `install_type` line.
    pub fn install_type(&self) -> Option<InstallType> {
        self.lines().find_map(|l| match &l.directive {
            Directive::InstallType(t) => Some(t.value),
            _ => None,
        })
    }

    /// The first `pool` line: its presence makes this a ZFS-root profile.
    pub fn pool(&self) -> Option<&Pool> {
        self.lines().find_map(|l| match &l.directive {
            Directive::Pool(p) => Some(p),
            _ => None,
        })
    }

    /// A ZFS-root initial-install profile:
    /// `install_type initial_install`, `cluster GROUP`, `system_type standalone`,
    /// `pool NAME auto auto auto [mirror] DEVICES…`, `bootenv installbe bename BE`.
    pub fn zfs_root(
        software_group: &str,
        pool_name: &str,
        devices: &[Device],
        be_name: &str,
    ) -> Profile {
        let mut p = Profile::new();
        p.push(Directive::InstallType(Tok::new(
            InstallType::InitialInstall,
        )))
        .push(Directive::Cluster(Cluster {
            name: Tok::new(software_group.to_string()),
            action: None,
        }))
        .push(Directive::SystemType(Tok::new(SystemType::Standalone)))
        .push(Directive::Pool(Pool {
            name: Tok::new(pool_name.to_string()),
            pool_size: Tok::new(PoolSize::Auto),
            swap_size: Tok::new(PoolSize::Auto),
            dump_size: Tok::new(PoolSize::Auto),
            mirror: (devices.len() > 1).then(|| Tok::new("mirror".to_string())),
            devices: devices.iter().cloned().map(Tok::new).collect(),
        }))
        .push(Directive::Bootenv(Bootenv {
            command: Tok::new(BootenvCommand::InstallBe),
            args: vec![BootenvArg {
                key: Tok::new("bename".to_string()),
                value: Tok::new(be_name.to_string()),
            }],
        }));
        p
    }
}
