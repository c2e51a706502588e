"""Demo news: the seed's publicity (宣传引导) — a year of articles in the district's columns.

The seed reports 200-odd items in 学雷锋在行动 and the other columns, and 80-odd of them
reprinted by 中国文明网, 北方网 and other outside sites: 210 articles spread over the past
year (a few drafts and one withdrawn), each linked to the teams, projects, stations and
volunteers it is about, and 84 reprints by national and city sites. No cover images.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING

from django.utils import timezone

from zhiyuan.news.models import Article, Column, Reprint
from zhiyuan.projects.models import Project
from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.models import Volunteer

if TYPE_CHECKING:
    from zhiyuan.demo.context import DemoContext

ARTICLES = 210
REPRINTED_ARTICLES = 62
REPRINTS = 84
# column code → (share of the articles, title patterns). {team}, {project}, {station},
# {volunteer} and {month} are filled in from the district's rows.
COLUMNS = {
    "lei_feng": (
        0.40,
        [
            "{team}开展“学雷锋·文明礼让”志愿服务活动",
            "{station}志愿者义务指路、文明引导",
            "{team}走进社区开展便民服务",
            "学雷锋志愿服务进{station}",
            "{month}月12日文明礼让日：{team}在行动",
        ],
    ),
    "volunteer_stories": (
        0.20,
        [
            "{volunteer}：十年如一日照顾空巢老人",
            "身边的雷锋——记{team}志愿者{volunteer}",
            "{volunteer}：把爱心送到农民工身边",
        ],
    ),
    "notices": (
        0.15,
        [
            "关于招募“{project}”志愿者的通知",
            "{month}月志愿者应急救护培训报名通知",
            "关于开展{month}月志愿服务星级认定的通知",
        ],
    ),
    "project_news": (
        0.15,
        [
            "“{project}”项目{month}月服务简报",
            "“{project}”项目走进{station}",
            "{team}“{project}”项目获群众点赞",
        ],
    ),
    "exemplars": (
        0.10,
        [
            "{team}获评优秀志愿服务团队",
            "我区{volunteer}入选五星志愿者事迹展示",
            "“{project}”获评优秀志愿服务项目",
        ],
    ),
}
# (site, address pattern, share): national and city sites that reprint district news.
SITES = [
    ("中国文明网", "https://www.wenming.cn/zyfw/{ym}/t{ymd}_{n}.shtml", 0.35),
    ("天津文明网", "https://tj.wenming.cn/zyfw/{ym}/t{ymd}_{n}.shtml", 0.30),
    ("北方网", "https://news.enorth.com.cn/system/{y}/{m}/{d}/{n}.shtml", 0.20),
    ("天津日报", "https://epaper.tianjinwe.com/tjrb/html/{y}-{m}/{d}/content_{n}.htm", 0.10),
    ("中国志愿服务网", "https://chinavolunteer.mca.gov.cn/news/{ymd}/{n}.html", 0.05),
]
PARAGRAPHS = [
    "活动中，志愿者们身穿红马甲，为过往群众提供义务指路、文明引导和便民服务。",
    "志愿者们表示，将继续弘扬雷锋精神，用实际行动传递温暖、奉献爱心。",
    "据悉，今年以来该队伍已累计开展志愿服务活动数十场，服务群众上千人次。",
    "社区居民纷纷点赞：“有这些志愿者在，我们心里踏实。”",
    "下一步，我区将进一步完善志愿服务项目，推动志愿服务常态化、制度化。",
]


def add_news(ctx: DemoContext) -> None:
    rng = ctx.rng
    columns = {c.code: c for c in Column.objects.filter(code__in=COLUMNS)}
    teams = list(Team.objects.filter(status="active").exclude(level="corps").only("pk", "name"))
    projects = list(Project.objects.filter(state="published").only("pk", "name"))
    stations = list(Station.objects.filter(status="open").only("pk", "name"))
    sample = rng.sample(ctx.volunteer_ids, min(400, len(ctx.volunteer_ids)))
    volunteers = list(
        Volunteer.objects.filter(pk__in=sample, status="active").only("pk", "real_name")
    )
    if not (teams and projects and stations and volunteers):
        ctx.say("news: skipped (no teams, projects, stations or volunteers)")
        return
    codes = list(COLUMNS)
    weights = [COLUMNS[code][0] for code in codes]
    articles, links = [], []
    for n in range(ARTICLES):
        code = rng.choices(codes, weights)[0]
        when = ctx.now - dt.timedelta(days=rng.uniform(0, 365))
        picked = {
            "team": rng.choice(teams),
            "project": rng.choice(projects),
            "station": rng.choice(stations),
            "volunteer": rng.choice(volunteers),
        }
        pattern = rng.choice(COLUMNS[code][1])
        title = pattern.format(
            team=picked["team"].name,
            project=picked["project"].name,
            station=picked["station"].name,
            volunteer=picked["volunteer"].real_name,
            month=when.month,
        )[:200]
        state = "draft" if n < 5 else "unpublished" if n == 5 else "published"
        body = "".join(
            f"<p>{html.escape(p)}</p>" for p in [title + "。", *rng.sample(PARAGRAPHS, 3)]
        )
        articles.append(
            Article(
                column=columns[code],
                title=title,
                summary=PARAGRAPHS[0] if code != "notices" else "",
                body=body,
                region=ctx.district,
                author=ctx.office_admin,
                state=state,
                published_at=None if state == "draft" else when,
            )
        )
        # Link only what the title names: a volunteer's story links that volunteer.
        links.append({name: obj for name, obj in picked.items() if "{" + name + "}" in pattern})
    Article.objects.bulk_create(articles, batch_size=ctx.batch_size)
    # bulk_create leaves created_at/updated_at at "now": the published date is what shows.
    _link(articles, links)
    _add_reprints(ctx, [a for a in articles if a.state == "published"])
    ctx.say(f"news: {len(articles)} articles, {REPRINTS} reprints")


def _link(articles: list[Article], links: list[dict]) -> None:
    through = {
        "team": (Article.teams.through, "team_id"),
        "project": (Article.projects.through, "project_id"),
        "station": (Article.stations.through, "station_id"),
        "volunteer": (Article.volunteers.through, "volunteer_id"),
    }
    rows: dict[str, list] = {name: [] for name in through}
    for article, chosen in zip(articles, links, strict=True):
        for name, obj in chosen.items():
            model, field = through[name]
            rows[name].append(model(article_id=article.pk, **{field: obj.pk}))
    for name, (model, _field) in through.items():
        model.objects.bulk_create(rows[name])


def _add_reprints(ctx: DemoContext, published: list[Article]) -> None:
    rng = ctx.rng
    reprinted = rng.sample(published, min(REPRINTED_ARTICLES, len(published)))
    sites = [s[:2] for s in SITES]
    weights = [s[2] for s in SITES]
    today = ctx.today
    rows, seen = [], set()
    while len(rows) < REPRINTS:
        article = reprinted[len(rows)] if len(rows) < len(reprinted) else rng.choice(reprinted)
        site, pattern = rng.choices(sites, weights)[0]
        if (article.pk, site) in seen:
            continue
        seen.add((article.pk, site))
        published_on = timezone.localdate(article.published_at)
        day = min(published_on + dt.timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 5])), today)
        url = pattern.format(
            y=day.year,
            m=f"{day.month:02d}",
            d=f"{day.day:02d}",
            ym=f"{day:%Y%m}",
            ymd=f"{day:%Y%m%d}",
            n=rng.randrange(10_000_000, 99_999_999),
        )
        rows.append(
            Reprint(
                article=article,
                site_name=site,
                url=url,
                reprinted_on=day,
                recorded_by=ctx.office_admin,
            )
        )
    Reprint.objects.bulk_create(rows, batch_size=ctx.batch_size)
