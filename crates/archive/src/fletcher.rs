//! Fletcher-4 over 32-bit words, as `fletcher_4_incremental_native/byteswap` in ZFS.
//!
//! The sums wrap modulo 2^64. Words are read in the *stream's* byte order; a trailing
//! piece of fewer than 4 bytes is ignored, exactly like ZFS does per update call.

use crate::record::ByteOrder;

/// Running fletcher-4 state (a, b, c, d).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fletcher4 {
    pub a: u64,
    pub b: u64,
    pub c: u64,
    pub d: u64,
}

impl Fletcher4 {
    pub const ZERO: Fletcher4 = Fletcher4 {
        a: 0,
        b: 0,
        c: 0,
        d: 0,
    };

    pub fn words(&self) -> [u64; 4] {
        [self.a, self.b, self.c, self.d]
    }

    /// Add `data` (whole words only; `len % 4` trailing bytes are ignored).
    #[inline]
    pub fn update(&mut self, data: &[u8], order: ByteOrder) {
        match order {
            ByteOrder::Little => self.update_with(data, u32::from_le_bytes),
            ByteOrder::Big => self.update_with(data, u32::from_be_bytes),
        }
    }

    #[inline(always)]
    fn update_with(&mut self, data: &[u8], word: fn([u8; 4]) -> u32) {
        let (mut a, mut b, mut c, mut d) = (self.a, self.b, self.c, self.d);
        // Unrolled by four words: the dependency chain a→b→c→d is inherent, but the
        // unrolled body lets the compiler schedule loads and byte swaps ahead of it.
        let mut blocks = data.chunks_exact(16);
        for block in &mut blocks {
            let w0 = u64::from(word([block[0], block[1], block[2], block[3]]));
            let w1 = u64::from(word([block[4], block[5], block[6], block[7]]));
            let w2 = u64::from(word([block[8], block[9], block[10], block[11]]));
            let w3 = u64::from(word([block[12], block[13], block[14], block[15]]));
            a = a.wrapping_add(w0);
            b = b.wrapping_add(a);
            c = c.wrapping_add(b);
            d = d.wrapping_add(c);
            a = a.wrapping_add(w1);
            b = b.wrapping_add(a);
            c = c.wrapping_add(b);
            d = d.wrapping_add(c);
            a = a.wrapping_add(w2);
            b = b.wrapping_add(a);
            c = c.wrapping_add(b);
            d = d.wrapping_add(c);
            a = a.wrapping_add(w3);
            b = b.wrapping_add(a);
            c = c.wrapping_add(b);
            d = d.wrapping_add(c);
        }
        for w in blocks.remainder().chunks_exact(4) {
            a = a.wrapping_add(u64::from(word([w[0], w[1], w[2], w[3]])));
            b = b.wrapping_add(a);
            c = c.wrapping_add(b);
            d = d.wrapping_add(c);
        }
        *self = Fletcher4 { a, b, c, d };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(data: &[u8], order: ByteOrder) -> Fletcher4 {
        let mut s = Fletcher4::ZERO;
        for w in data.chunks_exact(4) {
            let v = match order {
                ByteOrder::Little => u32::from_le_bytes([w[0], w[1], w[2], w[3]]),
                ByteOrder::Big => u32::from_be_bytes([w[0], w[1], w[2], w[3]]),
            };
            s.a = s.a.wrapping_add(u64::from(v));
            s.b = s.b.wrapping_add(s.a);
            s.c = s.c.wrapping_add(s.b);
            s.d = s.d.wrapping_add(s.c);
        }
        s
    }

    #[test]
    fn unrolled_matches_word_by_word_and_chunking() {
        let data: Vec<u8> = (0..10_007u32).map(|i| (i * 7919 % 251) as u8).collect();
        for order in [ByteOrder::Little, ByteOrder::Big] {
            let mut one = Fletcher4::ZERO;
            one.update(&data[..10_004], order);
            assert_eq!(one, reference(&data[..10_004], order));
            let mut chunked = Fletcher4::ZERO;
            for piece in data[..10_004].chunks(52) {
                chunked.update(piece, order);
            }
            assert_eq!(chunked, one);
        }
    }

    #[test]
    fn known_value() {
        // Words 1, 2 (LE): a = 3, b = 1 + 3 = 4, c = 1 + 4 = 5, d = 1 + 5 = 6.
        let mut s = Fletcher4::ZERO;
        s.update(&[1, 0, 0, 0, 2, 0, 0, 0, 9], ByteOrder::Little);
        assert_eq!(s.words(), [3, 4, 5, 6]);
        let mut s = Fletcher4::ZERO;
        s.update(&[0, 0, 0, 1, 0, 0, 0, 2], ByteOrder::Big);
        assert_eq!(s.words(), [3, 4, 5, 6]);
    }
}
