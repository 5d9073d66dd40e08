//! The line/token layer shared by every JumpStart format.
//!
//! Files are read whole into a [`SourceFile`]; every later stage speaks in byte
//! [`Span`]s into that text and converts to line/column only when rendering.
//! Comments, `\` continuations and CRLF are handled here with plain loops, not in
//! nom: they are stateful, cross-line concerns (see `../shared/docs/rust-ecosystem.md` §4).

use std::ops::Range;

/// A byte range into the original file text.
pub type Span = Range<usize>;

/// A word as written (keywords keep their original case), with its span; built words have
/// the span `0..0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

impl Word {
    pub fn new(text: impl Into<String>) -> Self {
        Word {
            text: text.into(),
            span: 0..0,
        }
    }
}

/// One file's text plus a table of line starts.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user named it (used verbatim in diagnostics).
    pub path: String,
    /// The whole file. Non-UTF-8 input is converted lossily by [`SourceFile::from_bytes`]
    /// after a diagnostic has been raised for it.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// Decode bytes; returns the file and, when the bytes were not UTF-8, the
    /// byte offset of the first invalid sequence (the text is then lossily decoded).
    pub fn from_bytes(path: impl Into<String>, bytes: &[u8]) -> (Self, Option<usize>) {
        match std::str::from_utf8(bytes) {
            Ok(s) => (SourceFile::new(path, s), None),
            Err(e) => {
                let bad = e.valid_up_to();
                (
                    SourceFile::new(path, String::from_utf8_lossy(bytes).into_owned()),
                    Some(bad),
                )
            }
        }
    }

    /// 0-based index of the physical line that holds byte `offset` (clamped to the text).
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Span of the physical line that holds byte `offset`, without its `\n`.
    pub fn line_span_at(&self, offset: usize) -> Span {
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        start..end
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self.text[start..end].chars().count() + 1;
        (line + 1, col)
    }

    /// Number of physical lines (a final line without newline counts).
    pub fn line_count(&self) -> usize {
        if self.text.ends_with('\n') {
            self.line_starts.len() - 1
        } else {
            self.line_starts.len()
        }
    }

    /// The physical lines of the file.
    pub fn physical_lines(&self) -> impl Iterator<Item = PhysicalLine> + '_ {
        let text = &self.text;
        let n = self.line_count();
        (0..n).map(move |i| {
            let start = self.line_starts[i];
            let mut end = self.line_starts.get(i + 1).map_or(text.len(), |&s| s - 1);
            let has_newline = self.line_starts.get(i + 1).is_some();
            let has_cr = end > start && text.as_bytes()[end - 1] == b'\r';
            if has_cr {
                end -= 1;
            }
            PhysicalLine {
                number: i + 1,
                span: start..end,
                has_cr,
                has_newline,
            }
        })
    }
}

/// One physical line, without its `\n` (and without the `\r` of a CRLF).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhysicalLine {
    /// 1-based line number.
    pub number: usize,
    /// Content span, excluding line terminator.
    pub span: Span,
    /// Ended with `\r\n`.
    pub has_cr: bool,
    /// False only for a last line that lacks its final newline.
    pub has_newline: bool,
}

/// A logical line: physical lines joined at trailing `\`, with the `#` comment removed.
///
/// `text` is the joined text; `map` converts any offset into `text` back to a file offset,
/// so nom parsers can run on `text` and still report exact file positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogicalLine {
    /// Joined content with continuation backslashes and comment removed.
    pub text: String,
    /// Span in the file from the first physical line's start to the last one's end
    /// (comment included, line terminator excluded).
    pub span: Span,
    /// The comment (`#` to end of line) of the last physical line, if any.
    pub comment: Option<Span>,
    /// The physical lines this logical line was made of.
    pub lines: Vec<PhysicalLine>,
    /// Pieces: (offset in `text`, offset in file), in increasing order.
    segments: Vec<(usize, usize)>,
}

impl LogicalLine {
    /// Map an offset into `self.text` to an offset into the file.
    pub fn file_offset(&self, text_offset: usize) -> usize {
        let idx = match self
            .segments
            .binary_search_by(|&(t, _)| t.cmp(&text_offset))
        {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        let (t, f) = self.segments[idx];
        f + (text_offset - t)
    }

    /// Map a span in `self.text` to a file span.
    pub fn file_span(&self, span: Span) -> Span {
        let start = self.file_offset(span.start);
        let end = if span.end > span.start {
            self.file_offset(span.end - 1) + 1
        } else {
            start
        };
        start..end
    }

    /// Byte offset just past the line's terminator (`\n` or `\r\n`, when it has one).
    pub fn end_with_terminator(&self) -> usize {
        self.lines.last().map_or(self.span.end, |last| {
            last.span.end + usize::from(last.has_cr) + usize::from(last.has_newline)
        })
    }

    /// Whitespace-separated words of the text with their spans in `text`.
    pub fn words(&self) -> Vec<(Span, &str)> {
        split_words(&self.text)
    }

    /// True when the line holds nothing but blanks (and possibly a comment).
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// Split on blanks and tabs (and any other ASCII whitespace), returning spans.
pub fn split_words(text: &str) -> Vec<(Span, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_ascii_whitespace() {
            if let Some(s) = start.take() {
                out.push((s..i, &text[s..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s..text.len(), &text[s..]));
    }
    out
}

/// How a format treats `#` and `\`.
#[derive(Debug, Clone, Copy)]
pub struct LineSyntax {
    /// `#` starts a comment anywhere on the line (rules, profile, sysidcfg) or only at the
    /// start of a line (set false to disable comment stripping altogether).
    pub comments: bool,
    /// A trailing `\` joins the next physical line.
    pub continuations: bool,
}

/// Split a file into logical lines. Blank and comment-only lines are returned too
/// (with empty `text`), so callers can keep exact byte positions for round-trips.
pub fn logical_lines(src: &SourceFile, syntax: LineSyntax) -> Vec<LogicalLine> {
    iter_logical_lines(src, syntax).collect()
}

/// [`logical_lines`] one at a time, for files too large to hold every line at once.
pub fn iter_logical_lines(
    src: &SourceFile,
    syntax: LineSyntax,
) -> impl Iterator<Item = LogicalLine> + '_ {
    let text = &src.text;
    let mut physical = src.physical_lines();
    std::iter::from_fn(move || {
        let mut cur: Option<LogicalLine> = None;
        for pl in physical.by_ref() {
            let raw = &text[pl.span.clone()];
            let (content_end, comment) = if syntax.comments {
                match raw.find('#') {
                    Some(i) => (i, Some(pl.span.start + i..pl.span.end)),
                    None => (raw.len(), None),
                }
            } else {
                (raw.len(), None)
            };
            let content = &raw[..content_end];
            let continued = syntax.continuations && comment.is_none() && content.ends_with('\\');
            let keep = if continued {
                &content[..content.len() - 1]
            } else {
                content
            };
            let line = cur.get_or_insert_with(|| LogicalLine {
                text: String::new(),
                span: pl.span.start..pl.span.end,
                comment: None,
                lines: Vec::new(),
                segments: Vec::new(),
            });
            line.segments.push((line.text.len(), pl.span.start));
            line.text.push_str(keep);
            line.span.end = pl.span.end;
            line.lines.push(pl.clone());
            line.comment = comment;
            if !continued {
                break;
            }
        }
        cur
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let f = SourceFile::new("f", "ab\ncé d\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(6), (2, 3));
        assert_eq!(f.line_count(), 2);
    }

    #[test]
    fn joins_continuations_and_maps_offsets() {
        let f = SourceFile::new("f", "a b \\\n  c # x\r\nd\n");
        let lines = logical_lines(
            &f,
            LineSyntax {
                comments: true,
                continuations: true,
            },
        );
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text, "a b   c ");
        let c = lines[0].text.find('c').unwrap();
        assert_eq!(&f.text[lines[0].file_offset(c)..][..1], "c");
        assert!(lines[0].comment.is_some());
        assert!(lines[0].lines[1].has_cr);
        assert_eq!(lines[1].text, "d");
    }

    #[test]
    fn last_line_without_newline() {
        let f = SourceFile::new("f", "a\nb");
        let lines: Vec<_> = f.physical_lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(!lines[1].has_newline);
    }
}
