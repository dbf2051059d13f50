//! JPEG, by codec stage: libjpeg-turbo/mozjpeg for headers, decodes and pixel encodes
//! ([`libjpeg`]); and the transcoder, which makes the optimized output from a source's
//! DCT coefficients without decoding it to pixels ([`transcoder`]), on the coefficient
//! model ([`coefficients`]), with chroma halved in the DCT domain ([`chroma`]) and the
//! result Huffman-coded on every thread ([`huffman`]).
//!
//! Inside the folder, imports go one way: `transcoder` uses `libjpeg`, `chroma` and
//! `coefficients`; `huffman` and `chroma` use `coefficients`; `libjpeg` uses `markers`;
//! `coefficients` and `markers` use nothing of the folder. What the pipeline needs is re-exported here.

mod chroma;
mod coefficients;
mod huffman;
mod libjpeg;
mod markers;
mod transcoder;
mod transupp;

pub(crate) use huffman::{EncodeError, Encoding};
pub(crate) use libjpeg::{
    decode, decode_in_bands, encode, encode_bands, read_header, Effort, Header, JpegColour, Samples,
};
pub(crate) use transcoder::Transcoder;
