"""Documents read back in tests: the objects, font names and text layer of the PDFs WeasyPrint writes (Flate
streams and object streams unpacked, glyphs mapped through each font's ToUnicode CMap)."""

import re
import zlib


def pdf_objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Objects of a PDF as (dictionary, decoded stream), object streams unpacked."""
    objects = {}
    for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S):
        head, stream = m.group(2), None
        found = re.search(rb"stream\r?\n(.*?)\r?\nendstream", head, re.S)
        if found:
            stream = found.group(1)
            head = head[: found.start()]
            if b"/FlateDecode" in head:
                stream = zlib.decompress(stream)
        objects[int(m.group(1))] = (head, stream)
    for head, stream in list(objects.values()):
        if b"/ObjStm" in head and stream:
            count = int(re.search(rb"/N (\d+)", head).group(1))
            first = int(re.search(rb"/First (\d+)", head).group(1))
            numbers = list(map(int, stream[:first].split()))
            offsets = [(numbers[2 * i], numbers[2 * i + 1]) for i in range(count)]
            for i, (number, offset) in enumerate(offsets):
                end = offsets[i + 1][1] if i + 1 < count else len(stream) - first
                objects[number] = (stream[first + offset : first + end], None)
    return objects


def pdf_font_names(data: bytes) -> set[str]:
    return {
        m.decode() for head, _s in pdf_objects(data).values() for m in re.findall(rb"/FontName\s*/([^\s/>]+)", head)
    }


def pdf_text(data: bytes) -> str:
    """The text layer: glyph codes of the content streams mapped through each font's ToUnicode CMap."""
    objects = pdf_objects(data)
    cmaps = {}
    for head, _s in objects.values():
        name, to_unicode = re.search(rb"/BaseFont\s*/(\w+)\+", head), re.search(rb"/ToUnicode\s+(\d+) 0 R", head)
        if not (name and to_unicode):
            continue
        cmap, stream = {}, objects[int(to_unicode.group(1))][1] or b""
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                cmap[src.lower()] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
            for low, high, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                for code in range(int(low, 16), int(high, 16) + 1):
                    cmap[f"{code:0{len(low)}x}".encode()] = chr(int(dst, 16) + code - int(low, 16))
        cmaps[name.group(1)] = cmap
    out = []
    for _h, stream in objects.values():
        if not stream or b" Tf" not in stream:
            continue
        font = {}
        for token in re.finditer(rb"/(\w+) [\d.]+ Tf|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj", stream, re.S):
            if token.group(1):
                font = cmaps.get(token.group(1), {})
                continue
            strings = (
                re.findall(rb"<([0-9a-fA-F]*)>", token.group(2)) if token.group(2) is not None else [token.group(3)]
            )
            for s in strings:
                s = s.lower()
                out.append("".join(font.get(s[i : i + 4], "\ufffd") for i in range(0, len(s), 4)))
    return "".join(out)
