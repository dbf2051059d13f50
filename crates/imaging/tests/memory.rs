//! Side data is capped: small files whose ICC profiles, text chunks or marker segments
//! would cost many times their size are processed within a few MiB more than their size.
//! Its own test binary, so that the allocator it counts with and the process's peak
//! resident memory see one job at a time. Two measures, because the C decoders (libjpeg)
//! allocate outside Rust's allocator and a lazily zeroed allocation is never resident.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ferrotype_imaging::{process, PipelineError, PipelineSettings, Processed};
use ferrotype_samples as samples;
use ferrotype_variants::Format;
use image::DynamicImage;

/// Rust's allocations: what is live now, and the most that was since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let live = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        grew(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: usize = 1 << 20;

/// What one job cost beyond what was live before it: Rust's peak allocation and the
/// process's peak resident memory.
struct Cost {
    allocated: usize,
    resident: usize,
    time: Duration,
}

/// A line of `/proc/self/status`, in bytes.
fn status_bytes(field: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("reading /proc/self/status");
    let line = status
        .lines()
        .find(|line| line.starts_with(field))
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"));
    let kb: usize = line[field.len()..]
        .trim()
        .trim_end_matches(" kB")
        .parse()
        .unwrap();
    kb * 1024
}

fn measured(bytes: &[u8]) -> (Result<Processed, PipelineError>, Cost) {
    let started = Instant::now();
    // Writing 5 resets the peak resident size (VmHWM) to the current one (Linux ≥ 4.0).
    std::fs::write("/proc/self/clear_refs", "5").expect("resetting the peak resident size");
    let resident_before = status_bytes("VmRSS:");
    let live_before = LIVE.load(Ordering::Relaxed);
    PEAK.store(live_before, Ordering::Relaxed);
    // The default variants in JPEG or PNG only: what is measured is the side data's cost
    // on the decode; the AV1 encoder's own state (over a MiB) is the same for every file.
    let mut variants = PipelineSettings::default().variants;
    for variant in &mut variants {
        variant.formats.retain(|spec| spec.format == Format::Auto);
    }
    let settings = PipelineSettings {
        variants,
        threads: 1,
        ..PipelineSettings::default()
    };
    let result = process(bytes, &settings);
    let cost = Cost {
        allocated: PEAK.load(Ordering::Relaxed) - live_before,
        resident: status_bytes("VmHWM:").saturating_sub(resident_before),
        time: started.elapsed(),
    };
    (result, cost)
}

fn small() -> DynamicImage {
    DynamicImage::ImageRgb8(samples::two_halves(64, 48))
}

/// Processes a hostile `file`, which must give three outputs, within `allocated` and
/// `resident` bytes beyond what was in use before, and in a second (unoptimised); or says
/// how it did not.
fn within(name: &str, file: &[u8], allocated: usize, resident: usize) -> Result<(), String> {
    let (result, cost) = measured(file);
    eprintln!(
        "{name}: {} bytes, {:.1} MiB allocated, {:.1} MiB more resident, {:?}",
        file.len(),
        cost.allocated as f64 / MIB as f64,
        cost.resident as f64 / MIB as f64,
        cost.time
    );
    let processed = result.map_err(|e| format!("{name}: {e:?}"))?;
    let mut failures = Vec::new();
    if processed.source.width != 64 {
        failures.push(format!("{} px wide", processed.source.width));
    }
    if cost.allocated > allocated {
        failures.push(format!(
            "{} MiB allocated, more than {}",
            cost.allocated / MIB,
            allocated / MIB
        ));
    }
    if cost.resident > resident {
        failures.push(format!(
            "{} MiB more resident, more than {}",
            cost.resident / MIB,
            resident / MIB
        ));
    }
    if cost.time > Duration::from_secs(1) {
        failures.push(format!("{:?}", cost.time));
    }
    match failures.is_empty() {
        true => Ok(()),
        false => Err(format!(
            "{name} ({} bytes): {}",
            file.len(),
            failures.join(", ")
        )),
    }
}

// One test, the cases one after another: the measures are the whole process's.
#[test]
fn hostile_side_data_costs_a_few_mib_beyond_the_file() {
    let mut checks = Vec::new();
    let jpeg = samples::jpeg(&small());
    let png = samples::png(&small());
    // What the first job pays once (thread pools, tables) is not the inputs' cost.
    checks.push(within("a plain JPEG", &jpeg, 4 * MIB, 16 * MIB));

    // 100 000 empty APP1 segments (400 KB): libjpeg would keep a copy of each, some 80
    // bytes apiece, and walk its list of them to add each (quadratic: a million take
    // minutes).
    let file = samples::jpeg_with_segments(&jpeg, 0xE1, b"", 100_000);
    checks.push(within("empty APP1 segments", &file, 4 * MIB, 4 * MIB));

    // 100 000 one-byte ICC chunks: no more than 255 are ever collected.
    let file = samples::jpeg_with_segments(&jpeg, 0xE2, b"ICC_PROFILE\0\x01\x01\x00", 100_000);
    checks.push(within("one-byte ICC chunks", &file, MIB, 4 * MIB));

    // A 16 MB profile in 255 full chunks: over the cap, never joined.
    let file = samples::jpeg_with_icc_chunks(&jpeg, 255 * 65519);
    checks.push(within("a 16 MB JPEG profile", &file, MIB, 4 * MIB));

    // A profile that inflates to 256 MiB: inflated only as far as the cap.
    let file = samples::png_with_iccp_bomb(&png, 256 * MIB);
    checks.push(within("a PNG profile bomb", &file, 12 * MIB, 24 * MIB));

    // 300 000 text chunks (4.5 MB): the decoder would keep two strings for each.
    let file = samples::png_with_text_chunks(&png, 300_000);
    checks.push(within(
        "PNG text chunks",
        &file,
        file.len() + 4 * MIB,
        file.len() + 16 * MIB,
    ));

    // A WebP whose profile chunk declares 4 GB it does not have.
    let simple = samples::lossy_webp(&small());
    let file = samples::webp_declaring_icc(&simple, u32::MAX - 1);
    checks.push(within(
        "a WebP profile declaring 4 GB",
        &file,
        8 * MIB,
        16 * MIB,
    ));

    let failures: Vec<String> = checks.into_iter().filter_map(Result::err).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}
