"""Synthetic people: Chinese names, valid unique GB 11643 ID numbers, unique mobile numbers."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from stdnum.cn import ric

from zhiyuan.volunteers.idcard import Gender, generate_gb11643

# The most common surnames with their approximate shares (per mille) in the 2020 census.
SURNAMES: list[tuple[str, float]] = [
    ("王", 72),
    ("李", 71),
    ("张", 69),
    ("刘", 54),
    ("陈", 46),
    ("杨", 31),
    ("赵", 23),
    ("黄", 22),
    ("周", 21),
    ("吴", 20),
    ("徐", 17),
    ("孙", 16),
    ("胡", 14),
    ("朱", 13),
    ("高", 13),
    ("林", 12),
    ("何", 12),
    ("郭", 12),
    ("马", 11),
    ("罗", 9),
    ("梁", 9),
    ("宋", 8),
    ("郑", 8),
    ("谢", 7),
    ("韩", 7),
    ("唐", 6),
    ("冯", 6),
    ("于", 6),
    ("董", 6),
    ("萧", 5),
    ("程", 5),
    ("曹", 5),
    ("袁", 5),
    ("邓", 5),
    ("许", 5),
    ("傅", 4),
    ("沈", 4),
    ("曾", 4),
    ("彭", 4),
    ("吕", 4),
    ("苏", 4),
    ("卢", 4),
    ("蒋", 4),
    ("蔡", 4),
    ("贾", 3),
    ("丁", 3),
    ("魏", 3),
    ("薛", 3),
    ("叶", 3),
    ("阎", 3),
    ("孟", 3),
    ("田", 3),
    ("杜", 3),
    ("石", 3),
    ("崔", 3),
    ("姜", 3),
    ("范", 3),
    ("常", 2),
    ("穆", 1),
    ("欧阳", 0.5),
    ("司马", 0.1),
    ("诸葛", 0.1),
]

# Characters for given names, by sex and by generation: names changed with the times.
GIVEN_CHARS = {
    (Gender.MALE, "older"): "国建军华明志伟文永宝庆德福海平利胜树林春成兴忠元祥振广立",
    (Gender.MALE, "younger"): "浩宇轩子涵博文杰俊鹏磊晨昊天翔嘉泽睿凯航宁硕然辰奕铭",
    (Gender.FEMALE, "older"): "秀英兰玉珍桂芳凤华丽红淑敏静霞艳燕梅云萍琴素娟惠洁荣",
    (Gender.FEMALE, "younger"): "欣怡思涵雨萱梓晨佳琪婷悦诗可馨妍瑶璐雪颖晓楠蕾莹嘉彤",
}

# Birth places (first six digits of the ID): mostly Tianjin's districts and counties,
# some from the provinces around it and beyond. Weights are relative.
PLACES: list[tuple[str, float]] = [
    ("120101", 22),  # 和平区
    ("120102", 6),  # 河东区
    ("120103", 7),  # 河西区
    ("120104", 7),  # 南开区
    ("120105", 5),  # 河北区
    ("120106", 4),  # 红桥区
    ("120107", 1.5),  # 塘沽区 (to 2009)
    ("120110", 2),  # 东郊区 / 东丽区
    ("120111", 2),  # 西郊区 / 西青区
    ("120112", 1.5),  # 南郊区 / 津南区
    ("120113", 1.5),  # 北郊区 / 北辰区
    ("120114", 1),  # 武清区 (from 2000)
    ("120116", 1.5),  # 滨海新区 (from 2009)
    ("120221", 0.5),  # 宁河县 (1982-2015)
    ("120223", 0.5),  # 静海县 (1982-2015)
    ("120225", 0.5),  # 蓟县 (1982-2016)
    ("110101", 1.5),  # 北京 东城区
    ("110105", 1.5),  # 北京 朝阳区
    ("110108", 1),  # 北京 海淀区
    ("130102", 1),  # 石家庄 长安区
    ("130203", 1),  # 唐山 路北区
    ("130902", 1),  # 沧州 新华区
    ("131002", 1),  # 廊坊 安次区
    ("132121", 0.5),  # 邯郸地区 大名县 (to 1993)
    ("140105", 0.5),  # 太原 小店区
    ("140121", 0.3),  # 太原 清徐县
    ("210102", 0.5),  # 沈阳 和平区
    ("230102", 0.5),  # 哈尔滨 道里区
    ("370102", 1),  # 济南 历下区
    ("370121", 0.5),  # 济南 历城县 (to 1987)
    ("371402", 0.5),  # 德州 德城区
    ("410105", 0.5),  # 郑州 金水区
    ("320102", 0.3),  # 南京 玄武区
    ("340121", 0.3),  # 合肥 长丰县
    ("420106", 0.3),  # 武汉 武昌区
    ("510104", 0.3),  # 成都 锦江区
]

# Mobile number prefixes of the three operators (13x-19x).
MOBILE_PREFIXES = (
    [f"13{d}" for d in range(10)]
    + ["145", "147", "150", "151", "152", "153", "155", "156", "157", "158", "159"]
    + ["166", "173", "175", "176", "177", "178"]
    + [f"18{d}" for d in range(10)]
    + ["191", "198", "199"]
)

# Volunteers are young (students) and old (retirees) more than middle-aged.
AGE_BANDS: list[tuple[int, int, float]] = [
    (16, 22, 14),
    (23, 35, 18),
    (36, 50, 20),
    (51, 60, 18),
    (61, 70, 20),
    (71, 80, 10),
]


@dataclass(frozen=True)
class Person:
    real_name: str
    gender: str
    birth_date: dt.date
    id_number: str
    phone: str

    def age_on(self, day: dt.date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


@lru_cache(maxsize=4096)
def place_known_in(place: str, year: int) -> bool:
    """Whether stdnum's table has `place` as a county that existed in `year`."""
    try:
        ric.get_birth_place(generate_gb11643(place, dt.date(year, 1, 1), 0))
    except ric.InvalidComponent:
        return False
    return True


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class PersonFactory:
    """Makes people one by one from `rng`; never the same ID number or phone twice."""

    def __init__(self, rng: random.Random, today: dt.date, *, female_share: float = 0.58):
        self.rng = rng
        self.today = today
        self.female_share = female_share
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()
        self._surnames = [s for s, _w in SURNAMES]
        self._surname_cum = list(accumulate(w for _s, w in SURNAMES))
        self._places = [p for p, _w in PLACES]
        self._place_cum = list(accumulate(w for _p, w in PLACES))
        self._bands = [(low, high) for low, high, _w in AGE_BANDS]
        self._band_cum = list(accumulate(w for _l, _h, w in AGE_BANDS))

    def person(self) -> Person:
        rng = self.rng
        gender = Gender.FEMALE if rng.random() < self.female_share else Gender.MALE
        birth = self._birth_date()
        return Person(
            real_name=self._name(gender, birth.year),
            gender=gender,
            birth_date=birth,
            id_number=self._id_number(gender, birth),
            phone=self._phone(),
        )

    def _birth_date(self) -> dt.date:
        low, high = self.rng.choices(self._bands, cum_weights=self._band_cum)[0]
        age = self.rng.randint(low, high)
        latest = years_before(self.today, age)
        earliest = years_before(self.today, age + 1) + dt.timedelta(days=1)
        return earliest + dt.timedelta(days=self.rng.randrange((latest - earliest).days + 1))

    def _name(self, gender: str, birth_year: int) -> str:
        rng = self.rng
        surname = rng.choices(self._surnames, cum_weights=self._surname_cum)[0]
        chars = GIVEN_CHARS[(gender, "older" if birth_year < 1975 else "younger")]
        if rng.random() < 0.3:
            return surname + rng.choice(chars)
        first = rng.choice(chars)
        # A doubled character (丽丽, 欣欣) is a girl's name, and a rare one.
        if gender == Gender.FEMALE and rng.random() < 0.04:
            return surname + first * 2
        second = rng.choice(chars)
        while second == first:
            second = rng.choice(chars)
        return surname + first + second

    def _id_number(self, gender: str, birth: dt.date) -> str:
        rng = self.rng
        place = "120101"
        for _attempt in range(5):
            candidate = rng.choices(self._places, cum_weights=self._place_cum)[0]
            if place_known_in(candidate, birth.year):
                place = candidate
                break
        parity = 1 if gender == Gender.MALE else 0
        while True:
            number = generate_gb11643(place, birth, rng.randrange(500) * 2 + parity)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def _phone(self) -> str:
        rng = self.rng
        while True:
            number = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(100_000_000):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number
