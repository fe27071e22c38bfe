"""/api/admin/…: the staff console's data as JSON (FAQ entries, items, unanswered questions,
training jobs and models), for scripts and other tools of the bureau.

Same auth as the console: the console's signed session cookie (log in at /admin/login), checked
against the database on every request exactly as the console does (`staff_of_session`). A
request that changes something also sends the session's CSRF token in `X-CSRFToken`, as the
console's own forms do. Every change is stamped with the staff member and written to the audit
log (修改记录) like a change made in the console.
"""

from __future__ import annotations

import json
import secrets
import time
from base64 import b64decode
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from itsdangerous import BadSignature, TimestampSigner
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import texts
from api.admin.auth import SESSION_COOKIE, Staff, staff_of_session
from api.admin.models_view import ModelsView, job_json
from api.admin.security import CSRF_HEADER, SAFE_METHODS
from api.deps import SessionDep, SettingsDep
from api.errors import errors
from api.schemas import ItemOut, RowId
from core.audit import CREATE, UPDATE, record_change, row_state
from knowledge import bot_models, repositories
from knowledge.models import FaqEntry, NoPenaltyItem, UnansweredQuestion
from knowledge.text import clean_text

Row = TypeVar("Row")


def console_staff(request: Request, settings: SettingsDep) -> Staff:
    """The signed-in staff member, from the console's session cookie; 401 without one, 403
    for a change without the session's CSRF token."""
    idle = settings.console_idle_minutes * 60
    data = _session(request.cookies.get(SESSION_COOKIE), settings.resolved_secret_key(), idle)
    staff = staff_of_session(data, settings.database_url, idle, int(time.time()))
    if staff is None:
        raise HTTPException(401, texts.ADMIN_LOGIN_REQUIRED)
    if request.method not in SAFE_METHODS:
        sent, expected = request.headers.get(CSRF_HEADER, ""), str(data.get("csrf", ""))
        if not expected or not secrets.compare_digest(sent, expected):
            raise HTTPException(403, texts.ADMIN_CSRF_REQUIRED)
    return staff


def _session(cookie: str | None, secret: str, max_age: int) -> dict[str, Any]:
    """The console's session, as Starlette's session middleware signs and encodes it."""
    if not cookie:
        return {}
    try:
        raw = TimestampSigner(secret).unsign(cookie.encode("utf-8"), max_age=max_age)
        data = json.loads(b64decode(raw))
    except (BadSignature, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


StaffDep = Annotated[Staff, Depends(console_staff)]
router = APIRouter(prefix="/api/admin", tags=["admin"], responses=errors(401, 403, 404))


def _actor(staff: Staff) -> str:
    return f"staff:{staff.username}"


# --- FAQ entries ---------------------------------------------------------------------------


class FaqOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    topic: str
    question: str
    alt_questions: list[str]
    answer: str
    source: str
    source_ref: str
    related: list[str]
    active: bool
    updated_by: str


class FaqIn(BaseModel):
    key: str = Field(min_length=1, max_length=80, pattern=r"^[a-z0-9][a-z0-9-]*$")
    topic: str = Field(min_length=1, max_length=30)
    question: str = Field(min_length=1, max_length=300)
    alt_questions: list[str] = Field(default_factory=list, max_length=200)
    answer: str = Field(min_length=1, max_length=5000)
    source: str = Field(min_length=1, max_length=1000)
    source_ref: str = Field(default="", max_length=1000)
    related: list[str] = Field(default_factory=list, max_length=20)
    active: bool = True


class FaqPatch(BaseModel):
    topic: str | None = Field(default=None, min_length=1, max_length=30)
    question: str | None = Field(default=None, min_length=1, max_length=300)
    alt_questions: list[str] | None = Field(default=None, max_length=200)
    answer: str | None = Field(default=None, min_length=1, max_length=5000)
    source: str | None = Field(default=None, min_length=1, max_length=1000)
    source_ref: str | None = Field(default=None, max_length=1000)
    related: list[str] | None = Field(default=None, max_length=20)
    active: bool | None = None


class FaqList(BaseModel):
    faqs: list[FaqOut]
    total: int


@router.get("/faqs", response_model=FaqList)
def list_faqs(
    session: SessionDep,
    _: StaffDep,
    topic: Annotated[str, Query(max_length=30)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    active: bool | None = None,
) -> FaqList:
    query = select(FaqEntry).order_by(FaqEntry.topic, FaqEntry.key)
    if topic:
        query = query.where(FaqEntry.topic == topic)
    if active is not None:
        query = query.where(FaqEntry.active == active)
    needle = clean_text(q)
    rows = [f for f in session.scalars(query) if _matches(needle, f.question, f.alt_questions)]
    return FaqList(faqs=[FaqOut.model_validate(f) for f in rows], total=len(rows))


def _get(session: Session, model: type[Row], row_id: int, missing: str) -> Row:
    """The row, or 404 with `missing` (ids outside the column's range included)."""
    row = session.get(model, row_id) if 0 < row_id < 2**31 else None
    if row is None:
        raise HTTPException(404, missing)
    return row


def _matches(needle: str, text: str, others: list[str]) -> bool:
    return not needle or needle in text or any(needle in o for o in others)


def _apply(session: Session, staff: Staff, row: Any, changes: dict[str, Any]) -> None:
    """Staff's changes to a row: applied, stamped and written to the audit log."""
    before = row_state(row)
    for name, value in changes.items():
        if value is not None:
            setattr(row, name, value)
    row.updated_by = _actor(staff)
    session.flush()
    record_change(
        session, actor=_actor(staff), action=UPDATE, row=row, before=before, after=row_state(row)
    )


@router.get("/faqs/{faq_id}", response_model=FaqOut)
def get_faq(session: SessionDep, _: StaffDep, faq_id: RowId) -> FaqOut:
    return FaqOut.model_validate(_get(session, FaqEntry, faq_id, texts.NO_SUCH_FAQ))


@router.post("/faqs", response_model=FaqOut, status_code=201)
def create_faq(session: SessionDep, staff: StaffDep, body: FaqIn) -> FaqOut:
    if repositories.get_faq(session, key=body.key) is not None:
        raise HTTPException(409, texts.FAQ_KEY_TAKEN.format(key=body.key))
    faq = FaqEntry(**body.model_dump(), updated_by=_actor(staff))
    session.add(faq)
    session.flush()
    record_change(
        session, actor=_actor(staff), action=CREATE, row=faq, before=None, after=row_state(faq)
    )
    return FaqOut.model_validate(faq)


@router.patch("/faqs/{faq_id}", response_model=FaqOut)
def update_faq(session: SessionDep, staff: StaffDep, faq_id: RowId, body: FaqPatch) -> FaqOut:
    faq = _get(session, FaqEntry, faq_id, texts.NO_SUCH_FAQ)
    _apply(session, staff, faq, body.model_dump(exclude_unset=True))
    return FaqOut.model_validate(faq)


# --- items ---------------------------------------------------------------------------------


class AdminItemOut(ItemOut):
    aliases: list[str]
    active: bool
    updated_by: str


class ItemPatch(BaseModel):
    aliases: list[str] | None = Field(default=None, max_length=100)
    check_hint: str | None = Field(default=None, max_length=2000)
    fix_hint: str | None = Field(default=None, max_length=2000)
    caution: str | None = Field(default=None, max_length=2000)
    enforcer: str | None = Field(default=None, max_length=300)
    active: bool | None = None


class AdminItemList(BaseModel):
    items: list[AdminItemOut]
    total: int


@router.get("/items", response_model=AdminItemList)
def list_items(
    session: SessionDep,
    _: StaffDep,
    q: Annotated[str, Query(max_length=200)] = "",
    origin: Annotated[str, Query(max_length=20)] = "",
) -> AdminItemList:
    query = select(NoPenaltyItem).order_by(NoPenaltyItem.id)
    if origin:
        query = query.where(NoPenaltyItem.origin == origin)
    needle = clean_text(q)
    rows = [i for i in session.scalars(query) if _matches(needle, i.behavior, i.aliases)]
    return AdminItemList(items=[AdminItemOut.model_validate(i) for i in rows], total=len(rows))


@router.get("/items/{item_id}", response_model=AdminItemOut)
def get_item(session: SessionDep, _: StaffDep, item_id: RowId) -> AdminItemOut:
    return AdminItemOut.model_validate(_get(session, NoPenaltyItem, item_id, texts.NO_SUCH_ITEM))


@router.patch("/items/{item_id}", response_model=AdminItemOut)
def update_item(
    session: SessionDep, staff: StaffDep, item_id: RowId, body: ItemPatch
) -> AdminItemOut:
    """The fields staff keep up (aliases, hints, who enforces, active). The legal fields — the
    basis, the clause and its fine structure — are edited in the console, where the whole
    record is in view."""
    item = _get(session, NoPenaltyItem, item_id, texts.NO_SUCH_ITEM)
    _apply(session, staff, item, body.model_dump(exclude_unset=True))
    return AdminItemOut.model_validate(item)


# --- unanswered questions ------------------------------------------------------------------


class UnansweredOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    text: str
    intent: str | None
    confidence: float | None
    reason: str
    status: str
    note: str


class UnansweredList(BaseModel):
    questions: list[UnansweredOut]


class UnansweredPatch(BaseModel):
    status: str = Field(pattern="^(new|handled|ignored)$")
    note: str = Field(default="", max_length=1000)


@router.get("/unanswered", response_model=UnansweredList)
def list_unanswered(
    session: SessionDep,
    _: StaffDep,
    status: Annotated[str, Query(pattern="^(new|handled|ignored)$")] = "new",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> UnansweredList:
    rows = session.scalars(
        select(UnansweredQuestion)
        .where(UnansweredQuestion.status == status)
        .order_by(UnansweredQuestion.id.desc())
        .limit(limit)
    )
    return UnansweredList(questions=[UnansweredOut.model_validate(r) for r in rows])


@router.patch("/unanswered/{question_id}", response_model=UnansweredOut)
def update_unanswered(
    session: SessionDep, staff: StaffDep, question_id: RowId, body: UnansweredPatch
) -> UnansweredOut:
    row = _get(session, UnansweredQuestion, question_id, texts.NO_SUCH_QUESTION)
    columns = ("status", "note")
    before = row_state(row, columns)
    row.status, row.note = body.status, body.note
    session.flush()
    record_change(
        session,
        actor=_actor(staff),
        action=UPDATE,
        row=row,
        before=before,
        after=row_state(row, columns),
    )
    return UnansweredOut.model_validate(row)


# --- training jobs and models --------------------------------------------------------------


class JobOut(BaseModel):
    id: int
    state: str
    state_label: str
    step: str
    requested_by: str
    created_at: str
    started_at: str
    finished_at: str
    duration: str
    reason: str
    model: str | None
    finished: bool
    log: str


class JobList(BaseModel):
    jobs: list[JobOut]


class ModelOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    fingerprint: str
    filename: str
    status: str
    reason: str
    accuracy: float | None
    training_seconds: float | None
    created_by: str
    live: bool = False


class ModelList(BaseModel):
    models: list[ModelOut]
    live: ModelOut | None


@router.get("/training-jobs", response_model=JobList)
def list_jobs(session: SessionDep, _: StaffDep) -> JobList:
    return JobList(jobs=[JobOut(**job_json(j)) for j in bot_models.recent_jobs(session)])


@router.get("/training-jobs/{job_id}", response_model=JobOut)
def get_job(session: SessionDep, _: StaffDep, job_id: RowId) -> JobOut:
    job = _get(session, bot_models.TrainingJob, job_id, texts.NO_SUCH_JOB)
    return JobOut(**job_json(job))


@router.post("/training-jobs", response_model=JobOut, status_code=202)
def start_job(session: SessionDep, settings: SettingsDep, staff: StaffDep) -> JobOut:
    """Queue "训练并发布" (one job runs at a time; the worker publishes a model that passes)."""
    job = bot_models.enqueue(session, requested_by=_actor(staff))
    session.commit()
    ModelsView.launcher(settings)
    return JobOut(**job_json(job))


def _model_out(model: bot_models.BotModel, live: bot_models.BotModel | None) -> ModelOut:
    out = ModelOut.model_validate(model)
    out.live = live is not None and live.id == model.id
    return out


@router.get("/models", response_model=ModelList)
def list_models(session: SessionDep, _: StaffDep) -> ModelList:
    live = bot_models.live_model(session)
    return ModelList(
        models=[_model_out(m, live) for m in bot_models.recent_models(session)],
        live=_model_out(live, live) if live else None,
    )


@router.post("/models/{model_id}/publish", response_model=ModelOut)
def publish_model(session: SessionDep, staff: StaffDep, model_id: RowId) -> ModelOut:
    model = _get(session, bot_models.BotModel, model_id, texts.NO_SUCH_MODEL)
    try:
        bot_models.publish(session, model, by=_actor(staff))
    except bot_models.PublishError as exc:
        raise HTTPException(409, str(exc)) from exc
    return _model_out(model, model)


@router.post("/models/rollback", response_model=ModelOut)
def rollback_model(session: SessionDep, staff: StaffDep) -> ModelOut:
    try:
        model = bot_models.rollback(session, by=_actor(staff))
    except bot_models.PublishError as exc:
        raise HTTPException(409, str(exc)) from exc
    return _model_out(model, model)
