//! Byte buffers: [`AlignedBuf`] (page-aligned, for fast reads) and [`hex`].

/// A heap buffer whose usable part starts on a page boundary. The kernel copies a read
/// into a page-aligned destination several times faster than into malloc's 16-byte
/// alignment (measured 4.5x for 256 KiB reads from the page cache), and that copy is
/// most of the cost of verifying a bare stream.
pub struct AlignedBuf {
    storage: Vec<u8>,
    start: usize,
    len: usize,
}

impl AlignedBuf {
    const ALIGN: usize = 4096;

    pub fn new(len: usize) -> AlignedBuf {
        let storage = vec![0u8; len + Self::ALIGN];
        let start = storage.as_ptr().align_offset(Self::ALIGN).min(Self::ALIGN);
        AlignedBuf {
            storage,
            start,
            len,
        }
    }

    /// Usable length (may be shortened with [`truncate`](Self::truncate)).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// Restore the full capacity after a `truncate`.
    pub fn reset(&mut self) {
        self.len = self.storage.len() - Self::ALIGN;
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.storage[self.start..self.start + self.len]
    }

    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut self.storage[self.start..self.start + self.len]
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_buffers_are_page_aligned() {
        let mut b = AlignedBuf::new(10_000);
        assert_eq!(b.as_slice().as_ptr() as usize % 4096, 0);
        assert_eq!(b.len(), 10_000);
        b.truncate(10);
        assert_eq!(b.as_mut_slice().len(), 10);
        b.reset();
        assert_eq!(b.len(), 10_000);
    }
}
