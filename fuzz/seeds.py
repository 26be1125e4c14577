#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs into CORPUS/<target>/ (default fuzz/corpus).

Seeds are made here rather than checked in: small valid examples of each input, from which
the fuzzer mutates. Images are drawn by hand-written encoders (PNG, baseline JPEG) or are
well-known minimal files (WebP), so no binary lives in the repository. Running it again
rewrites the same files; what the fuzzer added beside them is left alone.
"""

import base64
import hashlib
import os
import random
import struct
import sys
import zlib

ROOT = os.path.dirname(os.path.abspath(__file__))
BOUNDARY = b"----concierge-fuzz"


def png(width, height, color_type, bit_depth, pixel, interlace=0, extra=b""):
    """A PNG whose pixel (x, y) is the bytes `pixel(x, y)`, filter 0 on every row."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    def rows(xs, ys):
        return b"".join(b"\x00" + b"".join(pixel(x, y) for x in xs) for y in ys)

    if interlace:
        # Adam7: seven reduced images, each (x0, y0, dx, dy).
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        raw = b"".join(
            rows(range(x0, width, dx), range(y0, height, dy))
            for x0, y0, dx, dy in passes
            if x0 < width and y0 < height
        )
    else:
        raw = rows(range(width), range(height))
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, interlace)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + extra
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# Baseline JPEG, each 8×8 block one flat colour: only DC coefficients, every block ends at once.
DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]  # the standard luminance DC table
DC_VALUES = list(range(12))
AC_BITS = [1] + [0] * 15  # one code, for end-of-block
AC_VALUES = [0x00]


def huffman_codes(bits, values):
    codes, code, k = {}, 0, 0
    for length, count in enumerate(bits, start=1):
        for _ in range(count):
            codes[values[k]] = (code, length)
            code, k = code + 1, k + 1
        code <<= 1
    return codes


class BitWriter:
    def __init__(self):
        self.bits, self.out = [], bytearray()

    def write(self, value, length):
        self.bits.extend((value >> (length - 1 - i)) & 1 for i in range(length))

    def finish(self):
        self.bits.extend([1] * (-len(self.bits) % 8))
        for i in range(0, len(self.bits), 8):
            byte = int("".join(map(str, self.bits[i : i + 8])), 2)
            self.out.append(byte)
            if byte == 0xFF:
                self.out.append(0x00)
        return bytes(self.out)


def jpeg(width, height, components, block_color, app_segments=b"", restart_interval=0):
    """A baseline JPEG of `components` (1 or 3, no subsampling); block (bx, by) of component c
    has the flat sample value block_color(bx, by, c)."""

    def segment(marker, payload):
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    dc, ac = huffman_codes(DC_BITS, DC_VALUES), huffman_codes(AC_BITS, AC_VALUES)
    out = b"\xFF\xD8" + app_segments
    out += segment(0xDB, b"\x00" + b"\x01" * 64)  # quantisation table 0: all ones
    frame = struct.pack(">BHHB", 8, height, width, components)
    frame += b"".join(bytes([c + 1, 0x11, 0]) for c in range(components))
    out += segment(0xC0, frame)
    out += segment(0xC4, b"\x00" + bytes(DC_BITS) + bytes(DC_VALUES))
    out += segment(0xC4, b"\x10" + bytes(AC_BITS) + bytes(AC_VALUES))
    if restart_interval:
        out += segment(0xDD, struct.pack(">H", restart_interval))
    scan = bytes([components]) + b"".join(bytes([c + 1, 0x00]) for c in range(components))
    out += segment(0xDA, scan + b"\x00\x3F\x00")
    blocks = [(bx, by) for by in range((height + 7) // 8) for bx in range((width + 7) // 8)]
    data, writer, predictors = b"", BitWriter(), [0] * components
    for index, (bx, by) in enumerate(blocks):
        if restart_interval and index and index % restart_interval == 0:
            data += writer.finish() + bytes([0xFF, 0xD0 + (index // restart_interval - 1) % 8])
            writer, predictors = BitWriter(), [0] * components
        for c in range(components):
            value = (block_color(bx, by, c) - 128) * 8
            diff, predictors[c] = value - predictors[c], value
            size = abs(diff).bit_length()
            code, length = dc[size]
            writer.write(code, length)
            if size:
                writer.write(diff if diff > 0 else diff + (1 << size) - 1, size)
            code, length = ac[0x00]
            writer.write(code, length)
    return out + data + writer.finish() + b"\xFF\xD9"


def exif_orientation(orientation):
    """An APP1 segment with an EXIF block holding only an orientation tag."""
    tiff = b"MM\x00\x2A" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xFF\xE1" + struct.pack(">H", len(payload) + 2) + payload


def progressive_skeleton(width, height):
    """A structurally complete progressive JPEG with no real scan data (shared's own tests)."""
    out = b"\xFF\xD8\xFF\xC2\x00\x11\x08" + struct.pack(">HH", height, width)
    out += bytes([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])
    out += bytes([0xFF, 0xDA, 0x00, 8, 1, 1, 0x00, 0, 0, 0])
    return out + bytes([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD9])


# Minimal WebP files (lossless, lossy, lossy with alpha), as browsers' feature tests use them.
WEBP = [
    "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==",
    "UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA",
    "UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA==",
]


def images():
    gradient = lambda x, y, c: (x * 37 + y * 11 + c * 80) % 256
    return {
        "rgb.png": png(12, 9, 2, 8, lambda x, y: bytes([x * 20, y * 25, 90])),
        "rgba-transparent.png": png(8, 8, 6, 8, lambda x, y: bytes([200, 30, 30, 255 if x > 2 else 0])),
        "rgba-opaque.png": png(5, 7, 6, 8, lambda x, y: bytes([10, 20, 30, 255])),
        "gray16.png": png(6, 6, 0, 16, lambda x, y: struct.pack(">H", x * 9000 + y)),
        "gray-alpha.png": png(4, 4, 4, 8, lambda x, y: bytes([x * 60, y * 60])),
        "palette-trns.png": png(
            8, 4, 3, 8, lambda x, y: bytes([(x + y) % 3]),
            extra=png_chunk(b"PLTE", bytes([255, 0, 0, 0, 255, 0, 0, 0, 255])) + png_chunk(b"tRNS", b"\x00\xff"),
        ),
        "interlaced.png": png(9, 9, 2, 8, lambda x, y: bytes([x * 25, 0, y * 25]), interlace=1),
        "gray.jpg": jpeg(16, 8, 1, gradient),
        "color.jpg": jpeg(24, 16, 3, gradient),
        "odd-size.jpg": jpeg(13, 5, 3, gradient),
        "rotated.jpg": jpeg(16, 8, 3, gradient, app_segments=exif_orientation(6)),
        "mirrored.jpg": jpeg(8, 16, 1, gradient, app_segments=exif_orientation(2)),
        "restarts.jpg": jpeg(32, 16, 3, gradient, restart_interval=2),
        "progressive-skeleton.jpg": progressive_skeleton(16, 16),
        **{f"minimal-{i}.webp": base64.b64decode(webp) for i, webp in enumerate(WEBP)},
    }


def multipart(parts):
    body = b""
    for name, filename, content in parts:
        disposition = b'form-data; name="' + name + b'"'
        if filename:
            disposition += b'; filename="' + filename + b'"\r\nContent-Type: application/octet-stream'
        body += b"--" + BOUNDARY + b"\r\nContent-Disposition: " + disposition + b"\r\n\r\n" + content + b"\r\n"
    return body + b"--" + BOUNDARY + b"--\r\n"


def uploads(files):
    content_type = b"multipart/form-data; boundary=" + BOUNDARY + b"\n"
    seeds = {
        f"{name}.form": content_type + multipart([(b"image", name.encode(), content)])
        for name, content in list(files.items())[::3]
    }
    seeds["with-text-field.form"] = content_type + multipart(
        [(b"alt", None, b"Spa at dusk"), (b"image", b"a.png", files["rgb.png"])]
    )
    seeds["two-files.form"] = content_type + multipart(
        [(b"image", b"a.png", files["rgb.png"]), (b"other", b"b.jpg", files["gray.jpg"])]
    )
    seeds["quoted-boundary.form"] = (
        b'multipart/form-data; boundary="' + BOUNDARY + b'"\n' + multipart([(b"image", b"x.jpg", files["gray.jpg"])])
    )
    return seeds


# JSON bodies: the first byte picks the input type (see json_bodies.rs), the rest is the body.
ULID = "01JD8X3V9Q6N4T2W7K5M1R0B8C"
QR = "abcdefghijklmnopqrstuvwxyz"
JSON_BODIES = [
    (0, '{"department":"spa","details":"Two extra towels, please","priority":"high"}'),
    (0, '{"experience":"%s","requested_for":"2026-12-01T10:00:00Z","details":null}' % ULID),
    (1, '{"status":"acknowledged","reason":"On it","assignee":"%s","priority":"urgent"}' % ULID),
    (1, '{"status":"declined","reason":"Fully booked"}'),
    (2, '{"text":"Guest asked again at the desk"}'),
    (3, '{"phone":"+447911123456","hotel":"demo","qr":"%s"}' % QR),
    (4, '{"phone":"+351 912 345 678","code":"123456","hotel":"demo","name":"Ana"}'),
    (5, '{"email":"ana@example.com","password":"correct horse battery staple"}'),
    (6, '{"name":"Ana Lima","email":"Ana.Lima@Example.COM"}'),
    (7, '"+1 (212) 555-0123"'),
    (7, '"+44 20 7946 0958"'),
    (8, '" Ana@Example.COM "'),
    (0x40, '{"department":"room-service","details":"\\u00e9\\ud83d\\ude00"}'),
    (0xC0, '{"text":"not JSON by its type"}'),
]

GUPSHUP_EVENTS = [
    '{"app":"concierge","timestamp":1,"version":2,"type":"message-event","payload":{"id":"ours","type":"enqueued","destination":"447911123456","payload":{"whatsappMessageId":"w"}}}',
    '{"type":"message-event","payload":{"id":"wamid","gsId":"ours","type":"delivered"}}',
    '{"type":"message-event","payload":{"id":"ours","type":"failed","payload":{"code":1002,"reason":"Number does not exist"}}}',
    '{"type":"user-event","payload":{"type":"opted-in","phone":"447911123456"}}',
]


def gupshup():
    # Flags byte (bit 0: a secret is configured, bit 1: one is presented), then the configured
    # secret's line, the presented one's line, and the body: see gupshup_webhook.rs.
    seeds = {}
    for i, event in enumerate(GUPSHUP_EVENTS):
        seeds[f"event-{i}"] = b"\x03s3cret\ns3cret\n" + event.encode()
    seeds["wrong-secret"] = b"\x03s3cret\ns3cre\n" + GUPSHUP_EVENTS[1].encode()
    seeds["unconfigured"] = b"\x02\n\n" + GUPSHUP_EVENTS[0].encode()
    return seeds


def structured(target, count):
    """Random bytes for targets that take structured (Arbitrary) input."""
    rng = random.Random(target)
    return {f"random-{i}": bytes(rng.randrange(256) for _ in range(rng.randrange(8, 300))) for i in range(count)}


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "corpus")
    files = images()
    seeds = {
        "json_bodies": {f"{i:02}": bytes([selector]) + body.encode() for i, (selector, body) in enumerate(JSON_BODIES)},
        "cookies_csrf": structured("cookies_csrf", 16),
        "gupshup_webhook": gupshup(),
        "after_hours": structured("after_hours", 16),
        "image_sanitize": files,
        "image_upload": uploads(files),
    }
    for target, inputs in seeds.items():
        directory = os.path.join(corpus, target)
        os.makedirs(directory, exist_ok=True)
        for name, data in inputs.items():
            # Named by content as libFuzzer names its own finds, so a changed seed is a new file.
            digest = hashlib.sha1(data).hexdigest()[:12]
            with open(os.path.join(directory, f"seed-{name}-{digest}"), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
