"""The Rasa data generated from the knowledge base is committed and in sync with the seed."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from knowledge.models import FaqEntry
from knowledge.nlu_export import export_nlu
from wxbot.rasa import BOT_DIR


def _copy_bot(tmp_path: Path) -> Path:
    bot = tmp_path / "bot"
    shutil.copytree(BOT_DIR / "data", bot / "data")
    return bot


def test_committed_generated_files_match_the_seed(session: Session, tmp_path: Path) -> None:
    bot = _copy_bot(tmp_path)
    export_nlu(session, bot)
    for name in ("data/nlu/generated.yml", "dictionary/userdict.txt"):
        assert (bot / name).read_text(encoding="utf-8") == (BOT_DIR / name).read_text(
            encoding="utf-8"
        ), f"{name} is stale: run `wxbot nlu export` and commit"


def test_staff_phrasings_become_training_examples(fresh_session: Session, tmp_path: Path) -> None:
    faq = fresh_session.query(FaqEntry).filter_by(key="dog-leash").one()
    faq.alt_questions = [*faq.alt_questions, "溜狗用多长的绳子才合规呢"]
    fresh_session.flush()
    bot = _copy_bot(tmp_path)
    export_nlu(fresh_session, bot)
    data = yaml.safe_load((bot / "data/nlu/generated.yml").read_text(encoding="utf-8"))
    dog = next(b for b in data["nlu"] if b.get("intent") == "ask_pet_registration")
    assert "溜狗用多长的绳子才合规呢" in dog["examples"]
    town = next(b for b in data["nlu"] if b.get("lookup") == "town")
    assert "织里" in town["examples"]
    assert "首违不罚" in (bot / "dictionary/userdict.txt").read_text(encoding="utf-8")


def test_how_to_report_phrasings_train_the_report_intent(session: Session, tmp_path: Path) -> None:
    bot = _copy_bot(tmp_path)
    export_nlu(session, bot)
    data = yaml.safe_load((bot / "data/nlu/generated.yml").read_text(encoding="utf-8"))
    examples = {b["intent"]: b["examples"] for b in data["nlu"] if "intent" in b}
    assert "小区有人遛狗不牵绳怎么投诉" in examples["report_issue"]
    assert "小区有人遛狗不牵绳怎么投诉" not in examples["ask_pet_registration"]


def test_asking_how_to_book_trains_the_booking_intent_and_questions_do_not() -> None:
    data = yaml.safe_load((BOT_DIR / "data" / "nlu" / "generated.yml").read_text(encoding="utf-8"))
    by_intent = {b["intent"]: b["examples"] for b in data["nlu"] if "intent" in b}
    assert "- 我要预约企业体检\n" in by_intent["book_checkup"]  # ck-how-book: starts the form
    assert "企业吹哨部门报到" not in by_intent["book_checkup"]
    assert "企业吹哨部门报到的服务可以预约上门体检这是个啥服务" in by_intent["ask_checkup"]


def test_item_aliases_train_the_topic_that_owns_their_domain() -> None:
    data = yaml.safe_load((BOT_DIR / "data" / "nlu" / "generated.yml").read_text(encoding="utf-8"))
    by_intent = {b["intent"]: b["examples"] for b in data["nlu"] if "intent" in b}
    assert "- 人行道违停\n" in by_intent["ask_no_penalty"]
    assert "- 遛狗不牵绳" not in by_intent["ask_no_penalty"]  # dog items train the dog intent
