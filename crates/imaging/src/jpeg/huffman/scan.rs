//! The parallel scan: the MCU rows cut into chunks, which the threads that call
//! [`Encoding::work`] take one at a time for the first pass (blocks reordered, requantized
//! and their symbols counted), then, once every chunk is counted and the tables are built,
//! for the second (the symbols coded, each MCU row a restart interval).
//!
//! A restart marker per MCU row costs two bytes and the rest of a byte, under 0.1% of a
//! photo's output; decoders have handled restart intervals since the first JPEG codecs
//! (cameras write them).

use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};

use super::bits::BitWriter;
use super::symbols::{code_block, count_block, Counts};
use super::tables::{Table, Tables};
use super::zigzag::zigzag;
use super::EncodeError;
use crate::jpeg::coefficients::{Frame, Grid};
use crate::jpeg::markers::{self, DhtTable};
use crate::memory;

/// Chunks the MCU rows are cut into: enough for two threads to share the work evenly.
const CHUNKS: u32 = 32;

/// A chunk after the first pass, MCU by MCU, each block requantized and in zigzag order
/// but kept only as which coefficients are not zero and their values (its DC value, then
/// the others in order): a quarter of the memory of the blocks. And the symbols they will
/// need.
struct Prepared {
    /// Per block, bit `k` set when zigzag coefficient `k` (k ≥ 1) is not zero.
    masks: Vec<u64>,
    values: Vec<i16>,
    counts: [Counts; 2],
}

/// A chunk's result, once a thread has made it.
type Slot<T> = Mutex<Option<Result<T, EncodeError>>>;

/// The work of writing one frame, shared by the threads that call [`Encoding::work`].
pub(crate) struct Encoding<'f> {
    frame: &'f Frame,
    grid: Grid,
    per_mcu: Vec<(u32, u32)>,
    chunks: Vec<Range<u32>>,
    next_prepare: AtomicUsize,
    prepared: Vec<Slot<Prepared>>,
    /// Chunks whose first pass has finished, and a signal for those waiting on the rest.
    finished: Mutex<usize>,
    all_prepared: Condvar,
    tables: OnceLock<Result<Tables, EncodeError>>,
    next_code: AtomicUsize,
    coded: Vec<Slot<Vec<u8>>>,
}

impl<'f> Encoding<'f> {
    pub(crate) fn new(frame: &'f Frame) -> Result<Self, EncodeError> {
        let grid = frame.grid();
        let per_mcu = frame.blocks_per_mcu();
        for (plane, &(_, v)) in frame.planes.iter().zip(&per_mcu) {
            if (plane.rows.len() as u64) < u64::from(grid.rows) * u64::from(v) {
                return Err(EncodeError::Geometry);
            }
        }
        let per_chunk = grid.rows.div_ceil(CHUNKS).max(1);
        let chunks: Vec<Range<u32>> = (0..grid.rows)
            .step_by(per_chunk as usize)
            .map(|start| start..(start + per_chunk).min(grid.rows))
            .collect();
        Ok(Self {
            frame,
            grid,
            per_mcu,
            next_prepare: AtomicUsize::new(0),
            prepared: empty_slots(chunks.len()),
            finished: Mutex::new(0),
            all_prepared: Condvar::new(),
            tables: OnceLock::new(),
            next_code: AtomicUsize::new(0),
            coded: empty_slots(chunks.len()),
            chunks,
        })
    }

    /// Takes chunks of the first pass until none is left, waits for the other threads'
    /// first passes, then takes chunks of the second. Any number of threads may call it,
    /// at any time before [`Encoding::finish`].
    pub(crate) fn work(&self) {
        let n = self.chunks.len();
        loop {
            let i = self.next_prepare.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            let result = catch_unwind(AssertUnwindSafe(|| self.prepare(&self.chunks[i])))
                .unwrap_or(Err(EncodeError::Panicked));
            *lock(&self.prepared[i]) = Some(result);
            let mut finished = lock(&self.finished);
            *finished += 1;
            if *finished == n {
                self.all_prepared.notify_all();
            }
        }
        let mut finished = lock(&self.finished);
        while *finished < n {
            finished = self
                .all_prepared
                .wait(finished)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        drop(finished);
        let Ok(tables) = self.tables.get_or_init(|| self.build_tables()) else {
            return;
        };
        loop {
            let i = self.next_code.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            let prepared = lock(&self.prepared[i]).take();
            let result = match prepared {
                Some(Ok(prepared)) => catch_unwind(AssertUnwindSafe(|| {
                    self.code(&self.chunks[i], &prepared, tables)
                }))
                .unwrap_or(Err(EncodeError::Panicked)),
                Some(Err(e)) => Err(e),
                None => Err(EncodeError::Panicked),
            };
            *lock(&self.coded[i]) = Some(result);
        }
    }

    /// The whole JPEG file, once the work is done (it does what is left on this thread).
    pub(crate) fn finish(self) -> Result<Vec<u8>, EncodeError> {
        self.work();
        let tables = match self.tables.into_inner() {
            Some(Ok(tables)) => tables,
            Some(Err(e)) => return Err(e),
            None => return Err(EncodeError::Panicked),
        };
        let mut parts = Vec::with_capacity(self.coded.len());
        for slot in self.coded {
            match slot.into_inner().unwrap_or_else(|p| p.into_inner()) {
                Some(Ok(bytes)) => parts.push(bytes),
                Some(Err(e)) => return Err(e),
                None => return Err(EncodeError::Panicked),
            }
        }
        let mut out = markers::headers(
            self.frame,
            self.grid,
            tables.dc.each_ref().map(dht),
            tables.ac.each_ref().map(dht),
        );
        out.reserve(parts.iter().map(Vec::len).sum::<usize>() + 2);
        for part in parts {
            out.extend_from_slice(&part);
        }
        out.extend_from_slice(&[0xFF, markers::EOI]);
        Ok(out)
    }

    /// First pass over the MCU rows `rows`: requantized zigzag blocks and symbol counts.
    fn prepare(&self, rows: &Range<u32>) -> Result<Prepared, EncodeError> {
        let blocks_per_mcu: u32 = self.per_mcu.iter().map(|(h, v)| h * v).sum();
        let total =
            (rows.len() as u64 * u64::from(self.grid.columns) * u64::from(blocks_per_mcu)) as usize;
        let out_of_memory = |_| EncodeError::OutOfMemory(total);
        let mut masks: Vec<u64> = memory::reserved(total).map_err(out_of_memory)?;
        let mut values: Vec<i16> = memory::reserved(total * 8).map_err(out_of_memory)?;
        let mut counts: [Counts; 2] = Default::default();
        let planes = &self.frame.planes;
        let mut predictions = vec![0i32; planes.len()];
        for row in rows.clone() {
            predictions.fill(0);
            for column in 0..self.grid.columns {
                for (p, (plane, &(h, v))) in planes.iter().zip(&self.per_mcu).enumerate() {
                    for y in 0..v {
                        // SAFETY: `new` checked that the plane has rows for every MCU row;
                        // each row holds the blocks of every MCU column (see `Plane::rows`).
                        let line = plane.rows[(row * v + y) as usize];
                        for x in 0..h {
                            let source = unsafe { &*line.add((column * h + x) as usize) };
                            let (block, mask) = zigzag(source, plane.rescale.as_ref());
                            count_block(
                                &block,
                                mask,
                                &mut predictions[p],
                                &mut counts[plane.table],
                                &mut values,
                            )?;
                            masks.push(mask);
                        }
                    }
                }
            }
        }
        Ok(Prepared {
            masks,
            values,
            counts,
        })
    }

    fn build_tables(&self) -> Result<Tables, EncodeError> {
        let mut counts: [Counts; 2] = Default::default();
        for slot in &self.prepared {
            match &*lock(slot) {
                Some(Ok(prepared)) => {
                    for (total, part) in counts.iter_mut().zip(&prepared.counts) {
                        for (t, p) in total.dc.iter_mut().zip(&part.dc) {
                            *t += p;
                        }
                        for (t, p) in total.ac.iter_mut().zip(&part.ac) {
                            *t += p;
                        }
                    }
                }
                Some(Err(e)) => return Err(e.clone()),
                None => return Err(EncodeError::Panicked),
            }
        }
        let [luma, chroma] = counts;
        Ok(Tables {
            dc: [Table::optimal(&luma.dc), Table::optimal(&chroma.dc)],
            ac: [Table::optimal(&luma.ac), Table::optimal(&chroma.ac)],
        })
    }

    /// Second pass: the entropy-coded data of the MCU rows `rows`, each row a restart
    /// interval, with the restart marker before every row but the image's first.
    fn code(
        &self,
        rows: &Range<u32>,
        prepared: &Prepared,
        tables: &Tables,
    ) -> Result<Vec<u8>, EncodeError> {
        let planes = &self.frame.planes;
        let mut writer = BitWriter::with_capacity(prepared.values.len() * 2);
        let mut masks = prepared.masks.iter();
        let mut values = prepared.values.iter();
        let mut predictions = vec![0i32; planes.len()];
        for row in rows.clone() {
            if row > 0 {
                writer.marker(markers::RST0 + ((row - 1) % 8) as u8);
            }
            predictions.fill(0);
            for _ in 0..self.grid.columns {
                for (p, (plane, &(h, v))) in planes.iter().zip(&self.per_mcu).enumerate() {
                    let (dc, ac) = (&tables.dc[plane.table], &tables.ac[plane.table]);
                    for _ in 0..h * v {
                        let mask = *masks.next().ok_or(EncodeError::Geometry)?;
                        code_block(&mut writer, mask, &mut values, &mut predictions[p], dc, ac)
                            .ok_or(EncodeError::Geometry)?;
                    }
                }
            }
            writer.align();
        }
        Ok(writer.into_bytes())
    }
}

/// A table as the DHT segment carries it.
fn dht(table: &Table) -> DhtTable<'_> {
    DhtTable {
        bits: &table.bits,
        values: &table.values,
    }
}

fn empty_slots<T>(n: usize) -> Vec<Mutex<Option<T>>> {
    (0..n).map(|_| Mutex::new(None)).collect()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests;
