"""GET /api/items: search and browse the no-penalty items (chat cards, self-check page)."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from api.deps import SessionDep
from api.schemas import ItemOut, ItemsResponse
from knowledge import repositories
from knowledge.models import ORIGIN_OFFICIAL, NoPenaltyItem
from knowledge.search import search_items
from knowledge.text import clean_text

router = APIRouter(tags=["items"])

NOTHING_FOUND = "没有找到与“{q}”相关的事项。请换个说法描述，或拨打12345政务服务热线咨询。"
ORIGIN_LABELS = {
    ORIGIN_OFFICIAL: "吴兴区官方清单",
    "reference": "参考事项（依据法规条文整理，以官方清单为准）",
}


def item_out(item: NoPenaltyItem, score: float | None = None) -> ItemOut:
    return ItemOut(
        id=item.id,
        code=item.code,
        domain=item.domain,
        behavior=item.behavior,
        legal_basis=item.legal_basis,
        penalty_basis=item.penalty_basis,
        penalty_range=item.penalty_range,
        conditions=item.conditions,
        correction_note=item.correction_note,
        caution=item.caution,
        enforcer=item.enforcer,
        source=item.source,
        origin=item.origin,
        origin_label=ORIGIN_LABELS.get(item.origin, item.origin),
        business_types=list(item.business_types or []),
        check_hint=item.check_hint,
        fix_hint=item.fix_hint,
        score=score,
    )


@router.get("/api/items", response_model=ItemsResponse)
def list_items(
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
    domain: Annotated[str, Query(max_length=60)] = "",
    business_type: Annotated[str, Query(max_length=30)] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ItemsResponse:
    query = clean_text(q)
    if query:
        found = search_items(
            session,
            query,
            domain=domain or None,
            business_type=business_type or None,
            limit=limit,
        )
        items = [item_out(item, hit.score) for item, hit in found]
        message = None if items else NOTHING_FOUND.format(q=query[:30])
        return ItemsResponse(items=items, total=len(items), message=message)
    page, total = repositories.list_items(
        session,
        domain=domain or None,
        business_type=business_type or None,
        limit=limit,
        offset=offset,
    )
    return ItemsResponse(items=[item_out(i) for i in page], total=total)


@router.get("/api/items/facets")
def facets(session: SessionDep) -> dict[str, list[dict[str, object]]]:
    """Domains and business types with their item counts, for the self-check filters."""
    items = repositories.active_items(session)
    domains = Counter(i.domain for i in items)
    types = Counter(t for i in items for t in (i.business_types or []))
    return {
        "domains": [{"name": k, "count": v} for k, v in sorted(domains.items())],
        "business_types": [{"name": k, "count": v} for k, v in types.most_common()],
    }


@router.get("/api/items/{item_id}", response_model=ItemOut)
def get_item(item_id: int, session: SessionDep) -> ItemOut:
    item = repositories.get_item(session, item_id=item_id)
    if item is None or not item.active:
        raise HTTPException(status_code=404, detail="没有这个事项")
    return item_out(item)
