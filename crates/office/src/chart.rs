//! Bar charts as PNG pictures for Word reports, drawn and encoded here so the crate needs no
//! image or compression library. No text is drawn (we ship no fonts): the caption and the
//! table next to the chart carry the labels.

const WHITE: [u8; 3] = [0xff, 0xff, 0xff];
const AXIS_GREY: [u8; 3] = [0x80, 0x80, 0x80];
const BAR_BLUE: [u8; 3] = [0x2f, 0x6f, 0xc0];

/// Larger pictures only make the .docx heavier: docx-rs stores parts uncompressed and our
/// deflate blocks are stored too, so a picture costs width × height × 3 bytes.
const MAX_SIDE: u32 = 4096;

/// A vertical bar chart, one bar per value in the given order, scaled so the largest value
/// reaches the top of the plot area. Non-finite and negative values are drawn as zero; no
/// values give an empty frame. Sides are clamped to 1..=4096 pixels.
pub fn bar_chart_png(values: &[(String, f64)], width: u32, height: u32) -> Vec<u8> {
    let width = width.clamp(1, MAX_SIDE);
    let height = height.clamp(1, MAX_SIDE);
    let mut canvas = Canvas::new(width, height);

    // Margins proportional to the picture, so a thumbnail and a full-width chart look alike.
    let left = (width / 16).max(2);
    let right = (width / 32).max(1);
    let top = (height / 16).max(1);
    let bottom = (height / 12).max(2);
    let axis = (width.min(height) / 200).max(1);
    let plot_left = left + axis;
    let plot_right = width.saturating_sub(right);
    let plot_bottom = height.saturating_sub(bottom);
    let plot_top = top;

    let heights: Vec<f64> = values.iter().map(|(_, v)| if v.is_finite() && *v > 0.0 { *v } else { 0.0 }).collect();
    let max = heights.iter().copied().fold(0.0_f64, f64::max);
    if max > 0.0 && plot_right > plot_left && plot_bottom > plot_top {
        let slot = f64::from(plot_right - plot_left) / heights.len() as f64;
        let plot_height = f64::from(plot_bottom - plot_top);
        for (i, value) in heights.iter().enumerate() {
            // A fifth of each slot stays empty on either side so neighbouring bars never touch.
            let x0 = (f64::from(plot_left) + slot * (i as f64 + 0.2)).round() as u32;
            let x1 = (f64::from(plot_left) + slot * (i as f64 + 0.8)).round() as u32;
            let x1 = x1.max(x0 + 1);
            let bar = (value / max * plot_height).round() as u32;
            canvas.fill(x0, plot_bottom - bar, x1, plot_bottom, BAR_BLUE);
        }
    }

    // Axes last, so bars start on the x axis rather than over it.
    canvas.fill(left, plot_top, left + axis, plot_bottom + axis, AXIS_GREY);
    canvas.fill(left, plot_bottom, plot_right, plot_bottom + axis, AXIS_GREY);
    canvas.encode_png()
}

/// RGB pixels, row by row.
struct Canvas {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Canvas {
    fn new(width: u32, height: u32) -> Self {
        let pixels = WHITE.repeat(width as usize * height as usize);
        Canvas { width, height, pixels }
    }

    /// Fills the half-open rectangle [x0, x1) × [y0, y1), clipped to the canvas.
    fn fill(&mut self, x0: u32, y0: u32, x1: u32, y1: u32, color: [u8; 3]) {
        let (x1, y1) = (x1.min(self.width), y1.min(self.height));
        for y in y0..y1 {
            for x in x0..x1 {
                let at = (y as usize * self.width as usize + x as usize) * 3;
                self.pixels[at..at + 3].copy_from_slice(&color);
            }
        }
    }

    fn encode_png(&self) -> Vec<u8> {
        let stride = self.width as usize * 3;
        let mut raw = Vec::with_capacity((stride + 1) * self.height as usize);
        for row in self.pixels.chunks_exact(stride) {
            raw.push(0); // filter type None
            raw.extend_from_slice(row);
        }

        let mut ihdr = Vec::with_capacity(13);
        ihdr.extend_from_slice(&self.width.to_be_bytes());
        ihdr.extend_from_slice(&self.height.to_be_bytes());
        // 8-bit depth, colour type 2 (RGB), deflate, adaptive filtering, no interlace.
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);

        let mut png = PNG_SIGNATURE.to_vec();
        write_chunk(&mut png, b"IHDR", &ihdr);
        write_chunk(&mut png, b"IDAT", &zlib_stored(&raw));
        write_chunk(&mut png, b"IEND", &[]);
        png
    }
}

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

fn write_chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let len = u32::try_from(data.len()).expect("a chunk of a 4096×4096 picture fits in u32");
    png.extend_from_slice(&len.to_be_bytes());
    let start = png.len();
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32(&png[start..]);
    png.extend_from_slice(&crc.to_be_bytes());
}

/// The largest payload of one stored deflate block (its length field is 16 bits).
const STORED_BLOCK_MAX: usize = 65_535;

/// A zlib stream of stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let blocks = data.len().div_ceil(STORED_BLOCK_MAX).max(1);
    let mut out = Vec::with_capacity(2 + data.len() + blocks * 5 + 4);
    // CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes CMF·256 + FLG a multiple of 31.
    out.extend_from_slice(&[0x78, 0x01]);
    let mut chunks = data.chunks(STORED_BLOCK_MAX).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]); // one empty final block
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        // BFINAL in bit 0, BTYPE 00 (stored); the rest of the byte is padding.
        out.push(u8::from(last));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    // 5552 is the most bytes that can be summed before b could overflow u32.
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// CRC-32 as PNG and zip use it (reflected polynomial 0xEDB88320).
fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |crc, &byte| CRC_TABLE[((crc ^ u32::from(byte)) & 0xff) as usize] ^ (crc >> 8))
}

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    struct Chunk<'a> {
        kind: [u8; 4],
        data: &'a [u8],
    }

    /// Splits a PNG into chunks, checking the signature and every CRC on the way.
    fn chunks(png: &[u8]) -> Vec<Chunk<'_>> {
        assert_eq!(&png[..8], &PNG_SIGNATURE, "PNG signature");
        let mut rest = &png[8..];
        let mut out = Vec::new();
        while !rest.is_empty() {
            let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
            let kind: [u8; 4] = rest[4..8].try_into().unwrap();
            let data = &rest[8..8 + len];
            let crc = u32::from_be_bytes(rest[8 + len..12 + len].try_into().unwrap());
            assert_eq!(crc, crc32(&rest[4..8 + len]), "CRC of {}", String::from_utf8_lossy(&kind));
            out.push(Chunk { kind, data });
            rest = &rest[12 + len..];
        }
        out
    }

    /// Inflates a zlib stream made only of stored blocks, checking headers and Adler-32.
    fn inflate_stored(zlib: &[u8]) -> Vec<u8> {
        assert_eq!((u16::from(zlib[0]) << 8 | u16::from(zlib[1])) % 31, 0, "zlib header check");
        assert_eq!(zlib[0] & 0x0f, 8, "deflate method");
        let mut at = 2;
        let mut out = Vec::new();
        loop {
            let header = zlib[at];
            assert_eq!(header & 0b110, 0, "only stored blocks expected");
            let len = u16::from_le_bytes([zlib[at + 1], zlib[at + 2]]);
            let nlen = u16::from_le_bytes([zlib[at + 3], zlib[at + 4]]);
            assert_eq!(len, !nlen, "stored block LEN/NLEN");
            out.extend_from_slice(&zlib[at + 5..at + 5 + usize::from(len)]);
            at += 5 + usize::from(len);
            if header & 1 == 1 {
                break;
            }
        }
        let adler = u32::from_be_bytes(zlib[at..at + 4].try_into().unwrap());
        assert_eq!(adler, adler32(&out), "Adler-32");
        assert_eq!(at + 4, zlib.len(), "nothing after the Adler-32");
        out
    }

    struct Decoded {
        width: u32,
        height: u32,
        raw: Vec<u8>,
    }

    impl Decoded {
        fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
            let stride = self.width as usize * 3 + 1;
            let at = y as usize * stride + 1 + x as usize * 3;
            self.raw[at..at + 3].try_into().unwrap()
        }
    }

    fn decode(png: &[u8]) -> Decoded {
        let chunks = chunks(png);
        let kinds: Vec<&[u8; 4]> = chunks.iter().map(|c| &c.kind).collect();
        assert_eq!(kinds, [b"IHDR", b"IDAT", b"IEND"]);
        let ihdr = chunks[0].data;
        assert_eq!(ihdr.len(), 13);
        assert_eq!(&ihdr[8..], &[8, 2, 0, 0, 0], "8-bit RGB, no interlace");
        assert!(chunks[2].data.is_empty(), "IEND is empty");
        let width = u32::from_be_bytes(ihdr[..4].try_into().unwrap());
        let height = u32::from_be_bytes(ihdr[4..8].try_into().unwrap());
        let raw = inflate_stored(chunks[1].data);
        assert_eq!(raw.len(), height as usize * (1 + 3 * width as usize), "raw image size");
        let stride = 1 + 3 * width as usize;
        assert!(raw.chunks(stride).all(|row| row[0] == 0), "filter None on every row");
        Decoded { width, height, raw }
    }

    fn values(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn chart_checksums_match_known_values() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        assert_eq!(adler32(b""), 1);
        // Long enough to exercise the modulo reduction.
        let long = vec![0xffu8; 100_000];
        let (mut a, mut b) = (1u64, 0u64);
        for &byte in &long {
            a = (a + u64::from(byte)) % 65_521;
            b = (b + a) % 65_521;
        }
        assert_eq!(u64::from(adler32(&long)), (b << 16) | a);
    }

    #[test]
    fn chart_png_structure_and_size() {
        let png = bar_chart_png(&values(&[("南郑区", 12.5), ("城固县", 30.0), ("洋县", 7.0)]), 600, 360);
        let image = decode(&png);
        assert_eq!((image.width, image.height), (600, 360));
        // 600 × 360 × 3 + 360 filter bytes needs several 64 KiB stored blocks.
        assert!(image.raw.len() > 3 * STORED_BLOCK_MAX);
        assert_eq!(&png[png.len() - 12..], &[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]);
    }

    #[test]
    fn chart_draws_tallest_bar_to_the_top_and_skips_bad_values() {
        let (w, h) = (400, 200);
        let data = values(&[("甲", 10.0), ("乙", f64::NAN), ("丙", -5.0), ("丁", f64::INFINITY), ("戊", 5.0)]);
        let image = decode(&bar_chart_png(&data, w, h));
        let plot_bottom = h - h / 12;
        let slot = f64::from(w - w / 32 - (w / 16 + 1)) / 5.0;
        let centre = |i: usize| (f64::from(w / 16 + 1) + slot * (i as f64 + 0.5)) as u32;

        assert_eq!(image.pixel(0, 0), WHITE, "background");
        assert_eq!(image.pixel(w / 16, h / 2), AXIS_GREY, "y axis");
        assert_eq!(image.pixel(w / 2, plot_bottom), AXIS_GREY, "x axis");
        // The largest finite value reaches the top of the plot area; half of it reaches half way.
        assert_eq!(image.pixel(centre(0), h / 16), BAR_BLUE);
        assert_eq!(image.pixel(centre(0), h / 16 - 1), WHITE);
        let half = plot_bottom - (plot_bottom - h / 16) / 2;
        assert_eq!(image.pixel(centre(4), half + 2), BAR_BLUE);
        assert_eq!(image.pixel(centre(4), half - 2), WHITE);
        // NaN, negative and infinite values draw nothing above the axis.
        for i in 1..=3 {
            assert_eq!(image.pixel(centre(i), plot_bottom - 1), WHITE, "bar {i}");
        }
        // Each slot starts with a white gap.
        let before_first = (f64::from(w / 16 + 1) + slot * 0.1) as u32;
        assert_eq!(image.pixel(before_first, plot_bottom - 1), WHITE);
    }

    #[test]
    fn chart_edge_cases() {
        // (case, values, width, height, expected size)
        type Case = (&'static str, Vec<(String, f64)>, u32, u32, (u32, u32));
        let cases: &[Case] = &[
            ("empty input gives a blank frame", vec![], 300, 200, (300, 200)),
            ("all zero", values(&[("甲", 0.0), ("乙", 0.0)]), 300, 200, (300, 200)),
            ("zero size is clamped to one pixel", values(&[("甲", 1.0)]), 0, 0, (1, 1)),
            ("huge size is clamped", values(&[("甲", 1.0)]), 100_000, 3, (MAX_SIDE, 3)),
            ("more bars than pixels", (0..500).map(|i| (i.to_string(), f64::from(i))).collect(), 120, 80, (120, 80)),
        ];
        for (name, data, w, h, expected) in cases {
            let image = decode(&bar_chart_png(data, *w, *h));
            assert_eq!((image.width, image.height), *expected, "{name}");
            if data.iter().all(|(_, v)| *v == 0.0) && image.width > 1 {
                let blue = (0..image.height)
                    .flat_map(|y| (0..image.width).map(move |x| (x, y)))
                    .any(|(x, y)| image.pixel(x, y) == BAR_BLUE);
                assert!(!blue, "{name}: no bars expected");
            }
        }
    }

    #[test]
    fn chart_zlib_of_empty_and_exact_block_sizes() {
        for len in [0, 1, STORED_BLOCK_MAX, STORED_BLOCK_MAX + 1, 2 * STORED_BLOCK_MAX] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            assert_eq!(inflate_stored(&zlib_stored(&data)), data, "length {len}");
        }
    }
}
