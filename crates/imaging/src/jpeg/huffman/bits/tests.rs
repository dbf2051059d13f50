use super::*;

#[test]
fn a_byte_of_all_ones_is_followed_by_a_stuffed_zero() {
    let mut writer = BitWriter::with_capacity(16);
    writer.put(0xFF, 8);
    writer.put(0x0F_FFFF, 24);
    writer.put(0b101, 3);
    writer.align();
    assert_eq!(
        writer.out,
        vec![0xFF, 0x00, 0x0F, 0xFF, 0x00, 0xFF, 0x00, 0b1011_1111]
    );
}
