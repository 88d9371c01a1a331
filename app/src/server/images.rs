//! Images from users (parcel photos, tickets, ID documents, delivery photos): JPEG, PNG or WebP
//! of at most 8 MB, decoded and encoded again as JPEG (which drops every bit of metadata, EXIF
//! GPS included), scaled to at most 1600 px, with a 400 px thumbnail. A small file can describe
//! a huge image (a decompression bomb): the size is read from the header first and anything over
//! 40 megapixels is refused before decoding, the decoder's memory is capped, and at most two
//! images are decoded at once per server, on the blocking pool (`process_upload`).

use crate::i18n::tr;
use image::{DynamicImage, ImageFormat, ImageReader};
use std::io::Cursor;

pub const MAX_BYTES: usize = 8 * 1024 * 1024;
const FULL_PX: u32 = 1600;
const THUMB_PX: u32 = 400;

pub const WRONG_TYPE: &str = crate::i18n::key("Photos must be JPEG, PNG or WebP images.");
/// The most pixels an upload may have (a 40 MP photo is bigger than any phone takes).
pub const MAX_PIXELS: u64 = 40_000_000;
pub const TOO_BIG: &str =
    crate::i18n::key("This image is too large (more than 40 megapixels). Send a smaller photo.");
/// Images decoded at once by one server: each can take a few hundred MB while it is decoded.
const DECODING_AT_ONCE: usize = 2;
static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(DECODING_AT_ONCE);

/// `process` on the blocking pool, waiting its turn behind the images being decoded.
pub async fn process_upload(bytes: Vec<u8>) -> Result<Processed, String> {
    let _turn = DECODING
        .acquire()
        .await
        .map_err(|_| tr("The server is shutting down. Try again in a moment.").to_string())?;
    tokio::task::spawn_blocking(move || process(&bytes))
        .await
        .unwrap_or_else(|_| Err(tr("This image could not be read. Try another photo.").into()))
}

/// A photo ready to store: the re-encoded image and thumbnail.
pub struct Processed {
    pub full: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Decodes, checks and re-encodes one upload. CPU work: call it from a blocking thread.
pub fn process(bytes: &[u8]) -> Result<Processed, String> {
    if bytes.is_empty() {
        return Err(tr("The file is empty.").into());
    }
    if bytes.len() > MAX_BYTES {
        return Err(tr("Each photo can be at most 8 MB.").into());
    }
    let format = image::guess_format(bytes).map_err(|_| crate::i18n::tr(WRONG_TYPE).to_string())?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(WRONG_TYPE.into());
    }
    let unreadable = || tr("This image could not be read. Try another photo.").to_string();
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|_| unreadable())?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(TOO_BIG.into());
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    // 40 MP of 16-bit RGBA, and no more.
    limits.max_alloc = Some(MAX_PIXELS * 8 + 16 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| unreadable())?;
    // Scaled first (the big image is never copied), then flattened onto white: JPEG has no alpha.
    let full = DynamicImage::ImageRgb8(flatten(&img.thumbnail(FULL_PX, FULL_PX)));
    drop(img);
    let thumb = full.thumbnail(THUMB_PX, THUMB_PX);
    Ok(Processed {
        width: full.width(),
        height: full.height(),
        full: jpeg(&full)?,
        thumb: jpeg(&thumb)?,
    })
}

/// A square picture cropped from the middle of an upload (checked and re-encoded like every
/// photo first), in each of `sizes` pixels: avatars.
pub async fn square_sizes(bytes: Vec<u8>, sizes: &'static [u32]) -> Result<Vec<Vec<u8>>, String> {
    let p = process_upload(bytes).await?;
    tokio::task::spawn_blocking(move || {
        let img = image::load_from_memory_with_format(&p.full, ImageFormat::Jpeg)
            .map_err(|_| tr("This image could not be read. Try another photo.").to_string())?;
        let side = img.width().min(img.height());
        let square = img.crop_imm(
            (img.width() - side) / 2,
            (img.height() - side) / 2,
            side,
            side,
        );
        sizes
            .iter()
            .map(|s| jpeg(&square.resize_exact(*s, *s, image::imageops::FilterType::Lanczos3)))
            .collect()
    })
    .await
    .unwrap_or_else(|_| Err(tr("This image could not be read. Try another photo.").into()))
}

fn flatten(img: &DynamicImage) -> image::RgbImage {
    let rgba = img.to_rgba8();
    let mut out = image::RgbImage::new(rgba.width(), rgba.height());
    for (x, y, p) in rgba.enumerate_pixels() {
        let a = u32::from(p[3]);
        let mix =
            |c: u8| u8::try_from((u32::from(c) * a + 255 * (255 - a)) / 255).unwrap_or(u8::MAX);
        out.put_pixel(x, y, image::Rgb([mix(p[0]), mix(p[1]), mix(p[2])]));
    }
    out
}

fn jpeg(img: &DynamicImage) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    img.write_with_encoder(enc)
        .map_err(|e| format!("encode: {e}"))?;
    Ok(out)
}

/// Stores a private photo under `UPLOAD_DIR/private/<folder>`: re-encoded like every photo,
/// named at random. Answers the file name.
pub async fn store_private(
    upload_dir: &std::path::Path,
    folder: &str,
    bytes: Vec<u8>,
) -> Result<String, crate::error::AppError> {
    use crate::error::AppError;
    let p = process_upload(bytes)
        .await
        .map_err(|m| AppError::validation("image", m))?;
    let name = format!("{}.jpg", uuid::Uuid::new_v4());
    let dir = upload_dir.join("private").join(folder);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(AppError::internal)?;
    tokio::fs::write(dir.join(&name), &p.full)
        .await
        .map_err(AppError::internal)?;
    Ok(name)
}

/// A private photo's file name as `store_private` makes them ("<uuid>.jpg"), or `None` for
/// anything else (a path, another spelling).
pub fn private_name(name: &str) -> Option<String> {
    let id = name.strip_suffix(".jpg")?;
    uuid::Uuid::try_parse(id)
        .ok()
        .filter(|u| u.hyphenated().to_string() == id)
        .map(|u| format!("{u}.jpg"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_with_alpha() -> Vec<u8> {
        let img = image::RgbaImage::from_fn(3000, 2000, |x, _| {
            image::Rgba([200, (x % 255) as u8, 10, 128])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn images_are_reencoded_scaled_and_thumbnailed() {
        let p = process(&png_with_alpha()).unwrap();
        assert_eq!((p.width, p.height), (1600, 1067));
        assert_eq!(image::guess_format(&p.full).unwrap(), ImageFormat::Jpeg);
        let thumb = image::load_from_memory(&p.thumb).unwrap();
        assert_eq!(thumb.width(), 400);
    }

    #[test]
    fn metadata_is_stripped() {
        let mut plain = Vec::new();
        DynamicImage::ImageRgb8(image::RgbImage::new(64, 48))
            .write_to(&mut Cursor::new(&mut plain), ImageFormat::Jpeg)
            .unwrap();
        // Insert an APP1 (EXIF) segment with a GPS marker right after the start-of-image.
        let payload = b"Exif\0\0GPSLatitude 48.85 GPSLongitude 2.35";
        let len = u16::try_from(payload.len() + 2).unwrap().to_be_bytes();
        let mut with_exif = plain[..2].to_vec();
        with_exif.extend_from_slice(&[0xFF, 0xE1, len[0], len[1]]);
        with_exif.extend_from_slice(payload);
        with_exif.extend_from_slice(&plain[2..]);
        let has = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        assert!(has(&with_exif, b"GPSLatitude"));
        let p = process(&with_exif).unwrap();
        assert!(!has(&p.full, b"GPSLatitude") && !has(&p.full, b"Exif"));
        assert!(!has(&p.thumb, b"Exif"));
    }

    /// A PNG that claims `w`×`h` pixels in its header; its pixel data is a few bytes of zeros.
    fn png_claiming(w: u32, h: u32) -> Vec<u8> {
        fn crc(bytes: &[u8]) -> u32 {
            let mut c = 0xFFFF_FFFFu32;
            for b in bytes {
                c ^= u32::from(*b);
                for _ in 0..8 {
                    c = if c & 1 == 1 {
                        0xEDB8_8320 ^ (c >> 1)
                    } else {
                        c >> 1
                    };
                }
            }
            !c
        }
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            out.extend_from_slice(&body);
            out.extend_from_slice(&crc(&body).to_be_bytes());
            out
        };
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &ihdr));
        png.extend(chunk(
            b"IDAT",
            &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        ));
        png.extend(chunk(b"IEND", &[]));
        png
    }

    #[test]
    fn decompression_bombs_are_refused_before_decoding() {
        let started = std::time::Instant::now();
        // 8000 × 8000: 64 MP, about 256 MB once decoded, from a file of a few dozen bytes.
        assert_eq!(
            process(&png_claiming(8000, 8000)).err().unwrap(),
            crate::i18n::tr(TOO_BIG)
        );
        assert_eq!(
            process(&png_claiming(20_000, 2_500)).err().unwrap(),
            crate::i18n::tr(TOO_BIG)
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        // Under the limit the header is believed, and the missing pixels make it unreadable.
        assert_ne!(
            process(&png_claiming(100, 100)).err().unwrap(),
            crate::i18n::tr(TOO_BIG)
        );
    }

    #[test]
    fn other_files_are_refused() {
        assert_eq!(
            process(b"GIF89a....").err().unwrap(),
            crate::i18n::tr(WRONG_TYPE)
        );
        assert_eq!(
            process(b"%PDF-1.7 hello").err().unwrap(),
            crate::i18n::tr(WRONG_TYPE)
        );
        assert!(process(&[]).is_err());
        assert!(process(&vec![0xFF; MAX_BYTES + 1]).is_err());
        // A JPEG header with garbage after it.
        assert!(process(&[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]).is_err());
    }
}

#[cfg(test)]
mod name_tests {
    #[test]
    fn only_names_we_make_are_private_names() {
        let ok = "67e55044-10b1-426f-9247-bb680e5fe0c8.jpg";
        assert_eq!(super::private_name(ok).as_deref(), Some(ok));
        for bad in [
            "../x.jpg",
            "67e5504410b1426f9247bb680e5fe0c8.jpg",
            "a.jpg",
            "",
            "x\0.jpg",
        ] {
            assert_eq!(super::private_name(bad), None, "{bad}");
        }
    }
}
