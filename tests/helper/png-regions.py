#!/usr/bin/env python3
"""png-regions.py PNG BOXES-JSON MIN-INK: for each box {"cls", "x", "y",
"w", "h"} (CSS pixels, as the browser laid the page out), counts the pixels
of the screenshot inside it that carry colour (the plots draw data in
blue and red; frames, axes and labels are grey), and the distinct colours
there.  A box with fewer than MIN-INK coloured pixels is reported as
blank, and the exit status is 1.  Plain PNG decoding with zlib only (8-bit
RGB or RGBA, not interlaced: what Chromium writes), so the test needs no
package beyond python3."""

import json
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, head = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = head
    if depth != 8 or colour not in (2, 6) or interlace:
        sys.exit(f"{path}: unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        filt = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if filt == 1:
                line[x] = (line[x] + a) & 255
            elif filt == 2:
                line[x] = (line[x] + b) & 255
            elif filt == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif filt == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def main():
    path, boxes, min_ink = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
    width, height, bpp, rows = decode(path)
    blank = 0
    for box in boxes:
        x0, y0 = int(box["x"]), int(box["y"])
        x1, y1 = min(width, x0 + int(box["w"])), min(height, y0 + int(box["h"]))
        if x0 < 0 or y0 < 0 or x1 <= x0 or y1 <= y0 or y0 + int(box["h"]) > height:
            print(f"{box['cls']}: box {x0},{y0} {box['w']}x{box['h']} is outside the {width}x{height} screenshot")
            blank += 1
            continue
        ink, colours = 0, set()
        for y in range(y0, y1):
            row = rows[y]
            for x in range(x0, x1):
                r, g, b = row[x * bpp], row[x * bpp + 1], row[x * bpp + 2]
                colours.add((r, g, b))
                if max(r, g, b) - min(r, g, b) > 60:
                    ink += 1
        print(f"{box['cls']}: {ink} coloured pixels, {len(colours)} colours")
        if ink < min_ink:
            blank += 1
    sys.exit(1 if blank else 0)


main()
