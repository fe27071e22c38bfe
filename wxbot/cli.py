"""`wxbot`: the command line for staff and operators."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from core.accounts import ROLES, save_staff
from core.config import get_settings
from core.db import session_scope
from wxbot import migrate, texts, training
from wxbot.rasa import BOT_DIR

app = typer.Typer(help="吴兴综合执法智能助手 管理命令", no_args_is_help=True)
db_app = typer.Typer(help="数据库", no_args_is_help=True)
kb_app = typer.Typer(help="知识库", no_args_is_help=True)
nlu_app = typer.Typer(help="Rasa 训练数据", no_args_is_help=True)
staff_app = typer.Typer(help="工作人员账号", no_args_is_help=True)
bot_app = typer.Typer(help="Rasa 机器人", no_args_is_help=True)
tracker_app = typer.Typer(help="Rasa 对话记录（tracker store）", no_args_is_help=True)
for sub, name in (
    (db_app, "db"),
    (kb_app, "kb"),
    (nlu_app, "nlu"),
    (staff_app, "staff"),
    (bot_app, "bot"),
    (tracker_app, "tracker"),
):
    app.add_typer(sub, name=name)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """执行数据库迁移到最新版本。"""
    migrate.upgrade(get_settings().database_url)
    typer.echo("数据库已是最新版本")


@kb_app.command("load")
def kb_load() -> None:
    """载入种子知识（可重复执行；工作人员改过的记录不会被覆盖）。"""
    from knowledge.seed import load_seed

    with session_scope(get_settings().database_url) as session:
        report = load_seed(session)
    typer.echo(f"种子知识已载入：{report.summary() or '无变化'}")


@kb_app.command("import")
def kb_import(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """导入官方不予处罚清单（XLSX 或 CSV）；任一行有误则整份不导入。"""
    from knowledge.importer import ImportFileError, import_official_list

    try:
        with session_scope(get_settings().database_url) as session:
            result = import_official_list(session, path, actor=f"import:{path.name}")
    except ImportFileError as exc:
        typer.echo(f"导入失败：{exc}", err=True)
        raise typer.Exit(1) from exc
    if not result.ok:
        typer.echo(f"导入失败，共 {len(result.problems)} 处问题，未导入任何数据：", err=True)
        for problem in result.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1)
    typer.echo(f"导入完成：{result.summary()}")


@kb_app.command("export")
def kb_export(
    path: Path,
    include_reference: Annotated[
        bool, typer.Option("--include-reference", help="同时导出参考事项（标注为参考事项）")
    ] = False,
) -> None:
    """按导入格式导出清单（XLSX 或 CSV）。"""
    from knowledge.importer import ImportFileError, export_items

    try:
        with session_scope(get_settings().database_url) as session:
            count = export_items(session, path, include_reference=include_reference)
    except ImportFileError as exc:
        typer.echo(f"导出失败：{exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"已导出 {count} 项到 {path}")


@nlu_app.command("export")
def nlu_export() -> None:
    """从知识库生成 Rasa 数据（jieba 词典、镇街查找表、FAQ 问法）。"""
    from knowledge.nlu_export import export_nlu

    with session_scope(get_settings().database_url) as session:
        result = export_nlu(session, BOT_DIR)
    typer.echo(
        f"已生成：词典 {result.dictionary_words} 词，镇街查找表 {result.lookup_entries} 项，"
        f"FAQ 训练问法 {result.examples} 条。运行 make train 以更新模型。"
    )


@staff_app.command("add")
def staff_add(
    name: str,
    role: Annotated[str, typer.Option(help="admin 或 editor")] = "editor",
) -> None:
    """新增或重置工作人员账号；密码从标准输入读取。"""
    if role not in ROLES:
        typer.echo(f"角色只能是 {' 或 '.join(ROLES)}", err=True)
        raise typer.Exit(2)
    if sys.stdin.isatty():
        password = typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        with session_scope(get_settings().database_url) as session:
            created = save_staff(session, username=name, password=password, role=role)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"已{'创建' if created else '更新'}账号 {name}（{role}）")


@bot_app.command("train")
def bot_train(force: Annotated[bool, typer.Option(help="忽略缓存重新训练")] = False) -> None:
    """训练模型（数据没变时直接复用）。"""
    model, origin = training.ensure_model(force=force)
    label = {"present": "已是最新", "cache": "取自缓存", "trained": "新训练"}[origin]
    typer.echo(f"模型 {model.name}：{label}")


@bot_app.command("publish")
def bot_publish() -> None:
    """训练并发布：从知识库导出数据、训练、检查，通过后发布（与工作台的按钮相同）。"""
    import getpass

    from knowledge import bot_models
    from wxbot.trainer import work

    settings = get_settings()
    with session_scope(settings.database_url) as session:
        job_id = bot_models.enqueue(session, requested_by=f"cli:{getpass.getuser()}").id
    typer.echo(f"训练任务 #{job_id} 已排队")
    printed = 0
    stop = threading.Event()

    def show_log() -> None:
        nonlocal printed
        while True:
            with session_scope(settings.database_url) as session:
                job = session.get(bot_models.TrainingJob, job_id)
                log, state = (job.log, job.state) if job else ("", "failed")
            typer.echo(log[printed:], nl=False)
            printed = len(log)
            if state in bot_models.FINISHED or stop.wait(2):
                return

    watcher = threading.Thread(target=show_log, daemon=True)
    watcher.start()
    work(settings)  # runs it here, unless a worker (started by the console) already runs one
    watcher.join()
    stop.set()
    with session_scope(settings.database_url) as session:
        job = session.get(bot_models.TrainingJob, job_id)
        assert job is not None
        typer.echo(f"\n训练任务 #{job_id}：{job.state_label}")
        if job.reason:
            typer.echo(job.reason, err=True)
        if job.state == "failed":
            raise typer.Exit(1)


@bot_app.command("rollback")
def bot_rollback() -> None:
    """回滚到上一个发布的模型。"""
    import getpass

    from knowledge import bot_models

    with session_scope(get_settings().database_url) as session:
        try:
            model = bot_models.rollback(session, by=f"cli:{getpass.getuser()}")
        except bot_models.PublishError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
        typer.echo(f"已回滚到 {model.filename}")


@bot_app.command("worker")
def bot_worker() -> None:
    """依次运行排队的训练任务，全部完成后退出（工作台点击“训练并发布”时自动启动）。"""
    from wxbot.trainer import work

    typer.echo(f"完成训练任务 {work(get_settings())} 个")


@bot_app.command("fingerprint")
def bot_fingerprint() -> None:
    """打印训练数据指纹。"""
    typer.echo(training.fingerprint())


@bot_app.command("endpoints")
def bot_endpoints(
    out: Annotated[Path, typer.Option(help="输出文件")] = Path("var/endpoints.yml"),
) -> None:
    """按环境变量生成 Rasa 的 endpoints.yml（动作服务器、追踪存储、锁存储）。"""
    from wxbot.endpoints import write_endpoints

    write_endpoints(out, get_settings())
    typer.echo(f"已写入 {out}")


@app.command("serve")
def serve() -> None:
    """启动 Rasa、动作服务器和 API（Procfile），就绪后打印访问地址；Ctrl-C 全部停止。"""
    from wxbot.runner import run_procfile

    raise typer.Exit(run_procfile(get_settings()))


if __name__ == "__main__":
    app()


@tracker_app.command("prune")
def tracker_prune(
    mask_days: Annotated[
        float | None, typer.Option(help="多少天前的记录遮蔽手机号和信用代码")
    ] = None,
    keep_days: Annotated[float | None, typer.Option(help="沉默超过多少天的对话删除")] = None,
) -> None:
    """按保留策略整理对话记录：遮蔽旧记录中的个人信息，删除过期对话（建议每天运行）。"""
    from core.tracker_store import prune

    settings = get_settings()
    done = prune(
        settings.tracker_store_url,
        mask_days=settings.tracker_mask_days if mask_days is None else mask_days,
        keep_days=settings.tracker_keep_days if keep_days is None else keep_days,
    )
    typer.echo(
        texts.TRACKER_PRUNED.format(
            masked=done.masked_events,
            conversations=done.deleted_conversations,
            events=done.deleted_events,
        )
    )
