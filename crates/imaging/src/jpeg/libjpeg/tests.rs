use super::*;

#[test]
fn the_banded_encoder_refuses_rows_that_do_not_make_the_image() {
    let (width, height) = (40u32, 30u32);
    let row = vec![128u8; width as usize * 3];
    let rows = |n: usize| row.repeat(n);
    let encode = |bands: Vec<Vec<u8>>| encode_bands(bands, width, height, 3, 80.0, Effort::Fast);
    // Bands of any whole number of rows make the same file as one buffer.
    let whole = encode(vec![rows(30)]).unwrap();
    assert_eq!(encode(vec![rows(7), rows(16), rows(7)]).unwrap(), whole);
    // A decoder that stopped early, one that gives too much, and a partial row.
    for bands in [
        vec![rows(29)],
        vec![rows(16), rows(15)],
        vec![rows(10), vec![0; 7]],
    ] {
        let err = encode(bands).unwrap_err();
        assert!(err.to_string().contains("rows"), "{err}");
    }
}
