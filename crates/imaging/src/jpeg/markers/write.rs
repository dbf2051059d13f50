//! The segments before the entropy-coded data of the JPEG the transcoder writes.

use super::{SOI, SOS};
use crate::jpeg::coefficients::{Frame, Grid, NATURAL};

/// JFIF, quantization tables, baseline and extended sequential frames, Huffman tables and
/// the restart interval.
const APP0: u8 = 0xE0;
const DQT: u8 = 0xDB;
const SOF0: u8 = 0xC0;
const SOF1: u8 = 0xC1;
const DHT: u8 = 0xC4;
const DRI: u8 = 0xDD;

/// A Huffman table as a DHT segment carries it.
#[derive(Clone, Copy)]
pub(in crate::jpeg) struct DhtTable<'a> {
    /// How many codes there are of each length, 1 to 16 bits (BITS).
    pub bits: &'a [u8; 16],
    /// The symbols, in the order of their codes (HUFFVAL).
    pub values: &'a [u8],
}

/// Everything before the entropy-coded data: SOI, JFIF, DQT, SOF, DHT, DRI, SOS. One scan
/// of all of `frame`'s components, a restart interval per MCU row of `grid`, coded with
/// the `dc` and `ac` Huffman tables of each slot (0 luma, 1 chroma; a grey frame uses 0).
pub(in crate::jpeg) fn headers(
    frame: &Frame,
    grid: Grid,
    dc: [DhtTable<'_>; 2],
    ac: [DhtTable<'_>; 2],
) -> Vec<u8> {
    let mut out = vec![0xFF, SOI];
    // JFIF 1.01, no density unit, 1:1, no thumbnail.
    segment(
        &mut out,
        APP0,
        &[b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0],
    );
    let extended = frame.quant.iter().flatten().any(|&q| q > 255);
    for (slot, table) in frame.quant.iter().enumerate() {
        let mut body = Vec::with_capacity(129);
        if extended {
            body.push(0x10 | slot as u8);
            for &k in &NATURAL {
                body.extend_from_slice(&table[k].to_be_bytes());
            }
        } else {
            body.push(slot as u8);
            body.extend(NATURAL.iter().map(|&k| table[k] as u8));
        }
        segment(&mut out, DQT, &body);
    }
    // Baseline, or extended sequential when a step needs 16 bits.
    let mut sof = vec![8];
    sof.extend_from_slice(&(frame.height as u16).to_be_bytes());
    sof.extend_from_slice(&(frame.width as u16).to_be_bytes());
    sof.push(frame.planes.len() as u8);
    let single = frame.planes.len() == 1;
    for plane in &frame.planes {
        let sampling = if single {
            0x11
        } else {
            (plane.h_samp << 4) | plane.v_samp
        };
        sof.extend_from_slice(&[plane.id, sampling, plane.table as u8]);
    }
    segment(&mut out, if extended { SOF1 } else { SOF0 }, &sof);
    let slots = if single { 1 } else { 2 };
    let mut dht = Vec::new();
    for slot in 0..slots {
        for (class, table) in [(0u8, dc[slot]), (1, ac[slot])] {
            dht.push((class << 4) | slot as u8);
            dht.extend_from_slice(table.bits);
            dht.extend_from_slice(table.values);
        }
    }
    segment(&mut out, DHT, &dht);
    segment(&mut out, DRI, &(grid.columns as u16).to_be_bytes());
    let mut sos = vec![frame.planes.len() as u8];
    for plane in &frame.planes {
        sos.extend_from_slice(&[plane.id, ((plane.table as u8) << 4) | plane.table as u8]);
    }
    sos.extend_from_slice(&[0, 63, 0]);
    segment(&mut out, SOS, &sos);
    out
}

/// One marker segment: the marker, the length (its own two bytes included), the body.
fn segment(out: &mut Vec<u8>, marker: u8, body: &[u8]) {
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(body);
}
