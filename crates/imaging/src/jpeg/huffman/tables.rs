//! Huffman tables built from the symbol counts of the whole image: the optimal code with
//! no code longer than 16 bits (ITU T.81 Annex K.2 and K.3), canonical codes (Annex C).

/// One Huffman table: its BITS and HUFFVAL lists as written in DHT, and the code and
/// length of each symbol.
pub(super) struct Table {
    pub bits: [u8; 16],
    pub values: Vec<u8>,
    pub code: [u32; 256],
    pub size: [u32; 256],
}

/// The DC and AC tables of each slot: 0 luma, 1 chroma.
pub(super) struct Tables {
    pub dc: [Table; 2],
    pub ac: [Table; 2],
}

impl Table {
    /// The optimal length-limited code for these symbol counts (ITU T.81 Annex K.2):
    /// Huffman's construction, then code lengths over 16 bits folded back, with one code
    /// point reserved so that no code is all ones.
    pub(super) fn optimal(counts: &[u64; 257]) -> Self {
        let mut freq = *counts;
        freq[256] = 1; // the reserved code point
        let mut size = [0u32; 257];
        let mut next: [Option<usize>; 257] = [None; 257];
        loop {
            // The two least frequent trees still standing (ties go to the higher symbol).
            let mut first: Option<usize> = None;
            let mut second: Option<usize> = None;
            for (symbol, &f) in freq.iter().enumerate() {
                if f == 0 {
                    continue;
                }
                match first {
                    Some(a) if f > freq[a] => match second {
                        Some(b) if f > freq[b] => {}
                        _ => second = Some(symbol),
                    },
                    _ => {
                        second = first;
                        first = Some(symbol);
                    }
                }
            }
            let (Some(a), Some(b)) = (first, second) else {
                break;
            };
            freq[a] += freq[b];
            freq[b] = 0;
            // Every symbol in both trees gets one bit longer; b's list joins a's.
            let a_last = lengthen(&mut size, &next, a);
            next[a_last] = Some(b);
            lengthen(&mut size, &next, b);
        }
        // A code is at most 256 bits long (257 symbols), whatever the counts.
        let mut bits = [0u32; 258];
        for &s in &size {
            if s > 0 {
                bits[s as usize] += 1;
            }
        }
        // Fold lengths over 16 (Annex K.3): take two codes of the longest length, move one
        // up a level and split a shorter code to make room for the other.
        for i in (17..bits.len()).rev() {
            while bits[i] > 0 {
                let mut j = i - 2;
                while bits[j] == 0 {
                    j -= 1;
                }
                bits[i] -= 2;
                bits[i - 1] += 1;
                bits[j + 1] += 2;
                bits[j] -= 1;
            }
        }
        // Drop the reserved code point: it has the longest code.
        if let Some(longest) = (1..=16).rev().find(|&i| bits[i] > 0) {
            bits[longest] -= 1;
        }
        // Symbols by code length, then by value.
        let mut by_length: Vec<(u32, u8)> = (0..=255u8)
            .filter(|&symbol| size[usize::from(symbol)] > 0)
            .map(|symbol| (size[usize::from(symbol)], symbol))
            .collect();
        by_length.sort_unstable();
        let values: Vec<u8> = by_length.into_iter().map(|(_, symbol)| symbol).collect();
        let mut table = Table {
            bits: [0; 16],
            values,
            code: [0; 256],
            size: [0; 256],
        };
        for (out, &b) in table.bits.iter_mut().zip(&bits[1..=16]) {
            *out = b as u8;
        }
        // Canonical codes (Annex C): consecutive within a length, doubled between lengths.
        let mut code = 0u32;
        let mut values = table.values.iter();
        for (length, &count) in (1u32..).zip(&table.bits) {
            for _ in 0..count {
                if let Some(&symbol) = values.next() {
                    table.code[usize::from(symbol)] = code;
                    table.size[usize::from(symbol)] = length;
                }
                code += 1;
            }
            code <<= 1;
        }
        table
    }
}

/// Adds a bit to the code length of every symbol in the list that starts at `first`;
/// returns the list's last symbol.
fn lengthen(size: &mut [u32; 257], next: &[Option<usize>; 257], first: usize) -> usize {
    let mut symbol = first;
    loop {
        size[symbol] += 1;
        match next[symbol] {
            Some(n) => symbol = n,
            None => return symbol,
        }
    }
}

#[cfg(test)]
mod tests;
