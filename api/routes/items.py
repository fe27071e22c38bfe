"""GET /api/items: search and browse the no-penalty items (chat cards, self-check page)."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from api.deps import SessionDep
from api.errors import errors
from api.schemas import ItemOut, ItemsResponse, RowId
from api.texts import NO_SUCH_ITEM
from knowledge import repositories
from knowledge.snapshot import search_items
from knowledge.text import clean_text
from knowledge.texts import NOTHING_FOUND

router = APIRouter(tags=["items"])
# A search lists at most this many matches in all (its `total`), page by page.
MAX_SEARCH_RESULTS = 100


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
            limit=MAX_SEARCH_RESULTS,
        )
        page = [
            ItemOut.model_validate(item).model_copy(update={"score": hit.score})
            for item, hit in found[offset : offset + limit]
        ]
        message = None if found else NOTHING_FOUND.format(q=query[:30])
        return ItemsResponse(items=page, total=len(found), message=message)
    items, total = repositories.list_items(
        session,
        domain=domain or None,
        business_type=business_type or None,
        limit=limit,
        offset=offset,
    )
    return ItemsResponse(items=[ItemOut.model_validate(i) for i in items], total=total)


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


@router.get("/api/items/{item_id}", response_model=ItemOut, responses=errors(404))
def get_item(item_id: RowId, session: SessionDep) -> ItemOut:
    item = repositories.get_item(session, item_id=item_id)
    if item is None or not item.active:
        raise HTTPException(status_code=404, detail=NO_SUCH_ITEM)
    return ItemOut.model_validate(item)
