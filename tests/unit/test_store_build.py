"""The build step: grounding, coverage, and adding a document without code changes."""

import shutil
from pathlib import Path

import pytest
import yaml

from knowledge.build import BuildError, build, item_problems, load_documents
from tests.conftest import PROJECT


@pytest.fixture()
def project_copy(tmp_path: Path) -> Path:
    """A copy of the project's data to break on purpose."""
    shutil.copytree(PROJECT / "data", tmp_path / "data")
    return tmp_path


def _edit_yaml(path: Path, edit) -> None:
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_every_quote_is_verbatim_in_its_document(built_store: dict) -> None:
    documents = load_documents(PROJECT / "data" / "documents")
    for fact in built_store["facts"]:
        assert fact["quotes"], fact["id"]
        for quote in fact["quotes"]:
            assert quote["text"] in documents[quote["document"]]["text"], (fact["id"], quote["text"])


def test_project_documents_are_the_shared_originals() -> None:
    shared = PROJECT.parent / "shared" / "documents"
    if not shared.is_dir():
        pytest.skip("../shared/documents is not beside this checkout")
    for original in shared.glob("*.txt"):
        copy = PROJECT / "data" / "documents" / original.name
        assert copy.read_bytes() == original.read_bytes(), original.name


def test_a_drifted_quote_fails_the_build(project_copy: Path) -> None:
    facts_file = project_copy / "data" / "facts" / "collagen_mask.yml"
    _edit_yaml(
        facts_file,
        lambda c: c["facts"][0]["sources"][0]["quotes"].__setitem__(
            0, c["facts"][0]["sources"][0]["quotes"][0].replace("1-2", "2-3")
        ),
    )
    with pytest.raises(BuildError, match="not verbatim"):
        build(project_copy)


def test_an_unbacked_sentence_fails_the_build(project_copy: Path) -> None:
    document = project_copy / "data" / "documents" / "why-pores-matter.txt"
    document.write_text(
        document.read_text(encoding="utf-8")
        + "\nIce cubes shrink pores overnight, said nobody. Cold water closes them too.\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildError, match="neither backed nor excluded"):
        build(project_copy)


def test_an_unknown_topic_fails_the_build(project_copy: Path) -> None:
    _edit_yaml(
        project_copy / "data" / "facts" / "collagen_mask.yml",
        lambda c: c["facts"][0].__setitem__("topics", ["unicorn_dust"]),
    )
    with pytest.raises(BuildError, match="unknown topic"):
        build(project_copy)


def test_a_third_document_needs_no_code_change(project_copy: Path) -> None:
    documents_dir = project_copy / "data" / "documents"
    (documents_dir / "steam.txt").write_text("Steam care\nSteam softens the skin before cleansing.\n", encoding="utf-8")
    _edit_yaml(
        documents_dir / "documents.yml",
        lambda c: c["documents"].append({"id": "steam", "title": "Steam care", "file": "steam.txt"}),
    )
    (project_copy / "data" / "facts" / "steam.yml").write_text(
        yaml.safe_dump(
            {
                "facts": [
                    {
                        "id": "steam_what_is",
                        "topics": ["cleansing"],
                        "kinds": ["what_is"],
                        "question": "What does steam do?",
                        "question_ko": "스팀은 뭐에 좋아요?",
                        "answer": "Steam softens the skin before cleansing.",
                        "answer_ko": "스팀은 세안 전에 피부를 부드럽게 해 줘요.",
                        "sources": [{"document": "steam", "quotes": ["Steam softens the skin before cleansing."]}],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    store, report = build(project_copy)
    assert "steam_what_is" in [fact["id"] for fact in store["facts"]]
    assert "Steam care" in [document["title"]["en"] for document in store["documents"]]
    assert "uncovered: 0" in report


def test_facts_keep_the_documents_numbers(built_store: dict) -> None:
    answers = {fact["id"]: fact["answer"]["en"] for fact in built_store["facts"]}
    assert "1–2" in answers["collagen_mask_frequency"] or "1-2" in answers["collagen_mask_frequency"]
    assert "7%" in answers["vitamin_c_concentration"]
    assert "once or twice" in answers["exfoliating_pack_frequency"]


def test_greeting_examples_are_real_facts(built_store: dict) -> None:
    fact_ids = {fact["id"] for fact in built_store["facts"]}
    assert len(built_store["greeting_facts"]) == 3
    assert set(built_store["greeting_facts"]) <= fact_ids


def test_a_translation_that_changes_a_number_fails_the_build() -> None:
    from knowledge.build import translation_problems

    fact = {
        "id": "x",
        "question": "q",
        "answer": "Use it 1-2 times a week.",
        "question_ko": "q",
        "answer_ko": "주 1~3회 써요.",
    }
    assert translation_problems(fact, ["en", "ko"]) == [
        "x: `answer_ko` states ['1', '3'], the English answer ['1', '2']"
    ]
    assert translation_problems({**fact, "answer_ko": "주 1~2회 써요."}, ["en", "ko"]) == []
    assert translation_problems({**fact, "answer_ko": ""}, ["en", "ko"]) == ["x: `answer_ko` is missing"]


def test_an_overview_needs_a_bullet_per_item_in_every_language() -> None:
    fact = {
        "answer": "• one\n• two",
        "answer_ko": "• 하나",
        "items": [{"label": "one", "fact": "a"}, {"label": "two", "fact": "b"}],
    }
    assert item_problems("x", fact, ["en", "ko"]) == ["x: 2 items but 1 bullets in the `ko` answer"]
    assert item_problems("x", {**fact, "answer_ko": "• 하나\n• 둘"}, ["en", "ko"]) == []
    assert item_problems("x", {**fact, "answer": "one and two", "answer_ko": "하나와 둘"}, ["en", "ko"]) == []
