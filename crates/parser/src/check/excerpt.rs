//! The excerpt of a finding: the whole source lines its primary span (and nearby secondary
//! labels) cover, with every secret value replaced by [`MASK`] and the spans moved to match,
//! bounded per finding and per file.

use crate::diagnostic::Label;
use crate::source::{SourceFile, Span};
use crate::sysidcfg::secrets::MASK;

/// The lines of the file a diagnostic points at, with spans rebased onto them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// Whole physical lines (secret values replaced by `********`).
    pub text: String,
    /// Line number of the first line of `text`.
    pub first_line: usize,
    /// Primary span, in `text` coordinates.
    pub primary: Span,
    /// Secondary labels that fall inside `text`, in `text` coordinates.
    pub secondary: Vec<Label>,
}

/// Longest distance (in lines) a secondary label may be from the primary span and still be
/// drawn in the same excerpt.
const MAX_EXCERPT_LINES: usize = 12;

/// Largest excerpt kept for a finding. Longer ones (a multi-megabyte line) are not shown:
/// the finding keeps its position, and memory stays bounded by the findings, not the lines.
pub(super) const MAX_EXCERPT_BYTES: usize = 16 * 1024;

/// Most excerpt bytes kept for the findings of one file. Each finding keeps its own copy of
/// its lines, so a file of 10 KiB lines with a finding on every word would otherwise keep
/// (and render) gigabytes; past the budget, findings keep their position only.
pub(super) const MAX_EXCERPT_BYTES_PER_FILE: usize = 1 << 20;

pub(super) fn excerpt(
    src: &SourceFile,
    secrets: &[Span],
    primary: Span,
    secondary: &[Label],
    budget: usize,
) -> Option<Excerpt> {
    let text = &src.text;
    let first = src.line_span_at(primary.start);
    let last = src.line_span_at(primary.end);
    let mut lo = first.start;
    let mut hi = last.end.max(first.end);
    let primary_line = src.line_index(primary.start);
    let mut kept = Vec::new();
    for label in secondary {
        let s = label.span.start.min(text.len());
        let e = label.span.end.clamp(s, text.len());
        let line = src.line_index(s);
        if line.abs_diff(primary_line) > MAX_EXCERPT_LINES {
            continue;
        }
        lo = lo.min(src.line_span_at(s).start);
        hi = hi.max(src.line_span_at(e).end);
        kept.push((s..e, label.message.clone()));
    }
    if hi - lo > MAX_EXCERPT_BYTES.min(budget) {
        return None;
    }
    // Mask secrets that intersect the excerpt: each becomes `********`, and every span is
    // moved to match. `secret_spans` returns them sorted and disjoint, so the ones that
    // can intersect are found by bisection, not by a scan per finding.
    let first_secret = secrets.partition_point(|s| s.end <= lo);
    let mask: Vec<Span> = secrets[first_secret..]
        .iter()
        .take_while(|s| s.start < hi)
        .filter(|s| s.start < hi && s.end > lo)
        .map(|s| s.start.max(lo)..s.end.min(hi))
        .collect();
    let map = |off: usize| -> usize {
        let mut shift: isize = 0;
        for m in &mask {
            if off >= m.end {
                shift += MASK.len() as isize - m.len() as isize;
            } else if off > m.start {
                // Inside a masked value: clamp into the mask.
                let inside = (off - m.start).min(MASK.len());
                return ((m.start - lo) as isize + shift) as usize + inside;
            }
        }
        ((off - lo) as isize + shift) as usize
    };
    let mut out = String::with_capacity(hi - lo);
    let mut at = lo;
    for m in &mask {
        out.push_str(&text[at..m.start]);
        out.push_str(MASK);
        at = m.end;
    }
    out.push_str(&text[at..hi]);
    Some(Excerpt {
        text: out,
        first_line: src.line_index(lo) + 1,
        primary: map(primary.start)..map(primary.end),
        secondary: kept
            .into_iter()
            .map(|(s, message)| Label {
                span: map(s.start)..map(s.end),
                message,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysidcfg::secrets::secret_spans;

    #[test]
    fn excerpt_masks_secret_and_moves_spans() {
        let src = SourceFile::new("sysidcfg", "root_password=0123456789abcdef timezone=Mars\n");
        let secrets = secret_spans(&src.text);
        let tz = src.text.find("Mars").unwrap();
        let ex = excerpt(&src, &secrets, tz..tz + 4, &[], usize::MAX).unwrap();
        assert_eq!(ex.text, "root_password=******** timezone=Mars");
        assert_eq!(&ex.text[ex.primary.clone()], "Mars");
        let pw = src.text.find("0123").unwrap();
        let ex = excerpt(&src, &secrets, pw..pw + 16, &[], usize::MAX).unwrap();
        assert_eq!(&ex.text[ex.primary.clone()], MASK);
    }
}
