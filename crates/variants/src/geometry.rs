//! Where a variant's pixels come from: the part of the source it keeps, the size that part is
//! resized to, and the canvas it is placed on. Integer arithmetic only, rounding half up, so
//! that every architecture gets the same sizes.

use crate::declaration::Variant;
use crate::format::Fit;

/// A rectangle in source pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// How one variant is made from a source of a given size: crop the source to `crop`,
/// resize that to `size`, and place it at `offset` on a canvas of `canvas` (filled with the
/// variant's background where `size` does not cover it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Geometry {
    /// In source pixels.
    pub crop: Rect,
    /// The crop, resized.
    pub size: (u32, u32),
    /// The output's size.
    pub canvas: (u32, u32),
    /// Where `size`'s top-left corner sits on `canvas`.
    pub offset: (u32, u32),
}

impl Geometry {
    /// Nothing to do: the output is the source, uncropped, unresized and unpadded.
    pub fn is_identity(&self, source: (u32, u32)) -> bool {
        self.crop == whole(source) && self.size == source && self.canvas == source
    }

    /// Whether the canvas is larger than the resized crop (padding to draw).
    pub fn is_padded(&self) -> bool {
        self.canvas != self.size
    }
}

impl Variant {
    /// The geometry of this variant for a source of `source` = (width, height) pixels, as
    /// the source looks upright. No fit ever enlarges. A source of zero width or height is
    /// taken as one pixel. `cover` and `contain` without both sides (which a
    /// [`crate::Declaration`] refuses) act as `scale-down`.
    pub fn geometry(&self, source: (u32, u32)) -> Geometry {
        let source = (source.0.max(1), source.1.max(1));
        let box_ = (self.width, self.height);
        match (self.fit, box_) {
            (Fit::Cover, (Some(width), Some(height))) => cover(source, (width, height)),
            (Fit::Contain, (Some(width), Some(height))) => contain(source, (width, height)),
            _ => {
                let size = scale_down(source, box_);
                Geometry {
                    crop: whole(source),
                    size,
                    canvas: size,
                    offset: (0, 0),
                }
            }
        }
    }
}

fn whole((width, height): (u32, u32)) -> Rect {
    Rect {
        x: 0,
        y: 0,
        width,
        height,
    }
}

/// `value · numerator / denominator`, rounded half up, at least 1.
fn scaled(value: u32, numerator: u32, denominator: u32) -> u32 {
    let (value, numerator, denominator) = (
        u64::from(value),
        u64::from(numerator),
        u64::from(denominator),
    );
    // At most u32::MAX² + u32::MAX: no overflow in u64.
    let rounded = (value * numerator + denominator / 2) / denominator;
    rounded.clamp(1, u64::from(u32::MAX)) as u32
}

/// The source shrunk by min(box_w/src_w, box_h/src_h, 1) over the sides given. The side
/// that limits the scale is exactly the box's; the other is rounded.
fn scale_down((width, height): (u32, u32), box_: (Option<u32>, Option<u32>)) -> (u32, u32) {
    // Which side limits: the width when box_w/src_w ≤ box_h/src_h, i.e.
    // box_w·src_h ≤ box_h·src_w (compared in u64, exactly).
    let by_width = match box_ {
        (None, None) => return (width, height),
        (Some(_), None) => true,
        (None, Some(_)) => false,
        (Some(box_w), Some(box_h)) => {
            u64::from(box_w) * u64::from(height) <= u64::from(box_h) * u64::from(width)
        }
    };
    if by_width {
        let box_w = box_.0.expect("a width limits");
        if box_w >= width {
            return (width, height);
        }
        (box_w, scaled(height, box_w, width))
    } else {
        let box_h = box_.1.expect("a height limits");
        if box_h >= height {
            return (width, height);
        }
        (scaled(width, box_h, height), box_h)
    }
}

/// The largest centred crop of the box's aspect ratio, resized to the box, or left at its
/// own size when it is smaller than the box.
fn cover(source: (u32, u32), (box_w, box_h): (u32, u32)) -> Geometry {
    let (width, height) = source;
    let (crop_w, crop_h) =
        if u64::from(width) * u64::from(box_h) >= u64::from(height) * u64::from(box_w) {
            // The source is at least as wide as the box: keep its height.
            (scaled(height, box_w, box_h).min(width), height)
        } else {
            (width, scaled(width, box_h, box_w).min(height))
        };
    let crop = Rect {
        x: (width - crop_w) / 2,
        y: (height - crop_h) / 2,
        width: crop_w,
        height: crop_h,
    };
    let size = if crop_w >= box_w && crop_h >= box_h {
        (box_w, box_h)
    } else {
        (crop_w, crop_h)
    };
    Geometry {
        crop,
        size,
        canvas: size,
        offset: (0, 0),
    }
}

/// The whole source shrunk into the box and centred on a canvas of the box's size.
fn contain(source: (u32, u32), box_: (u32, u32)) -> Geometry {
    let size = scale_down(source, (Some(box_.0), Some(box_.1)));
    Geometry {
        crop: whole(source),
        size,
        canvas: box_,
        offset: ((box_.0 - size.0) / 2, (box_.1 - size.1) / 2),
    }
}

#[cfg(test)]
mod tests;
