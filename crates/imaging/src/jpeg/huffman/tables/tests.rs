use super::*;

/// Kraft's sum of the code lengths, in units of 2^-16: below 2^16 means the all-ones code
/// point is free, as JPEG requires.
fn kraft(table: &Table) -> u64 {
    table
        .bits
        .iter()
        .enumerate()
        .map(|(i, &count)| u64::from(count) << (15 - i))
        .sum()
}

#[test]
fn an_optimal_table_codes_every_counted_symbol_in_at_most_16_bits() {
    // Fibonacci counts make Huffman's lengths grow by one per symbol: far over 16 bits.
    let mut counts = [0u64; 257];
    let (mut a, mut b) = (1u64, 1u64);
    for count in counts.iter_mut().take(40) {
        *count = a;
        (a, b) = (b, a + b);
    }
    counts[0xF0] = 7;
    let table = Table::optimal(&counts);
    let coded: Vec<usize> = (0..256).filter(|&s| table.size[s] > 0).collect();
    let counted: Vec<usize> = (0..256).filter(|&s| counts[s] > 0).collect();
    assert_eq!(coded, counted);
    assert!(coded.iter().all(|&s| table.size[s] <= 16));
    assert_eq!(table.values.len(), counted.len());
    assert!(kraft(&table) < 1 << 16, "{}", kraft(&table));
    // Canonical codes are a prefix code: no code starts another.
    for &x in &coded {
        for &y in &coded {
            if x != y && table.size[x] <= table.size[y] {
                let prefix = table.code[y] >> (table.size[y] - table.size[x]);
                assert_ne!(prefix, table.code[x], "{x:#x} is a prefix of {y:#x}");
            }
        }
    }
}

#[test]
fn more_frequent_symbols_get_codes_no_longer_than_rarer_ones() {
    let mut counts = [0u64; 257];
    counts[0] = 1000;
    counts[1] = 500;
    counts[2] = 10;
    counts[3] = 1;
    let table = Table::optimal(&counts);
    assert!(table.size[0] <= table.size[1]);
    assert!(table.size[1] <= table.size[2]);
    assert!(table.size[2] <= table.size[3]);
    assert_eq!(table.size[0], 1);
}
