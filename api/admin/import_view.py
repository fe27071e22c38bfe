"""The console's upload of the official no-penalty list (XLSX or CSV)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, ClassVar

from sqladmin import BaseView, expose
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from api.admin.common import actor
from core.db import session_scope
from knowledge.importer import ImportFileError, import_official_list

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ImportView(BaseView):
    name, icon, category = "导入官方清单", "fa-solid fa-file-import", "知识库"
    database_url: ClassVar[str] = ""  # set by mount_admin

    @expose("/import-list", methods=["GET", "POST"])
    async def import_list(self, request: Request) -> Response:
        context: dict[str, Any] = {}
        if request.method == "POST":
            form = await request.form()
            upload = form.get("file")
            filename = (upload.filename or "") if isinstance(upload, UploadFile) else ""
            suffix = Path(filename).suffix.lower()
            if not isinstance(upload, UploadFile) or suffix not in (".xlsx", ".csv"):
                context["error"] = "请选择 .xlsx 或 .csv 文件。"
            else:
                content = await upload.read(MAX_UPLOAD_BYTES + 1)
                if len(content) > MAX_UPLOAD_BYTES:
                    context["error"] = "文件太大（最大 5MB）。"
                else:
                    context.update(
                        _import_bytes(content, suffix, filename, actor(request), self.database_url)
                    )
        return await self.templates.TemplateResponse(request, "admin_import.html", context)


def _import_bytes(
    content: bytes, suffix: str, filename: str, who: str, database_url: str
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(content)
        handle.flush()
        try:
            with session_scope(database_url) as session:
                result = import_official_list(
                    session, Path(handle.name), actor=f"{who}:{filename}"[:80]
                )
        except ImportFileError as exc:
            return {"error": str(exc)}
    if not result.ok:
        return {
            "error": f"共 {len(result.problems)} 处问题，整份文件未导入：",
            "problems": [str(p) for p in result.problems],
        }
    return {"done": f"导入完成：{result.summary()}。"}
