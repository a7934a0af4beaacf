"""The department registry: matching keys, curated aliases, places and levels read from names."""

from __future__ import annotations

import csv

import pytest

from juesuan.departments import department_id as parser_department_id
from juesuan.parse.dates import parse_printed_date
from juesuan.paths import DATA_DIR
from juesuan.registry import (
    ALIASES_ENV,
    AliasTableError,
    aliases_path,
    automatic_id,
    department_id,
    load_aliases,
    name_key,
    place_of,
    resolve,
)
from juesuan.registry.gazetteer import gazetteer

SEED_NAME = "郑州高新技术产业开发区管委会政务服务中心"


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        (SEED_NAME, "郑州高新技术产业开发区管理委员会政务服务中心"),
        (
            "郑州高新技术产业开发区 管理委员会 政务服务中心",
            "郑州高新技术产业开发区管理委员会政务服务中心",
        ),
        ("上海市普陀区财政局（本级）", "上海市普陀区财政局"),
        ("上海市普陀区财政局本级", "上海市普陀区财政局"),
        ("“上海市”普陀区财政局", "上海市普陀区财政局"),
        ("中国共产党郑州市委员会组织部", "中共郑州市委员会组织部"),
        ("ＡＢＣ局", "ABC局"),  # full-width forms (NFKC)
    ],
)
def test_name_key(printed, key):
    assert name_key(printed) == key


def test_ids_are_the_ones_the_project_always_used():
    # Derived ids must not change: these are published (the seed, the Putuo sample).
    assert automatic_id(name_key(SEED_NAME)) == "dept-3774fb72a550"
    assert automatic_id(name_key("上海市普陀区财政局")) == "dept-bcb79fafd7a8"
    assert parser_department_id("郑州高新技术产业开发区管理委员会政务服务中心") == (
        "dept-3774fb72a550"
    )


def test_the_bundled_alias_table_is_valid_and_used_by_default(monkeypatch):
    monkeypatch.delenv(ALIASES_ENV, raising=False)
    table = load_aliases(aliases_path())
    assert table.aliases and all(a.note for a in table.aliases)
    r = resolve("郑州高新技术产业开发区管理委员会政务服务中心")
    assert (r.department_id, r.match) == ("dept-3774fb72a550", "curated")
    unknown = resolve("合成市甲区合成财务局")
    assert unknown.match == "automatic"
    assert unknown.department_id == automatic_id("合成市甲区合成财务局")


def test_a_curated_alias_keeps_a_renamed_department_as_one(tmp_path, monkeypatch):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(
        "department_id,name,note\n"
        "dept-aaaaaaaaaaaa,合成市乙区合成档案局,until 2021\n"
        "dept-aaaaaaaaaaaa,合成市乙区档案事务中心,renamed in 2022\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(ALIASES_ENV, str(aliases))
    assert department_id("合成市乙区合成档案局") == "dept-aaaaaaaaaaaa"
    assert department_id("合成市乙区 档案事务中心（本级）") == "dept-aaaaaaaaaaaa"
    # The table is read again when it changes.
    aliases.write_text("department_id,name,note\n", encoding="utf-8")
    assert department_id("合成市乙区合成档案局") == automatic_id("合成市乙区合成档案局")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,name,note\n", "columns must be department_id, name, note"),
        ("department_id,name,note\ndept-XYZ,甲局,\n", r"aliases\.csv:2: department_id 'dept-XYZ'"),
        ("department_id,name,note\ndept-aaaaaaaaaaaa,,\n", r"aliases\.csv:2: empty name"),
        (
            "department_id,name,note\ndept-aaaaaaaaaaaa,甲局,\ndept-bbbbbbbbbbbb,甲局（本级）,\n",
            r"aliases\.csv:3: '甲局（本级）' is already given to dept-aaaaaaaaaaaa on line 2",
        ),
    ],
)
def test_a_malformed_alias_table_names_the_file_and_line(tmp_path, content, message):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(content, encoding="utf-8")
    with pytest.raises(AliasTableError, match=message):
        load_aliases(aliases)


@pytest.mark.parametrize(
    ("name", "region", "adcode", "level"),
    [
        # The two examples of the issue.
        (SEED_NAME, "河南省/郑州市", "410100", "development_zone"),
        ("上海市普陀区财政局", "上海市/普陀区", "310107", "county"),
        # The other 普陀区 is told apart by its parents; alone, the place is ambiguous.
        ("浙江省舟山市普陀区财政局", "浙江省/舟山市/普陀区", "330903", "county"),
        ("普陀区财政局", None, None, "county"),
        ("北京市朝阳区教育委员会", "北京市/朝阳区", "110105", "county"),
        ("上海市财政局", "上海市", "310000", "provincial"),
        ("河南省财政厅", "河南省", "410000", "provincial"),
        ("郑州市财政局", "河南省/郑州市", "410100", "prefectural"),
        ("中共郑州市委组织部", "河南省/郑州市", "410100", "prefectural"),
        ("巩义市财政局", "河南省/郑州市/巩义市", "410181", "county"),
        ("广西壮族自治区南宁市财政局", "广西壮族自治区/南宁市", "450100", "prefectural"),
        ("天津市河北区财政局", "天津市/河北区", "120105", "county"),  # not 河北省
        ("吉林市财政局", "吉林省/吉林市", "220200", "prefectural"),  # not 吉林省
        ("重庆市忠县财政局", "重庆市/忠县", "500233", "county"),
        ("郑州市金水区文化路街道办事处", "河南省/郑州市/金水区", "410105", "township"),
        ("郑州市金水区城镇管理局", "河南省/郑州市/金水区", "410105", "county"),
        ("郑州航空港经济综合实验区管理委员会", "河南省/郑州市", "410100", "development_zone"),
        ("国家税务总局", None, None, "central"),
        ("合成市甲区合成财务局", None, None, None),
    ],
)
def test_region_and_level_from_the_name(name, region, adcode, level):
    place = place_of(name)
    assert (place.region, place.adcode, place.admin_level) == (region, adcode, level)


def test_place_parts():
    place = place_of("上海市普陀区财政局")
    assert (place.province, place.city, place.county) == ("上海市", None, "普陀区")
    place = place_of(SEED_NAME)
    assert (place.province, place.city, place.county) == ("河南省", "郑州市", None)


def test_the_gazetteer_and_the_level_rules_are_complete():
    g = gazetteer()
    assert len(g.by_code) > 3000
    assert g.by_code["310107"].name == "普陀区" and g.by_code["410100"].short == "郑州"
    with (DATA_DIR / "admin_levels.csv").open(encoding="utf-8") as handle:
        levels = {row["admin_level"] for row in csv.DictReader(handle)}
    from juesuan import schema

    field = next(f for f in schema.resource("departments").fields if f.name == "admin_level")
    assert levels == set(field.descriptor["constraints"]["enum"])


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("二〇二四年九月", "2024-09"),
        ("2024 年 09 月 20 日", "2024-09-20"),
        ("二〇二四年九月二十三日", "2024-09-23"),
        ("公开日期：2024年9月30日", "2024-09-30"),
        ("2023 年度", None),
        ("2024年13月", None),
        ("我们于2024年9月发布", None),
    ],
)
def test_the_date_a_document_prints(line, date):
    assert parse_printed_date(line) == date
