//! `rules.ok`: the file Sun's `check` derives from `rules` (jumpstart-formats.md §2.3),
//! and the System V `sum` checksum in its trailer.

use crate::source::SourceFile;

/// The trailer version every known `check` writes.
pub const VERSION: u64 = 2;

/// System V checksum, as printed first by Solaris `/bin/sum` and GNU `sum -s`:
/// the byte sum (32-bit, wrapping) folded twice into 16 bits.
pub fn sysv_sum(bytes: &[u8]) -> u32 {
    let s = bytes
        .iter()
        .fold(0u32, |acc, &b| acc.wrapping_add(u32::from(b)));
    let r = (s & 0xFFFF) + (s >> 16);
    (r & 0xFFFF) + (r >> 16)
}

/// Number of 512-byte blocks, the second field of `sum -s`.
pub fn sysv_blocks(len: usize) -> usize {
    len.div_ceil(512)
}

/// The body of `rules.ok` (everything before the trailer), derived from the bytes of
/// `rules` exactly as `check` does, physical line by physical line:
/// cut at the first `#`; drop the line if only blanks/tabs remain; strip leading TABs
/// (leading spaces and trailing blanks are kept); end it with `\n`. Continuation
/// backslashes are kept as they are; `\r` counts as content.
pub fn derive_body(rules: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rules.len());
    let mut lines = rules.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        if lines.peek().is_none() && line.is_empty() {
            // Nothing after the final newline.
            break;
        }
        let before_comment = match line.iter().position(|&b| b == b'#') {
            Some(i) => &line[..i],
            None => line,
        };
        if before_comment.iter().all(|&b| b == b' ' || b == b'\t') {
            continue;
        }
        let start = before_comment
            .iter()
            .position(|&b| b != b'\t')
            .unwrap_or(before_comment.len());
        out.extend_from_slice(&before_comment[start..]);
        out.push(b'\n');
    }
    out
}

/// The trailer line for a body: `# version=2 checksum=N\n`.
pub fn trailer_for(body: &[u8]) -> String {
    format!("# version={VERSION} checksum={}\n", sysv_sum(body))
}

/// The complete `rules.ok` for the bytes of a `rules` file, byte-identical to `check`.
pub fn derive_rules_ok(rules: &[u8]) -> Vec<u8> {
    let mut body = derive_body(rules);
    let trailer = trailer_for(&body);
    body.extend_from_slice(trailer.as_bytes());
    body
}

/// The complete `rules.ok` for a parsed source file.
pub fn rules_ok(src: &SourceFile) -> String {
    // Only ASCII bytes are removed, at ASCII boundaries, so the result stays UTF-8.
    String::from_utf8_lossy(&derive_rules_ok(src.text.as_bytes())).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of jumpstart-formats.md §2.3 (verified there with GNU `sum -s`).
    #[test]
    fn worked_example() {
        let rules = "# Lab rules -- first match wins\n\
probe osname\n\
\n\
hostname build01                    -        zfs_mirror.prof  post.fin   # build host\n\
network 10.20.30.0 && karch sun4v   -        t2_server.prof   post.fin\n\
\tmemsize 2048-65536 && ! model \\\n\
\t'SUNW,Sun-Fire-V240'               pre.beg  =                -\n\
any -                               -        fallback.prof    -\n";
        let expected = "probe osname\n\
hostname build01                    -        zfs_mirror.prof  post.fin   \n\
network 10.20.30.0 && karch sun4v   -        t2_server.prof   post.fin\n\
memsize 2048-65536 && ! model \\\n\
'SUNW,Sun-Fire-V240'               pre.beg  =                -\n\
any -                               -        fallback.prof    -\n\
# version=2 checksum=20167\n";
        assert_eq!(
            String::from_utf8(derive_rules_ok(rules.as_bytes())).unwrap(),
            expected
        );
    }

    #[test]
    fn sum_folds_carries() {
        assert_eq!(sysv_sum(b""), 0);
        assert_eq!(sysv_sum(b"a"), 97);
        // Values checked with GNU `sum -s`: 257 × 0xFF = 0xFFFF stays; one more byte
        // carries out of 16 bits and folds back in.
        assert_eq!(sysv_sum(&[0xFF; 257]), 65535);
        assert_eq!(sysv_sum(&[0xFF; 258]), 255);
        assert_eq!(sysv_blocks(0), 0);
        assert_eq!(sysv_blocks(513), 2);
    }

    #[test]
    fn body_rules() {
        assert_eq!(
            derive_body(b"a\n\t \t\n# c\n  \t# c\n\t\tb \\\n\t c"),
            b"a\nb \\\n c\n"
        );
        // Spaces before tabs stop the tab stripping; a lone CR is content.
        assert_eq!(derive_body(b" \tx\n\r\n"), b" \tx\n\r\n");
        assert_eq!(derive_body(b""), b"");
    }
}
