"""Deterministic, weighted names for demo people (docs/decisions/0009-demo-names.md).

Pure Python: no Django, no Faker. ``random.Random(seed)`` is the only source of chance, so one
seed gives one sequence of names (for these tables: editing a table changes the names).

Names are written as Vietnamese civil records write them: surname (or clan name) first, then
middle name(s), then the given name; no honorifics, NFC-normalised Unicode.

Ethnicity codes (the official name in the list of 54 peoples in brackets):

``kinh`` (Kinh)
    The majority. Surname shares are approximate public figures (Nguyễn ≈ 38 %, Trần ≈ 11 %,
    Lê ≈ 9.5 % …); the long tail (Đinh, Đoàn, Trương …) is spread by guess over the remaining
    ≈ 11.5 %. Conventions: *Văn* is a men's middle name, *Thị* a women's; women often carry
    *Thị* plus a second middle name. Simplifications: national rather than regional shares
    (Huỳnh and Võ are southern forms of Hoàng and Vũ, split about evenly here); given-name
    weights are rough (common / rare).
``jrai`` (Gia Rai)
    Ia Krái and the rest of Gia Lai. Convention: the clan name (Ksor, Siu, Rơ Mah, Rơ Châm,
    Kpă, Nay, Rah Lan, Puih, Rơ Ô …) comes first and is inherited from the mother; a woman's
    traditional given name carries "H'" (for *Hơ*), a man's carries no marker; no middle name.
    Simplifications: one spelling per clan (records also write Rmah, Rcom, Rchăm, Rahlan, Rô);
    clan shares are invented; many given names are made up to sound plausible; a share of
    people with Vietnamese given names (which the records show) gets them without "H'".
``dao`` (Dao)
    Hải Sơn (Quảng Ninh). Convention: men's middle names are generation names of the clan
    (Văn, Tài, Phúc, Quầy, Lộc, Thành, Kim …), women's mostly *Thị*. Simplifications: the
    generation sequence per clan is not modelled; *Mùi* and *Mẩy* as women's middle names and
    all weights are unverified.
``tay`` (Tày) and ``san_chi`` (Sán Chay, whose Sán Chỉ group lives in Hải Sơn)
    Their own surnames; middle names *Văn*/*Thị* with a few modern ones. Simplification: given
    names are drawn from the Kinh lists.
``hoa`` (Hoa)
    Chinese Vietnamese, near the border. Sino-Vietnamese surnames and middle names; given
    names from the Kinh lists. *Ông* is left out: as a first word it reads as an honorific.

Bahnar (Ba Na) is not generated: no reliable pattern for surnames was found, and a wrong one
is worse than none. An unknown code raises ``ValueError``.
"""

from __future__ import annotations

import bisect
import math
import random
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

SEXES = ("male", "female")

ETHNICITIES: dict[str, str] = {
    "kinh": "Kinh",
    "gia_rai": "Gia Rai",
    "dao": "Dao",
    "tay": "Tày",
    "san_chi": "Sán Chay",
    "hoa": "Hoa",
}

# Example mixes for the demo communes. Ia Krái: "nearly 47 % ethnic minorities" (seed 003),
# taken to be all Jrai. Hải Sơn: "over 90 % minorities, mainly Dao, Tay, San Chi" (seed 000);
# the split between them is invented.
IA_KRAI_MIX: dict[str, float] = {"kinh": 0.53, "gia_rai": 0.47}
HAI_SON_MIX: dict[str, float] = {"dao": 0.50, "tay": 0.22, "san_chi": 0.17, "kinh": 0.08,
                                 "hoa": 0.03}

_NONE = "-"  # a table entry meaning "no middle name"


@dataclass(frozen=True, slots=True)
class GeneratedName:
    surname: str
    middle: str  # "" when none; may hold two words ("Thị Thu")
    given: str
    full_name: str  # surname first, Vietnamese order
    ethnicity: str
    sex: str


class _Table:
    """Items with cumulative weights; one draw is one ``random()`` and one bisection."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs: list[tuple[str, float]]):
        if not pairs:
            raise ValueError("a weighted table needs at least one entry")
        self.items: list[str] = []
        self.cum: list[float] = []
        running = 0.0
        for item, weight in pairs:
            if not (math.isfinite(weight) and weight >= 0):
                raise ValueError(f"weight for {item!r} must be a finite number ≥ 0, not {weight}")
            running += weight
            self.items.append(item)
            self.cum.append(running)
        if running <= 0:
            raise ValueError("a weighted table needs a positive total weight")
        self.total = running

    @classmethod
    def parse(cls, spec: str) -> _Table:
        """``"Nguyễn=38, Trần=11, Lê"``: comma-separated, weight 1 when not given."""
        pairs: list[tuple[str, float]] = []
        for entry in spec.split(","):
            name, _, weight = entry.strip().partition("=")
            name = unicodedata.normalize("NFC", " ".join(name.split()))
            if not name:
                continue
            pairs.append(("" if name == _NONE else name, float(weight) if weight else 1.0))
        names = [name for name, _ in pairs]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate entries: {', '.join(duplicates)}")
        return cls(pairs)

    @classmethod
    def blend(cls, *parts: tuple[_Table, float]) -> _Table:
        """Tables mixed so that each contributes its given share of the draws."""
        pairs: list[tuple[str, float]] = []
        for table, share in parts:
            previous = 0.0
            for item, cum in zip(table.items, table.cum):
                pairs.append((item, (cum - previous) * share / table.total))
                previous = cum
        return cls(pairs)

    def draw(self, random_: random.Random) -> str:
        return self.items[bisect.bisect_right(self.cum, random_.random() * self.total)]


@dataclass(frozen=True, slots=True)
class _Style:
    surnames: _Table
    middles: dict[str, _Table]  # by sex
    givens: dict[str, _Table]  # by sex


def _by_sex(male: str | _Table, female: str | _Table) -> dict[str, _Table]:
    return {sex: spec if isinstance(spec, _Table) else _Table.parse(spec)
            for sex, spec in zip(SEXES, (male, female))}


# --- Kinh -------------------------------------------------------------------------------------

KINH_SURNAMES = _Table.parse("""
    Nguyễn=38, Trần=11, Lê=9.5, Phạm=7, Hoàng=2.6, Huỳnh=2.4, Phan=4.5, Vũ=2, Võ=1.9,
    Đặng=2.1, Bùi=2, Đỗ=1.4, Hồ=1.3, Ngô=1.3, Dương=1, Lý=0.5,
    Đinh=0.8, Đoàn=0.8, Trương=0.8, Đào=0.6, Lâm=0.7, Mai=0.6, Trịnh=0.6, Lương=0.6, Cao=0.5,
    Hà=0.5, Tạ=0.4, Lưu=0.4, Tô=0.3, Châu=0.3, Thái=0.3, Chu=0.25, Lại=0.2, Kiều=0.2,
    Đàm=0.2, Phùng=0.2, Vương=0.2, Quách=0.2, La=0.2, Tăng=0.15, Từ=0.15, Nghiêm=0.15,
    Khúc=0.1, Mạc=0.1, Thân=0.1, Hứa=0.1, Diệp=0.1, Giang=0.1, Tôn=0.1, Lã=0.1, Ninh=0.1,
    Phí=0.1, Khổng=0.05, Âu=0.05, Doãn=0.05, Hầu=0.05
""")

_KINH_MALE_MIDDLES = """
    Văn=30, Đức=8, Minh=8, Hữu=6, Quang=6, Công=5, Thanh=4, Xuân=4, Quốc=4, Đình=4, Ngọc=3,
    Tiến=3, Trọng=3, Duy=3, Anh=2, Bá=2, Thế=2, Hoàng=2, Mạnh=2, Gia=2, Viết=1, Huy=1,
    Khắc=1, Trung=1, Tuấn=1, Hải=1
"""
_KINH_FEMALE_MIDDLES = """
    Thị=38, Thị Thu=2, Thị Ngọc=2, Thị Kim=1.5, Thị Thanh=1.5, Thị Hồng=1, Thị Thúy=1,
    Thị Mỹ=1, Thị Minh=1, Thị Phương=1, Ngọc=8, Thu=5, Thanh=5, Kim=4, Thúy=3, Hồng=3,
    Phương=3, Mỹ=3, Minh=3, Thùy=3, Bích=2, Hoài=2, Khánh=2, Bảo=2, Mai=2, Quỳnh=2, Diệu=1,
    Tuyết=1, Cẩm=1, Lan=1, Như=1, Hải=1, Thảo=1
"""

KINH_MALE_GIVEN = _Table.parse("""
    Anh=4, Hùng=3, Dũng=3, Tuấn=3, Minh=3, Hải=3, Nam=3, Sơn=3, Thắng=3, Long=3, Cường=3,
    Huy=3, Hoàng=2, Đức=2, Trung=2, Quân=2, Hiếu=2, Phong=2, Khoa=2, Thành=2, Tú=2, Tùng=2,
    Việt=2, Vinh=2, Bình=2, Hưng=2, Hòa=2, Toàn=2, Tiến=2, Mạnh=2, Nghĩa=2, Phúc=2, Quang=2,
    Trường=2, Bảo=2, Chiến=2, Duy=2, Đạt=2, Kiên=2, Lâm, Lộc, Luân, Nhân, Phát, Phương, Quý,
    Tài, Tâm, Tân, Thái, Thịnh, Thông, Vũ, Công, Dương, Đông, Giang, Hào, Hiển, Hiệp, Hậu,
    Khang, Khánh, Lực, Sang, Thiện, Thuận, Tín, Tuyên, Định, Cảnh, Chính, Hợp, Nguyên,
    Quyết, Sỹ, Thanh, Tuệ, Bắc, Hảo, Lợi
""")
KINH_FEMALE_GIVEN = _Table.parse("""
    Anh=4, Linh=3, Hương=3, Trang=3, Hà=3, Hằng=3, Lan=3, Mai=3, Thảo=3, Huyền=3, Ngọc=2,
    Hoa=2, Hạnh=2, Hiền=2, Hồng=2, Dung=2, Phương=2, Nga=2, Nhung=2, Thủy=2, Thu=2, Vân=2,
    Yến=2, Loan=2, Quỳnh=2, Ly=2, Ngân=2, Nhi=2, Giang=2, Oanh, My, Nguyệt, Như, Quyên, Tâm,
    Thanh, Thắm, Thơ, Thùy, Thư, Trâm, Tuyết, Uyên, Vy, Xuân, An, Ánh, Bích, Châu, Chi, Cúc,
    Diệp, Duyên, Đào, Hậu, Hòa, Hoài, Huệ, Hường, Khánh, Lệ, Liên, Liễu, Lụa, Mơ, Nhàn,
    Phượng, Sen, Tươi, Vui, Hảo, Diễm, Kiều
""")

# --- Jrai -------------------------------------------------------------------------------------

_JRAI_CLANS = """
    Ksor=20, Siu=15, Rơ Mah=13, Rơ Châm=12, Kpă=10, Nay=8, Rah Lan=8, Puih=6, Rơ Ô=5,
    Hiao=1.5, Alê=1, Rơ Mô=0.5
"""
_JRAI_MALE = _Table.parse("""
    Jan, Brí, Ben, Pual, Wau, Amliu, Khuin, Hiêng, Blơ, Phin, Yung, Đen, Kuih, Blir, Dơng,
    Hlim, Hyin, Jơn, Khăm, Lăk, Luih, Mlô, Nhă, Plui, Rưn, Thol, Tuih, Yôl, Yuh, Djưi, Thuăn,
    Djuan, Dơk, Hlăp, Blơi, Hmưn, Kơk, Nhin, Glé, Hieo, Dlông, Tơr
""")
_JRAI_FEMALE = _Table.parse(", ".join(f"H'{name}" for name in """
    Kam Lôi Lơn Bia Nhiên Nhi Blôh Djương Hyeh Juh Kueh Lơi Nguh Nhăt Plơi Dơn Dlăi Hơn Bơ
    Jen Yuen Phia Hmưi Ngơi Bliu Ju Ran Pơi Yam Nhơ Thuih Mlai
""".split()))

# --- Dao, Tày, Sán Chỉ, Hoa ---------------------------------------------------------------------

_DAO_SURNAMES = """
    Triệu=22, Bàn=20, Đặng=16, Lý=10, Chảo=7, Phùng=6, Dương=5, Tẩn=5, Lò=4, Sầm=3
"""
_DAO_MALE_MIDDLES = """
    Văn=45, Tài=12, Phúc=10, Quầy=6, Lộc=5, Thành=5, Kim=5, Hữu=4, Nguyên=3, Xuân=3, Thanh=2
"""
_DAO_FEMALE_MIDDLES = "Thị=80, Mùi=10, Mẩy=10"
_DAO_MALE_GIVEN = _Table.parse("""
    Phin=2, Sinh=2, Chàn, Sần, Kiềm, Vần, Lìn, Chòi, Sáng=2, Phấu, Tòn, Mìn, Dào, Hin, Pao,
    Nhất, Nhì, Tam, Sáu, Quầy, Quý, Tiến, Thắng, Hùng, Dũng, Thành, Chung, Lưu, Vinh, Kiên,
    Hải, Phương, Chắn, Sình
""")
_DAO_FEMALE_GIVEN = _Table.parse("""
    Mẩy=2, Nhất, Sửu, Mai=2, Xuân, Sao, Liên, Chiêu, Phây, Dần, Nái, Kiều, Lan, Hoa=2, Xiêm,
    Tá, Nhàn, Vân, Hương, Thu, Hằng, Hà, Liễu, Quyên, Cói, Nhì, Tam, Ngoan, Hiền, Mùi
""")

_TAY_SURNAMES = """
    Hoàng=18, Nông=15, Lương=9, Hà=8, Vi=7, Lục=7, Đàm=7, Bế=6, Ma=5, Triệu=5, Lâm=5, Hứa=4
"""
_SAN_CHI_SURNAMES = "Chìu=14, Lỷ=12, Tằng=12, Đặng=10, Sằm=10, Dương=9, Lục=9, La=8, Phùn=8"
_NORTHERN_MALE_MIDDLES = "Văn=80, Đức=5, Minh=5, Quang=5, Hữu=5"
_NORTHERN_FEMALE_MIDDLES = "Thị=85, Thu=5, Ngọc=5, Thanh=5"

_HOA_SURNAMES = """
    Lý=10, Trần=9, Lâm=9, Hoàng=8, Trương=8, Lưu=7, Mã=5, Quách=5, Châu=5, Từ=4, Diệp=4,
    Tăng=4, Lương=4, Hứa=4, Vương=4, Thái=3, La=3, Phùng=3, Tạ=3, Huỳnh=3
"""
_HOA_MALE_MIDDLES = "Văn=30, Quốc=12, Gia=10, Vĩnh=10, Chí=8, Minh=8, Kiến=6, Đức=6, Tài=5, Hữu=5"
_HOA_FEMALE_MIDDLES = "Thị=25, Mỹ=15, Lệ=12, Tú=10, Ngọc=10, Kim=8, Thu=5, Huệ=4, Bội=3, Mẫn=3"

_KINH_GIVEN = (KINH_MALE_GIVEN, KINH_FEMALE_GIVEN)

_STYLES: dict[str, _Style] = {
    "kinh": _Style(KINH_SURNAMES, _by_sex(_KINH_MALE_MIDDLES, _KINH_FEMALE_MIDDLES),
                   _by_sex(*_KINH_GIVEN)),
    "gia_rai": _Style(_Table.parse(_JRAI_CLANS), _by_sex(_NONE, _NONE),
                   _by_sex(_Table.blend((_JRAI_MALE, 0.65), (KINH_MALE_GIVEN, 0.35)),
                           _Table.blend((_JRAI_FEMALE, 0.55), (KINH_FEMALE_GIVEN, 0.45)))),
    "dao": _Style(_Table.parse(_DAO_SURNAMES), _by_sex(_DAO_MALE_MIDDLES, _DAO_FEMALE_MIDDLES),
                  _by_sex(_Table.blend((_DAO_MALE_GIVEN, 0.7), (KINH_MALE_GIVEN, 0.3)),
                          _Table.blend((_DAO_FEMALE_GIVEN, 0.7), (KINH_FEMALE_GIVEN, 0.3)))),
    "tay": _Style(_Table.parse(_TAY_SURNAMES),
                  _by_sex(_NORTHERN_MALE_MIDDLES, _NORTHERN_FEMALE_MIDDLES),
                  _by_sex(*_KINH_GIVEN)),
    "san_chi": _Style(_Table.parse(_SAN_CHI_SURNAMES),
                      _by_sex(_NORTHERN_MALE_MIDDLES, _NORTHERN_FEMALE_MIDDLES),
                      _by_sex(*_KINH_GIVEN)),
    "hoa": _Style(_Table.parse(_HOA_SURNAMES), _by_sex(_HOA_MALE_MIDDLES, _HOA_FEMALE_MIDDLES),
                  _by_sex(*_KINH_GIVEN)),
}

# A given name equal to the last middle name ("Nguyễn Thị Thu Thu") is drawn again, at most
# this many times; then the repeat is accepted (it does occur, rarely).
_REDRAWS = 5


def _check_sex(sex: str) -> None:
    if sex not in SEXES:
        raise ValueError(f"sex must be one of {', '.join(SEXES)}, not {sex!r}")


def _check_ethnicity(ethnicity: str) -> None:
    if ethnicity not in _STYLES:
        raise ValueError(f"unknown ethnicity {ethnicity!r}; known: {', '.join(ETHNICITIES)}")


class NameGenerator:
    """One seeded stream of names.

    ``NameGenerator(7).person(ethnicity="kinh", sex="female")`` → e.g. ``Nguyễn Thị Thu Hà``.

    Every draw advances the stream, so the same calls in the same order give the same names.
    """

    def __init__(self, seed: int):
        self._random = random.Random(seed)
        self._mixes: dict[tuple[tuple[str, float], ...], _Table] = {}

    def person(self, *, ethnicity: str, sex: str, surname: str | None = None) -> GeneratedName:
        """A name in the style of ``ethnicity``; ``surname`` keeps a family's (a child's)."""
        _check_ethnicity(ethnicity)
        _check_sex(sex)
        style = _STYLES[ethnicity]
        rng = self._random
        if surname is None:
            surname = style.surnames.draw(rng)
        else:
            surname = unicodedata.normalize("NFC", " ".join(surname.split()))
            if not surname:
                raise ValueError("surname must not be blank")
        middle = style.middles[sex].draw(rng)
        givens = style.givens[sex]
        given = givens.draw(rng)
        last_middle = middle.rpartition(" ")[2]
        for _ in range(_REDRAWS):
            if given != last_middle:
                break
            given = givens.draw(rng)
        full_name = f"{surname} {middle} {given}" if middle else f"{surname} {given}"
        return GeneratedName(surname=surname, middle=middle, given=given, full_name=full_name,
                             ethnicity=ethnicity, sex=sex)

    def ethnicity_for(self, *, mix: Mapping[str, float]) -> str:
        """One ethnicity code drawn from ``mix`` (weights need not sum to 1)."""
        return self._mix_table(mix).draw(self._random)

    def sex_for(self, *, male_share: float = 0.5) -> str:
        return "male" if self._random.random() < male_share else "female"

    def _mix_table(self, mix: Mapping[str, float]) -> _Table:
        key = tuple(mix.items())
        table = self._mixes.get(key)
        if table is None:
            if not key:
                raise ValueError("the mix must name at least one ethnicity")
            for code in mix:
                _check_ethnicity(code)
            table = self._mixes[key] = _Table(list(key))
        return table


def sample_people(*, seed: int, n: int, mix: Mapping[str, float],
                  sex_ratio: float = 0.5) -> Iterator[GeneratedName]:
    """``n`` people with ethnicities drawn from ``mix``; ``sex_ratio`` is the share of men.

    Arguments are checked at the call, not at the first ``next()``.
    """
    if n < 0:
        raise ValueError(f"n must not be negative, not {n}")
    if not 0.0 <= sex_ratio <= 1.0:
        raise ValueError(f"sex_ratio must be between 0 and 1, not {sex_ratio}")
    generator = NameGenerator(seed)
    generator._mix_table(mix)  # checks the mix now

    def people() -> Iterator[GeneratedName]:
        for _ in range(n):
            ethnicity = generator.ethnicity_for(mix=mix)
            sex = generator.sex_for(male_share=sex_ratio)
            yield generator.person(ethnicity=ethnicity, sex=sex)

    return people()
