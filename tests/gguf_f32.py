"""An fp32 copy of a quantised GGUF: same metadata and tokenizer, every tensor dequantised.

transformers' GGUF loader dequantises to fp32 anyway, so llama.cpp running this copy and hf
running the original hold bit-identical weights: what is left between them is arithmetic order,
which lets the agreement test check the hf backend exactly instead of loosely.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_f32_copy(src: Path, dst: Path) -> Path:
    from gguf import GGUFReader, GGUFValueType, GGUFWriter
    from gguf.quants import dequantize

    reader = GGUFReader(src)
    arch = reader.fields["general.architecture"].contents()
    tmp = dst.with_suffix(".partial")
    writer = GGUFWriter(tmp, arch)
    for name, field in reader.fields.items():
        # The writer sets the header counts, the architecture and the alignment itself.
        if name.startswith("GGUF.") or name in ("general.architecture", "general.alignment",
                                                "general.file_type"):
            continue
        vtype = field.types[0]
        sub = field.types[-1] if vtype == GGUFValueType.ARRAY else None
        writer.add_key_value(name, field.contents(), vtype, sub_type=sub)
    writer.add_file_type(0)  # ALL_F32
    for t in reader.tensors:
        # dequantize() also widens F16/BF16 and passes F32 through.
        data = dequantize(t.data, t.tensor_type).astype(np.float32, copy=False)
        writer.add_tensor(t.name, np.ascontiguousarray(data))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.replace(dst)
    return dst
