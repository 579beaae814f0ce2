"""Rewrites a torch.save zip so its largest tensor record lies about its size.

The record is stored deflated with EXTRA zero bytes after its data while both its local header and its central
directory entry still declare the data's true size (and the CRC covers the longer stream): issue #17's "zip entry
declaring 384 000 bytes that inflates to 2 GiB, bad CRC", at a size that is quick to build.
Usage: python3 lying_zip_record.py pytorch_model.bin [EXTRA_MIB]
"""
import struct
import sys
import zipfile

path = sys.argv[1]
extra = int(sys.argv[2]) << 20 if len(sys.argv) > 2 else 64 << 20

with zipfile.ZipFile(path) as source:
    items = [(info.filename, source.read(info.filename)) for info in source.infolist()]
target = max((name for name, data in items if "/data/" in name), key=lambda name: len(dict(items)[name]))
true_size = len(dict(items)[target])

with zipfile.ZipFile(path + ".new", "w") as out:
    for name, data in items:
        if name == target:
            out.writestr(zipfile.ZipInfo(name), data + bytes(extra), compress_type=zipfile.ZIP_DEFLATED)
        else:
            out.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_STORED)

blob = bytearray(open(path + ".new", "rb").read())
with zipfile.ZipFile(path + ".new") as check:
    local = check.getinfo(target).header_offset
struct.pack_into("<I", blob, local + 22, true_size)  # local file header: uncompressed size
end = blob.rfind(b"PK\x05\x06")
entry = struct.unpack_from("<I", blob, end + 16)[0]
while entry < end:
    name_len, extra_len, comment_len = struct.unpack_from("<HHH", blob, entry + 28)
    if blob[entry + 46:entry + 46 + name_len].decode() == target:
        struct.pack_into("<I", blob, entry + 24, true_size)  # central directory: uncompressed size
    entry += 46 + name_len + extra_len + comment_len
open(path, "wb").write(blob)
print(f"{target}: declares {true_size} bytes, inflates to {true_size + extra}")
