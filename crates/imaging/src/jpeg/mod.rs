//! JPEG, by codec stage: libjpeg-turbo/mozjpeg for headers, decodes and pixel encodes
//! ([`libjpeg`]); and the transcoder, which makes the optimized output from a source's
//! DCT coefficients without decoding it to pixels ([`transcoder`], turning them with
//! libjpeg-turbo's lossless transforms, [`transupp`]), on the coefficient model
//! ([`coefficients`]), with chroma halved in the DCT domain ([`chroma`]) and the result
//! Huffman-coded on every thread ([`huffman`]) behind the segments [`markers`] writes (it
//! also reads a source's).
//!
//! Inside the folder, imports go one way: `transcoder` uses `libjpeg`, `transupp`, `chroma`
//! and `coefficients`; `huffman` uses `markers` and `coefficients`; `chroma` uses
//! `coefficients`; `libjpeg` uses `markers`; `markers` uses `coefficients`; `coefficients`
//! and `transupp` use nothing of the folder. What the pipeline needs is re-exported here.

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
