"""企业体检 ("企业吹哨，部门报到"): explaining the service, the booking form, lookup and cancel.

The checks themselves (credit code, phone, dates, capacity) are in knowledge/booking.py;
this module runs the conversation around them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import checkup_texts as T
from actions.answers import find_answer, send_answer, user_text
from actions.topics import latest_intent
from knowledge import booking, dates, repositories
from knowledge.booking import InvalidInput, SlotFull
from knowledge.db import session_scope

FORM_SLOTS = (
    "company_name",
    "uscc",
    "contact_name",
    "phone",
    "town",
    "industry",
    "needs",
    "preferred_date",
    "half_day",
    "booking_confirmed",
)
LOOKUP_SLOTS = ("lookup_purpose", "lookup_reference", "lookup_phone", "cancel_confirmed")
# Wrong reference/phone pairs allowed in one lookup before it stops (against guessing).
MAX_LOOKUP_FAILURES = 3
LOCKED_OUT = -1.0
FIELD_LABELS = {
    "company_name": "企业名称",
    "uscc": "统一社会信用代码",
    "contact_name": "联系人",
    "phone": "手机号",
    "town": "所在镇街",
    "industry": "行业",
    "needs": "重点检查的方面",
    "preferred_date": "上门日期",
}
# Words that name a field, for "电话填错了" at any point of the form.
FIELD_WORDS = (
    ("uscc", ("信用代码", "代码", "统一社会")),
    ("company_name", ("企业名", "公司名", "名称", "单位名", "店名", "公司")),
    ("contact_name", ("联系人", "名字", "姓名", "称呼")),
    ("phone", ("电话", "手机", "号码")),
    ("town", ("镇街", "街道", "镇", "乡", "地址", "地方")),
    ("industry", ("行业",)),
    ("needs", ("检查内容", "重点", "需求")),
    ("preferred_date", ("日期", "时间", "哪天", "几号", "上午", "下午", "改期")),
)
CORRECTION_RE = re.compile(
    r"填错|写错|输错|打错|搞错|弄错|错了|不对|要改|改一下|改成|修改|更正|重新填|换一个|换个"
)
STOP_WORDS = (
    "算了",
    "不约了",
    "不约",
    "不办了",
    "退出",
    "不填了",
    "先不弄了",
    "不要了",
    "不预约了",
    "取消预约",
    "不想约了",
)
YES_WORDS = (
    "确认",
    "提交",
    "是的",
    "对的",
    "没问题",
    "可以",
    "好的",
    "好",
    "对",
    "是",
    "嗯",
    "行",
    "ok",
    "OK",
)
NO_WORDS = ("不对", "不是", "有错", "修改", "我要修改", "改", "不取消", "算了", "不用", "否", "不")
TOPIC_INTENTS = {
    "ask_no_penalty": "no_penalty",
    "ask_outdoor_dining": "outdoor_dining",
    "ask_pet_registration": "dog",
    "ask_credit_repair": "credit_repair",
}
BOOKING_VERBS = (
    "约",
    "报名",
    "申请",
    "安排",
    "上门",
    "派人",
    "过来",
    "来看",
    "来查",
    "想做",
    "要做",
    "帮我们",
    "吹哨",
    "登记",
)
QUESTION_MARKERS = (
    "是什么",
    "什么是",
    "啥",
    "收费",
    "多少钱",
    "费用",
    "多久",
    "会不会",
    "哪些",
    "有用",
    "靠谱",
    "罚",
    "区别",
)


# Words about a booking already made: "查一下", "进度", "审核了吗", a reference number.
EXISTING_BOOKING_WORDS = (
    "查一下",
    "查查",
    "查询",
    "帮我查",
    "进度",
    "状态",
    "审核",
    "约好的",
    "我约的",
    "约了的",
    "取消",
    "撤销",
    "改期",
)


def about_existing_booking(text: str) -> bool:
    return booking.parse_reference(text) is not None or any(
        w in text for w in EXISTING_BOOKING_WORDS
    )


def _today() -> dt.date:
    return dt.date.today()


def _is_stop(tracker: Tracker, text: str) -> bool:
    intent, confidence = latest_intent(tracker)
    compact = re.sub(r"\W", "", text)
    return (intent == "stop" and (confidence or 0) >= 0.6 and len(compact) <= 12) or any(
        compact == w or compact.startswith(w) for w in STOP_WORDS
    )


def _yes(tracker: Tracker, text: str) -> bool | None:
    intent, _ = latest_intent(tracker)
    compact = re.sub(r"\W", "", text)
    if compact in NO_WORDS or intent in ("deny", "stop") or compact.startswith("不"):
        return False
    if compact in YES_WORDS or intent == "affirm" or compact.startswith(("确认", "提交")):
        return True
    return None


def correction_target(text: str) -> str | None:
    """The field someone wants to change ("电话填错了" → phone), or None."""
    if len(text) > 24 or not CORRECTION_RE.search(text):
        return None
    for slot, words in FIELD_WORDS:
        if any(w in text for w in words):
            return slot
    return None


def _skip_none(method):  # type: ignore[no-untyped-def]
    """rasa-sdk also hands validators the slots an action just cleared: nothing to check."""

    def wrapper(self, value, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        slot = method.__name__.removeprefix("validate_")
        if value is None:
            return {slot: None}
        return method(self, value, dispatcher, tracker, domain)

    wrapper.__name__ = method.__name__
    return wrapper


def _field_validator(slot: str, check: Callable[[str], str]):  # type: ignore[no-untyped-def]
    """validate_<slot> for a field checked by one function of the booking module: the
    cleaned value, or a specific message and the question again."""

    def validate(self, value, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        try:
            return {slot: check(str(value))}
        except InvalidInput as error:
            return _reject(dispatcher, tracker, slot, error)

    validate.__name__ = f"validate_{slot}"
    return _skip_none(validate)


def _reset(slots: tuple[str, ...]) -> list[EventType]:
    return [SlotSet(s, None) for s in slots]


def _buttons(pairs: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"title": t, "payload": p} for t, p in pairs]


def _digression(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """A confident question about another topic in the middle of the form: answer it."""
    intent, confidence = latest_intent(tracker)
    topic = TOPIC_INTENTS.get(intent or "")
    if topic is None or (confidence or 0) < 0.8:
        return False
    with session_scope() as session:
        answer = find_answer(session, user_text(tracker.latest_message), topic)
        if answer is None or answer.kind == "choices":
            return False
        send_answer(dispatcher, session, answer)
    dispatcher.utter_message(text=T.RESUME)
    return True


def _reject(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    slot: str,
    error: InvalidInput,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Say what is wrong (or answer a digression) and ask again."""
    if not _digression(dispatcher, tracker):
        buttons = [{"title": o, "payload": o} for o in error.options[:19]]
        dispatcher.utter_message(text=error.message, buttons=buttons or None)
    return {slot: None, **(extra or {})}


def _slot_full(dispatcher: CollectingDispatcher, full: SlotFull) -> None:
    options = [dates.describe(d, h) for d, h in full.alternatives]
    dispatcher.utter_message(
        text=full.message, buttons=[{"title": o, "payload": o} for o in options] or None
    )


def _check_room(town_name: str | None, day_iso: str | None, half_day: str | None) -> None:
    """Raise SlotFull if the chosen half-day has no place left (checked again on submit)."""
    if not (town_name and day_iso and half_day):
        return
    day = dt.date.fromisoformat(day_iso)
    with session_scope() as session:
        town = booking.check_town(session, town_name)
        if not booking.has_room(session, town, day, half_day):
            raise booking.slot_full(session, town, day, half_day, _today())


class ActionCheckupIntro(Action):
    """A booking request starts the form; a question about the service is answered first."""

    def name(self) -> str:
        return "action_checkup_intro"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = user_text(tracker.latest_message)
        if text and about_existing_booking(text):
            # "查一下我的体检预约" may be read as a new booking: ask rather than start a form.
            dispatcher.utter_message(
                text=T.EXISTING_OR_NEW, buttons=_buttons(T.EXISTING_OR_NEW_BUTTONS)
            )
            return [SlotSet("checkup_mode", "info")]
        wants_booking = not text or any(v in text for v in BOOKING_VERBS)
        if text and not wants_booking and any(q in text for q in QUESTION_MARKERS):
            with session_scope() as session:
                answer = find_answer(session, text, "checkup")
                if answer is not None and answer.kind != "choices":
                    events = send_answer(dispatcher, session, answer)
                else:
                    topic = repositories.get_topic(session, topic="checkup")
                    if topic is not None:
                        dispatcher.utter_message(text=topic.overview)
                    events = [SlotSet("last_topic", "checkup")]
            dispatcher.utter_message(text=T.OFFER_BOOKING, buttons=_buttons([T.BOOK_BUTTON]))
            # The rule runs the form next; in "info" mode it ends at once without asking.
            return [*events, SlotSet("checkup_mode", "info")]
        dispatcher.utter_message(text=T.START_BOOKING)
        return [*_reset(FORM_SLOTS), SlotSet("checkup_mode", "book")]


class ValidateCheckupForm(FormValidationAction):
    def name(self) -> str:
        return "validate_checkup_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = user_text(tracker.latest_message)
        requested = tracker.get_slot("requested_slot")
        if not requested and tracker.get_slot("checkup_mode") == "info":
            return [
                SlotSet("checkup_mode", None),
                SlotSet("requested_slot", None),
                ActiveLoop(None),
            ]
        if requested and text:
            if _is_stop(tracker, text):
                dispatcher.utter_message(text=T.STOPPED)
                return [*_reset(FORM_SLOTS), SlotSet("requested_slot", None), ActiveLoop(None)]
            field = correction_target(text)
            if field and (field != requested or requested == "booking_confirmed"):
                dispatcher.utter_message(text=T.CORRECTING.format(field=FIELD_LABELS[field]))
                cleared = {field, requested, "booking_confirmed"}
                if field == "preferred_date":
                    cleared.add("half_day")
                return _reset(tuple(sorted(cleared)))
        return await super().run(dispatcher, tracker, domain)

    validate_company_name = _field_validator("company_name", booking.check_company)
    validate_uscc = _field_validator("uscc", booking.check_uscc)
    validate_contact_name = _field_validator("contact_name", booking.check_contact_name)
    validate_phone = _field_validator("phone", booking.check_phone)

    @_skip_none
    def validate_town(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        try:
            with session_scope() as session:
                town = booking.check_town(session, str(value)).name
            _check_room(town, tracker.get_slot("preferred_date"), tracker.get_slot("half_day"))
            return {"town": town}
        except InvalidInput as error:
            return _reject(dispatcher, tracker, "town", error)
        except SlotFull as full:
            _slot_full(dispatcher, full)
            return {"town": town, "preferred_date": None, "half_day": None}

    validate_industry = _field_validator("industry", booking.check_industry)

    validate_needs = _field_validator(
        "needs", lambda text: booking.check_needs(text) or T.NONE_NEEDS
    )

    @_skip_none
    def validate_preferred_date(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        try:
            parsed = booking.check_date(str(value), _today())
        except InvalidInput as error:
            return _reject(dispatcher, tracker, "preferred_date", error, {"half_day": None})
        assert parsed.date is not None
        slots: dict[str, Any] = {"preferred_date": parsed.date.isoformat()}
        half = parsed.half_day or tracker.get_slot("half_day")
        if parsed.half_day:
            slots["half_day"] = parsed.half_day
        try:
            _check_room(tracker.get_slot("town"), slots["preferred_date"], half)
        except SlotFull as full:
            _slot_full(dispatcher, full)
            return {"preferred_date": None, "half_day": None}
        return slots

    @_skip_none
    def validate_half_day(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        try:
            half = booking.check_half_day(str(value))
        except InvalidInput as error:
            return _reject(dispatcher, tracker, "half_day", error)
        # "12月9日上午" clicked from the full-slot alternatives carries a new date too.
        day = tracker.get_slot("preferred_date")
        new_date = dates.parse_date(str(value), _today()).date
        if new_date is not None:
            try:
                day = booking.check_date(str(value), _today()).date.isoformat()  # type: ignore[union-attr]
            except InvalidInput as error:
                return _reject(dispatcher, tracker, "half_day", error, {"preferred_date": None})
        try:
            _check_room(tracker.get_slot("town"), day, half)
        except SlotFull as full:
            _slot_full(dispatcher, full)
            return {"preferred_date": None, "half_day": None}
        return {"half_day": half, "preferred_date": day}

    @_skip_none
    def validate_booking_confirmed(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        answer = _yes(tracker, str(value))
        if answer is True:
            return {"booking_confirmed": "yes"}
        if answer is False:
            dispatcher.utter_message(text=T.WHICH_FIELD, buttons=_buttons(T.FIELD_BUTTONS))
        else:
            dispatcher.utter_message(text=T.CONFIRM_UNCLEAR)
        return {"booking_confirmed": None}


def _plain_ask_action(slot: str) -> type[Action]:
    """action_ask_<slot> for the questions that need no data: one text each."""

    class _Ask(Action):
        def name(self) -> str:
            return f"action_ask_{slot}"

        def run(self, dispatcher, tracker, domain) -> list[EventType]:  # type: ignore[no-untyped-def]
            dispatcher.utter_message(text=T.ASK[slot])
            return []

    _Ask.__name__ = _Ask.__qualname__ = f"ActionAsk_{slot}"
    # Module-level names: the action server's worker processes unpickle actions by name.
    globals()[_Ask.__name__] = _Ask
    return _Ask


PLAIN_ASK_ACTIONS = [_plain_ask_action(slot) for slot in T.ASK]


class ActionAskTown(Action):
    def name(self) -> str:
        return "action_ask_town"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # type: ignore[no-untyped-def]
        with session_scope() as session:
            names = [t.name for t in repositories.active_towns(session)]
        dispatcher.utter_message(
            text=T.ASK_TOWN, buttons=[{"title": n, "payload": n} for n in names]
        )
        return []


class ActionAskIndustry(Action):
    def name(self) -> str:
        return "action_ask_industry"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # type: ignore[no-untyped-def]
        dispatcher.utter_message(
            text=T.ASK_INDUSTRY, buttons=[{"title": i, "payload": i} for i in T.INDUSTRIES]
        )
        return []


class ActionAskPreferredDate(Action):
    def name(self) -> str:
        return "action_ask_preferred_date"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # type: ignore[no-untyped-def]
        window = booking.booking_window(_today())
        days = booking.working_days(window)[:4]
        dispatcher.utter_message(
            text=T.ASK_DATE.format(
                earliest=dates.describe(window.earliest), latest=dates.describe(window.latest)
            ),
            buttons=[{"title": dates.describe(d), "payload": dates.describe(d)} for d in days],
        )
        return []


class ActionAskHalfDay(Action):
    def name(self) -> str:
        return "action_ask_half_day"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # type: ignore[no-untyped-def]
        day = tracker.get_slot("preferred_date")
        label = dates.describe(dt.date.fromisoformat(day)) if day else ""
        dispatcher.utter_message(
            text=T.ASK_HALF_DAY.format(day=label), buttons=_buttons(T.HALF_DAY_BUTTONS)
        )
        return []


def _when(tracker: Tracker) -> str:
    day = dt.date.fromisoformat(tracker.get_slot("preferred_date"))
    return dates.describe(day, tracker.get_slot("half_day"))


class ActionAskBookingConfirmed(Action):
    def name(self) -> str:
        return "action_ask_booking_confirmed"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # type: ignore[no-untyped-def]
        day = dt.date.fromisoformat(tracker.get_slot("preferred_date"))
        note = booking.calendar_note(day)
        dispatcher.utter_message(
            text=T.SUMMARY.format(
                company=tracker.get_slot("company_name"),
                uscc=tracker.get_slot("uscc"),
                contact=tracker.get_slot("contact_name"),
                phone=tracker.get_slot("phone"),
                town=tracker.get_slot("town"),
                industry=tracker.get_slot("industry"),
                needs=tracker.get_slot("needs") or T.NONE_NEEDS,
                when=_when(tracker),
                note="\n" + note if note else "",
            ),
            buttons=_buttons(T.CONFIRM_BUTTONS),
        )
        return []


class ActionSubmitCheckup(Action):
    def name(self) -> str:
        return "action_submit_checkup"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # type: ignore[no-untyped-def]
        if tracker.get_slot("booking_confirmed") != "yes":
            return []  # the form was left ("算了"); nothing to submit
        try:
            with session_scope() as session:
                town = booking.check_town(session, tracker.get_slot("town"))
                made = booking.create_booking(
                    session,
                    booking.BookingRequest(
                        company_name=tracker.get_slot("company_name"),
                        uscc=tracker.get_slot("uscc"),
                        contact_name=tracker.get_slot("contact_name"),
                        phone=tracker.get_slot("phone"),
                        town_id=town.id,
                        industry=tracker.get_slot("industry"),
                        needs=""
                        if tracker.get_slot("needs") == T.NONE_NEEDS
                        else tracker.get_slot("needs"),
                        date=dt.date.fromisoformat(tracker.get_slot("preferred_date")),
                        half_day=tracker.get_slot("half_day"),
                        session_id=tracker.sender_id,
                    ),
                    today=_today(),
                )
                reference, town_name = made.reference, town.name
        except SlotFull as full:
            # Someone else took the last place while this form was being filled.
            _slot_full(dispatcher, full)
            return [
                *_reset(("preferred_date", "half_day", "booking_confirmed")),
                FollowupAction("checkup_form"),
            ]
        dispatcher.utter_message(
            text=T.SUBMITTED.format(reference=reference, when=_when(tracker), town=town_name)
        )
        return _reset(FORM_SLOTS)


# --------------------------------------------------------------------------- lookup / cancel
class ActionLookupStart(Action):
    def name(self) -> str:
        return "action_lookup_start"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # type: ignore[no-untyped-def]
        intent, _ = latest_intent(tracker)
        text = user_text(tracker.latest_message)
        events: list[EventType] = [
            SlotSet("lookup_purpose", "cancel" if intent == "cancel_booking" else "query"),
            SlotSet("lookup_reference", booking.parse_reference(text)),
            SlotSet("lookup_phone", None),
            SlotSet("cancel_confirmed", None),
        ]
        for candidate in re.findall(r"1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}", text):
            try:
                events[2] = SlotSet("lookup_phone", booking.check_phone(candidate))
            except InvalidInput:
                continue
        return events


class ValidateBookingLookupForm(FormValidationAction):
    def name(self) -> str:
        return "validate_booking_lookup_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        if tracker.get_slot("lookup_purpose") != "cancel":
            return [s for s in domain_slots if s != "cancel_confirmed"]
        return domain_slots

    async def run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        text = user_text(tracker.latest_message)
        if tracker.get_slot("requested_slot") and text and _is_stop(tracker, text):
            dispatcher.utter_message(text=T.LOOKUP_STOPPED)
            return [*_reset(LOOKUP_SLOTS), SlotSet("requested_slot", None), ActiveLoop(None)]
        events = await super().run(dispatcher, tracker, domain)
        locked_out = any(
            e.get("event") == "slot"
            and e.get("name") == "lookup_failures"
            and e.get("value") == LOCKED_OUT
            for e in events
        )
        if locked_out:
            return [
                *_reset(LOOKUP_SLOTS),
                SlotSet("lookup_failures", 0),
                SlotSet("requested_slot", None),
                ActiveLoop(None),
            ]
        return events

    @_skip_none
    def validate_lookup_reference(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        reference = booking.parse_reference(str(value))
        if reference is None:
            dispatcher.utter_message(text=T.BAD_REFERENCE)
            return {"lookup_reference": None}
        return self._verify(dispatcher, tracker, reference, tracker.get_slot("lookup_phone"))

    @_skip_none
    def validate_lookup_phone(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        try:
            phone = booking.check_phone(str(value))
        except InvalidInput as error:
            dispatcher.utter_message(text=error.message)
            return {"lookup_phone": None}
        return self._verify(dispatcher, tracker, tracker.get_slot("lookup_reference"), phone)

    def _verify(self, dispatcher, tracker, reference, phone) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        if not (reference and phone):
            return {"lookup_reference": reference, "lookup_phone": phone}
        with session_scope() as session:
            found = booking.find_booking(session, reference, phone) is not None
        if found:
            return {"lookup_reference": reference, "lookup_phone": phone, "lookup_failures": 0}
        failures = (tracker.get_slot("lookup_failures") or 0) + 1
        if failures >= MAX_LOOKUP_FAILURES:
            dispatcher.utter_message(text=T.TOO_MANY_FAILURES)
            return {"lookup_failures": LOCKED_OUT}  # run() ends the form
        dispatcher.utter_message(text=booking.MSG["not_found"])
        return {"lookup_reference": None, "lookup_phone": None, "lookup_failures": failures}

    @_skip_none
    def validate_cancel_confirmed(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        answer = _yes(tracker, str(value))
        if answer is None:
            dispatcher.utter_message(text=T.ASK_CANCEL, buttons=_buttons(T.CANCEL_BUTTONS))
            return {"cancel_confirmed": None}
        return {"cancel_confirmed": "yes" if answer else "no"}


def _details(found: booking.Booking) -> str:
    note = T.STAFF_NOTE.format(note=found.staff_note) if found.staff_note else ""
    return T.LOOKUP_DETAILS.format(
        reference=found.reference,
        company=found.company_name,
        town=found.town.name,
        when=dates.describe(found.date, found.half_day),
        phone=booking.mask_phone(found.phone),
        status=found.status_label,
        note=note,
    )


class ActionAskCancelConfirmed(Action):
    def name(self) -> str:
        return "action_ask_cancel_confirmed"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # type: ignore[no-untyped-def]
        with session_scope() as session:
            found = booking.find_booking(
                session, tracker.get_slot("lookup_reference"), tracker.get_slot("lookup_phone")
            )
            if found is not None:
                dispatcher.utter_message(text=_details(found))
        dispatcher.utter_message(text=T.ASK_CANCEL, buttons=_buttons(T.CANCEL_BUTTONS))
        return []


class ActionBookingLookup(Action):
    def name(self) -> str:
        return "action_booking_lookup"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # type: ignore[no-untyped-def]
        reference, phone = tracker.get_slot("lookup_reference"), tracker.get_slot("lookup_phone")
        purpose = tracker.get_slot("lookup_purpose")
        if reference and phone:
            with session_scope() as session:
                found = booking.find_booking(session, reference, phone)
                if found is None:
                    dispatcher.utter_message(text=booking.MSG["not_found"])
                elif purpose == "cancel" and tracker.get_slot("cancel_confirmed") == "yes":
                    try:
                        booking.cancel_by_owner(session, found)
                        dispatcher.utter_message(text=T.CANCELLED.format(reference=found.reference))
                    except InvalidInput as error:
                        dispatcher.utter_message(text=error.message)
                elif purpose == "cancel":
                    dispatcher.utter_message(text=T.NOT_CANCELLED)
                else:
                    dispatcher.utter_message(text=_details(found))
        return _reset(LOOKUP_SLOTS)
