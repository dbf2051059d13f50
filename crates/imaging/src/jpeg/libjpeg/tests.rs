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

#[test]
fn a_profile_over_the_cap_is_left_out_and_one_at_the_cap_is_read() {
    let image = image::DynamicImage::ImageRgb8(ferrotype_samples::two_halves(16, 16));
    let jpeg = ferrotype_samples::jpeg(&image);
    let at_cap = ferrotype_samples::jpeg_with_icc_chunks(&jpeg, memory::MAX_ICC_BYTES);
    let icc = read_header(&at_cap)
        .unwrap()
        .icc
        .expect("a profile at the cap is read");
    assert_eq!(icc.len(), memory::MAX_ICC_BYTES);
    let over = ferrotype_samples::jpeg_with_icc_chunks(&jpeg, memory::MAX_ICC_BYTES + 1);
    let header = read_header(&over).unwrap();
    assert!(header.icc.is_none(), "a profile over the cap is ignored");
    assert_eq!((header.width, header.height), (16, 16));
}

#[test]
fn the_orientation_is_read_from_the_exif_segment_among_others() {
    let image = image::DynamicImage::ImageRgb8(ferrotype_samples::two_halves(16, 16));
    let jpeg = ferrotype_samples::with_exif_orientation(&ferrotype_samples::jpeg(&image), 6);
    let padded = ferrotype_samples::jpeg_with_segments(&jpeg, 0xE1, b"", 1000);
    let header = read_header(&padded).unwrap();
    assert_eq!(header.orientation, Orientation::Rotate90);
}
